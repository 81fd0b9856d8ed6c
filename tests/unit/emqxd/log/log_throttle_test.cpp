// The throttle behind the protocol-error warnings: a burst per window, the
// rest counted for one summary at the window's end.
#include <catch2/catch.hpp>

#include "emqxd/log/log_throttle.h"

using emqx::LogThrottle;

TEST_CASE("log throttle: a burst per window, the rest counted", "[core][log]") {
    LogThrottle t(1000, 3);
    CHECK(t.windowEnd() == LogThrottle::kNoWindow);
    CHECK(t.admit(5000));
    CHECK(t.windowEnd() == 6000);
    CHECK(t.admit(5100));
    CHECK(t.admit(5200));
    for (int i = 0; i < 100; ++i) CHECK_FALSE(t.admit(5300 + i));
    CHECK(t.windowEnd() == 6000);  // the flood does not push the window's end back
    CHECK(t.closeWindow() == 100);
    CHECK(t.windowEnd() == LogThrottle::kNoWindow);
}

TEST_CASE("log throttle: the next line after a window opens a new one with a full burst", "[core][log]") {
    LogThrottle t(1000, 2);
    CHECK(t.admit(0));
    CHECK(t.admit(1));
    CHECK_FALSE(t.admit(2));
    CHECK(t.closeWindow() == 1);
    CHECK(t.admit(7000));
    CHECK(t.windowEnd() == 8000);
    CHECK(t.admit(7001));
    CHECK_FALSE(t.admit(7002));
    CHECK(t.closeWindow() == 1);
}

TEST_CASE("log throttle: a quiet window has nothing to tell", "[core][log]") {
    LogThrottle t(1000, 10);
    CHECK(t.admit(0));
    CHECK(t.closeWindow() == 0);
    CHECK(t.closeWindow() == 0);
}
