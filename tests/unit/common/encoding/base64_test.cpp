// Base64 as the HTTP API carries payloads and credentials.
#include <catch2/catch.hpp>

#include "common/encoding/base64.h"

using namespace emqx;

TEST_CASE("base64: round trip of any bytes", "[encoding]") {
    for (std::string bytes : {std::string(), std::string("a"), std::string("ab"), std::string("abc"),
                              std::string("\0\xff\x80 binary", 10)}) {
        auto decoded = base64Decode(base64Encode(bytes));
        REQUIRE(decoded);
        CHECK(*decoded == bytes);
    }
    CHECK(base64Encode("hello") == "aGVsbG8=");
    CHECK(*base64Decode("aGVsbG8=") == "hello");
}

TEST_CASE("base64: what is no padded base64 is refused", "[encoding]") {
    CHECK_FALSE(base64Decode("aGVsbG8"));      // not a multiple of 4
    CHECK_FALSE(base64Decode("aGV=bG8="));     // '=' inside
    CHECK_FALSE(base64Decode("aGVs bG8="));    // whitespace
    CHECK_FALSE(base64Decode("aGVs*G8="));     // not in the alphabet
    CHECK_FALSE(base64Decode("aGVsbG8===="));  // three pads
}
