// When license_quota and the memory alarms are raised and cleared.
#include <catch2/catch.hpp>

#include "emqxd/alarm/alarm_conditions.h"

using namespace emqx::alarm;

TEST_CASE("license_quota: raised above the high watermark, cleared below the low one", "[alarm]") {
    // max_connections 10, 80% and 75%: above 8 raises, below 7.5 clears.
    CHECK(licenseQuota(9, 10, 80, 75) == Verdict::Raise);
    CHECK(licenseQuota(8, 10, 80, 75) == Verdict::Keep);
    CHECK(licenseQuota(7, 10, 80, 75) == Verdict::Clear);
    CHECK(licenseQuota(0, 10, 80, 75) == Verdict::Clear);
    CHECK(licenseQuota(11, 10, 80, 75) == Verdict::Raise);
}

TEST_CASE("license_quota: no limit (community) clears", "[alarm]") {
    CHECK(licenseQuota(1000000, 0, 80, 75) == Verdict::Clear);
}

TEST_CASE("memory alarms: above the watermark raises, at or below clears", "[alarm]") {
    CHECK(aboveWatermark(70.01, 70) == Verdict::Raise);
    CHECK(aboveWatermark(70, 70) == Verdict::Clear);
    CHECK(aboveWatermark(0.01, 0) == Verdict::Raise);
    CHECK(aboveWatermark(99.99, 100) == Verdict::Clear);
}
