// api_key.bootstrap_file lines and the rules of key names and roles (EMQX's).
#include <catch2/catch.hpp>

#include "emqxd/auth/api_key_file.h"

using namespace emqx::auth;

TEST_CASE("api key file: key:secret and key:secret:role, blank lines skipped", "[api_key]") {
    std::vector<BootstrapApiKey> keys;
    std::string error;
    REQUIRE(parseApiKeyFile("k1:s1\n\n  k2:s2:viewer  \r\nk3:s3:publisher\n", "keys.txt", keys, error));
    REQUIRE(keys.size() == 3);
    CHECK(keys[0].api_key == "k1");
    CHECK(keys[0].api_secret == "s1");
    CHECK(keys[0].role == "administrator");
    CHECK(keys[1].role == "viewer");
    CHECK(keys[1].line == 3);
    CHECK(keys[2].role == "publisher");
}

TEST_CASE("api key file: a bad line names the file and the line, never the secret", "[api_key]") {
    std::vector<BootstrapApiKey> keys;
    std::string error;
    CHECK_FALSE(parseApiKeyFile("k1:s1\nnocolon\n", "keys.txt", keys, error));
    CHECK(error == "keys.txt:2: expected key:secret or key:secret:role");
    CHECK_FALSE(parseApiKeyFile("k1:topsecret:root\n", "keys.txt", keys, error));
    CHECK(error.find("keys.txt:1: invalid role \"root\"") == 0);
    CHECK(error.find("topsecret") == std::string::npos);
    for (const char* bad : {":s\n", "k:\n", "k::viewer\n", "k:s:\n"}) {
        INFO(bad);
        CHECK_FALSE(parseApiKeyFile(bad, "f", keys, error));
    }
}

TEST_CASE("api key names: a letter, then letters, digits, - and _", "[api_key]") {
    CHECK(apiKeyNameProblem("EMQX-API-KEY_1").empty());
    CHECK_FALSE(apiKeyNameProblem("").empty());
    CHECK_FALSE(apiKeyNameProblem("1abc").empty());
    CHECK_FALSE(apiKeyNameProblem("a b").empty());
    CHECK_FALSE(apiKeyNameProblem(std::string(257, 'a')).empty());
    CHECK(isApiKeyRole("viewer"));
    CHECK_FALSE(isApiKeyRole("root"));
}
