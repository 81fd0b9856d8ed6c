#include "emqxd/auth/password_hash.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <memory>
#include <vector>

namespace emqx::auth {

namespace {

std::string hex(const unsigned char* p, size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (size_t i = 0; i < n; ++i) {
        out.push_back(kHex[p[i] >> 4]);
        out.push_back(kHex[p[i] & 15]);
    }
    return out;
}

const EVP_MD* digestOf(std::string_view name) {
    if (name == "sha256") return EVP_sha256();
    if (name == "sha512") return EVP_sha512();
    if (name == "sha") return EVP_sha1();
    if (name == "md5") return EVP_md5();
    return nullptr;
}

std::optional<std::string> digest(const EVP_MD* md, std::string_view a, std::string_view b) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), a.data(), a.size()) != 1 || EVP_DigestUpdate(ctx.get(), b.data(), b.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), out, &len) != 1)
        return std::nullopt;
    return hex(out, len);
}

std::optional<std::string> bcrypt(std::string_view password, std::string_view setting) {
    std::string pw(password), salt(setting);
    auto data = std::make_unique<crypt_data>();  // large: not on the stack
    std::memset(data.get(), 0, sizeof(crypt_data));
    const char* r = crypt_r(pw.c_str(), salt.c_str(), data.get());
    std::string out = r ? std::string(r) : std::string();
    OPENSSL_cleanse(pw.data(), pw.size());
    if (out.empty() || out[0] == '*') return std::nullopt;  // "*0"/"*1": failure
    return out;
}

}  // namespace

std::optional<std::string> computeHash(const HashAlgorithm& algo, std::string_view password, std::string_view salt) {
    if (algo.name == "plain") return std::string(password);
    if (algo.name == "bcrypt") return bcrypt(password, salt);
    if (algo.name == "pbkdf2") {
        const EVP_MD* md = digestOf(algo.mac_fun);
        if (!md) return std::nullopt;
        std::vector<unsigned char> out(static_cast<size_t>(EVP_MD_get_size(md)));
        if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                              reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                              static_cast<int>(algo.iterations), md, static_cast<int>(out.size()), out.data()) != 1)
            return std::nullopt;
        return hex(out.data(), out.size());
    }
    const EVP_MD* md = digestOf(algo.name);
    if (!md) return std::nullopt;
    if (algo.salt_position == "suffix") return digest(md, password, salt);
    if (algo.salt_position == "disable") return digest(md, password, {});
    return digest(md, salt, password);
}

std::string newSalt(const HashAlgorithm& algo) {
    if (algo.name == "plain") return {};
    unsigned char rnd[16];
    RAND_bytes(rnd, sizeof rnd);
    if (algo.name == "bcrypt") {
        char out[CRYPT_GENSALT_OUTPUT_SIZE];
        if (!crypt_gensalt_rn("$2b$", algo.salt_rounds, reinterpret_cast<const char*>(rnd), sizeof rnd, out,
                              sizeof out))
            return {};
        return out;
    }
    if (algo.salt_position == "disable" && algo.name != "pbkdf2") return {};
    return hex(rnd, 8);
}

StoredHash makeHash(const HashAlgorithm& algo, std::string_view password) {
    StoredHash h;
    h.salt = newSalt(algo);
    h.hash = computeHash(algo, password, h.salt).value_or("");
    return h;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool verifyPassword(const HashAlgorithm& algo, std::string_view password, const StoredHash& stored) {
    if (stored.hash.empty()) return false;
    // bcrypt: the stored hash is its own setting (salt and cost).
    std::string_view salt = algo.name == "bcrypt" ? std::string_view(stored.hash) : std::string_view(stored.salt);
    auto h = computeHash(algo, password, salt);
    if (!h) return false;
    return constantTimeEquals(*h, stored.hash);
}

}  // namespace emqx::auth
