// RFC 3339 times as EMQX's API takes them.
#include <catch2/catch.hpp>

#include "common/clock/rfc3339.h"

using emqx::parseRfc3339;

namespace {

constexpr int64_t kNow = 1700000000;  // 2023-11-14T22:13:20Z

}  // namespace

TEST_CASE("rfc3339: offsets, Z and fractions", "[clock]") {
    CHECK(parseRfc3339("1970-01-01T00:00:00Z") == 0);
    CHECK(parseRfc3339("2023-11-14T22:13:20Z") == kNow);
    CHECK(parseRfc3339("2023-11-15T00:13:20+02:00") == kNow);
    CHECK(parseRfc3339("2023-11-14T20:13:20.999-02:00") == kNow);
    CHECK(parseRfc3339("2024-02-29T00:00:00Z"));  // a leap day
    for (const char* bad : {"", "2023-11-14", "2023-11-14T22:13:20", "2023-11-14T22:13:20+0200", "2023-13-14T22:13:20Z",
                            "2023-04-31T00:00:00Z", "2023-11-14T24:00:00Z", "2023-11-14T22:13:20.Z",
                            "x023-11-14T22:13:20Z", "2023-11-14T22:13:20Zjunk"})
        CHECK_FALSE(parseRfc3339(bad));
}
