// $SYS uptime as EMQX prints it.
#include <catch2/catch.hpp>

#include "emqxd/sys/sys_publisher.h"

using namespace emqx;

TEST_CASE("uptime: EMQX's format, leading zero units left out", "[core][sys]") {
    CHECK(formatUptime(0) == "0 seconds");
    CHECK(formatUptime(1) == "1 seconds");
    CHECK(formatUptime(59) == "59 seconds");
    CHECK(formatUptime(60) == "1 minutes, 0 seconds");
    CHECK(formatUptime(61) == "1 minutes, 1 seconds");
    CHECK(formatUptime(3599) == "59 minutes, 59 seconds");
    CHECK(formatUptime(3600) == "1 hours, 0 minutes, 0 seconds");
    CHECK(formatUptime(3661) == "1 hours, 1 minutes, 1 seconds");
    CHECK(formatUptime(86399) == "23 hours, 59 minutes, 59 seconds");
    CHECK(formatUptime(86400) == "1 days, 0 hours, 0 minutes, 0 seconds");
    CHECK(formatUptime(93784) == "1 days, 2 hours, 3 minutes, 4 seconds");
    CHECK(formatUptime(86400 + 5) == "1 days, 0 hours, 0 minutes, 5 seconds");
    CHECK(formatUptime(400 * 86400 + 7) == "400 days, 0 hours, 0 minutes, 7 seconds");
}
