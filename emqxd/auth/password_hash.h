#pragma once
// Password hashes of the built-in database, as EMQX 5 makes them:
//   plain              hash = password
//   sha256/sha512/...  hash = hex(H(salt + password)) (prefix) or hex(H(password + salt)) (suffix)
//   pbkdf2             hash = hex(PBKDF2-HMAC-<mac_fun>(password, salt, iterations))
//   bcrypt             hash = crypt_r(password, "$2b$NN$<22 chars>") (libxcrypt); salt = that setting
// Comparison is constant time (CRYPTO_memcmp). Never log a password.
#include <optional>
#include <string>
#include <string_view>

namespace emqx::auth {

struct HashAlgorithm {
    std::string name = "sha256";           // bcrypt | pbkdf2 | sha256 | sha512 | sha | md5 | plain
    std::string salt_position = "prefix";  // prefix | suffix | disable
    std::string mac_fun = "sha256";        // pbkdf2
    unsigned iterations = 4096;            // pbkdf2
    unsigned salt_rounds = 10;             // bcrypt
};

struct StoredHash {
    std::string hash;
    std::string salt;
};

// The hash of `password` with `salt` (lower-case hex except bcrypt and plain);
// nullopt when the algorithm fails (an invalid bcrypt salt).
std::optional<std::string> computeHash(const HashAlgorithm& algo, std::string_view password, std::string_view salt);

// A new random salt for `algo` (a bcrypt setting "$2b$10$..."; 16 hex chars otherwise; "" for plain).
std::string newSalt(const HashAlgorithm& algo);

StoredHash makeHash(const HashAlgorithm& algo, std::string_view password);

bool verifyPassword(const HashAlgorithm& algo, std::string_view password, const StoredHash& stored);

// bcrypt and pbkdf2 are slow on purpose (milliseconds to seconds per check):
// these are verified off the worker thread (docs/security.md).
inline bool isSlow(const HashAlgorithm& algo) { return algo.name == "bcrypt" || algo.name == "pbkdf2"; }

// Constant-time equality.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace emqx::auth
