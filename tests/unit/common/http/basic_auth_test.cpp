// "Authorization: Basic ..." read as an API key and its secret.
#include <catch2/catch.hpp>

#include "common/http/basic_auth.h"

using namespace emqx::http;

TEST_CASE("basic auth: user and password, the scheme in any case", "[http]") {
    auto c = parseBasicAuth("Basic a2V5OnNlY3JldA==");  // key:secret
    REQUIRE(c);
    CHECK(c->user == "key");
    CHECK(c->password == "secret");
    c = parseBasicAuth("basic a2V5OnM6ZWM=");  // key:s:ec (the password keeps its colons)
    REQUIRE(c);
    CHECK(c->password == "s:ec");
    c = parseBasicAuth("BASIC YTo=");  // "a:" (empty password)
    REQUIRE(c);
    CHECK(c->user == "a");
    CHECK(c->password.empty());
}

TEST_CASE("basic auth: anything else is refused", "[http]") {
    CHECK_FALSE(parseBasicAuth(""));
    CHECK_FALSE(parseBasicAuth("Bearer abc"));
    CHECK_FALSE(parseBasicAuth("Basic"));
    CHECK_FALSE(parseBasicAuth("Basic !!!!"));
    CHECK_FALSE(parseBasicAuth("Basic a2V5"));             // "key": no colon
    CHECK_FALSE(parseBasicAuth("Basic a2V5OnNlY3JldA="));  // not a multiple of 4
}
