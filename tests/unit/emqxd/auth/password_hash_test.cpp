#include <catch2/catch.hpp>

#include "emqxd/auth/password_hash.h"

using namespace emqx::auth;

namespace {
HashAlgorithm algo(std::string name, std::string pos = "prefix", std::string mac = "sha256", unsigned it = 4096) {
    HashAlgorithm a;
    a.name = std::move(name);
    a.salt_position = std::move(pos);
    a.mac_fun = std::move(mac);
    a.iterations = it;
    return a;
}
}  // namespace

TEST_CASE("hash: pbkdf2 known vectors (RFC 6070 for SHA-1, and SHA-256/512)", "[auth][hash]") {
    CHECK(computeHash(algo("pbkdf2", "", "sha", 1), "password", "salt") == "0c60c80f961f0e71f3a9b524af6012062fe037a6");
    CHECK(computeHash(algo("pbkdf2", "", "sha", 2), "password", "salt") == "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
    CHECK(computeHash(algo("pbkdf2", "", "sha", 4096), "password", "salt") ==
          "4b007901b765489abead49d926f721d065a429c1");
    CHECK(computeHash(algo("pbkdf2", "", "sha256", 1), "password", "salt") ==
          "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    CHECK(computeHash(algo("pbkdf2", "", "sha256", 4096), "password", "salt") ==
          "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
    CHECK(computeHash(algo("pbkdf2", "", "sha512", 2), "password", "salt") ==
          "e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53cf76cab2868a39b9f7840edce4fef5a82be67335c77a6"
          "068e04112754f27ccf4e");
}

TEST_CASE("hash: salted sha256 / sha512, prefix and suffix", "[auth][hash]") {
    CHECK(computeHash(algo("sha256", "prefix"), "public", "salt1") ==
          "e521d0c9f195a93eaaf68021b9529071b4138685e46b35b5bc27b2b4e2a67652");
    CHECK(computeHash(algo("sha256", "suffix"), "public", "salt1") ==
          "081d096e5020914bf037d7922a38ad4663804004e55a519a7afe92001de6e2cc");
    CHECK(computeHash(algo("sha512", "suffix"), "public", "salt1") ==
          "1e834bddd886534ca7de8ab414e8861072f3164ac273f13c0ca1aac4b5e70839d53529be3d89d34974683cff6312660ce0b5eb35c8b9"
          "9a2ea4401f9111a1ac25");
    CHECK(computeHash(algo("plain"), "public", "") == "public");
}

TEST_CASE("hash: bcrypt through libcrypt (a hash made by python's crypt)", "[auth][hash]") {
    const std::string stored = "$2b$05$abcdefghijklmnopqrstuuwwPIUV0aLdd4MRrWIJ1GQ9qm/ci/n7y";
    HashAlgorithm a = algo("bcrypt");
    CHECK(verifyPassword(a, "public", StoredHash{stored, "$2b$05$abcdefghijklmnopqrstuu"}));
    CHECK_FALSE(verifyPassword(a, "Public", StoredHash{stored, ""}));
    a.salt_rounds = 4;
    StoredHash h = makeHash(a, "pw");
    CHECK(h.hash.rfind("$2b$04$", 0) == 0);
    CHECK(verifyPassword(a, "pw", h));
    CHECK_FALSE(verifyPassword(a, "px", h));
    CHECK_FALSE(computeHash(a, "pw", "$2b$99$nonsense").has_value());
}

TEST_CASE("hash: makeHash salts and verifies for every algorithm", "[auth][hash]") {
    for (auto a : {algo("sha256"), algo("sha512", "suffix"), algo("pbkdf2", "", "sha512", 10), algo("plain")}) {
        StoredHash h1 = makeHash(a, "secret"), h2 = makeHash(a, "secret");
        CHECK(verifyPassword(a, "secret", h1));
        CHECK_FALSE(verifyPassword(a, "secreT", h1));
        CHECK_FALSE(verifyPassword(a, "", h1));
        if (a.name != "plain") CHECK(h1.hash != h2.hash);  // random salts
    }
    CHECK(constantTimeEquals("abc", "abc"));
    CHECK_FALSE(constantTimeEquals("abc", "abd"));
    CHECK_FALSE(constantTimeEquals("abc", "abcd"));
}
