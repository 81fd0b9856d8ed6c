// When the worker loops gather onto one thread and when they spread again.
#include <catch2/catch.hpp>

#include "emqxd/runtime/compaction_policy.h"

using namespace emqx;
using Decision = CompactionPolicy::Decision;

TEST_CASE("compaction policy: gathers after enough calm periods in a row, not before", "[core][runtime]") {
    CompactionPolicy p;  // gather below 0.75 cores for 3 periods
    CHECK(p.onPeriod(false, 0.10, 0.0, 200) == Decision::Stay);
    CHECK(p.onPeriod(false, 0.10, 0.0, 400) == Decision::Stay);
    CHECK(p.onPeriod(false, 0.80, 0.0, 600) == Decision::Stay);  // a busy period starts the count again
    CHECK(p.onPeriod(false, 0.10, 0.0, 800) == Decision::Stay);
    CHECK(p.onPeriod(false, 0.10, 0.0, 1000) == Decision::Stay);
    CHECK(p.onPeriod(false, 0.74, 0.0, 1200) == Decision::Gather);
}

TEST_CASE("compaction policy: spreads when the one thread is nearly always busy", "[core][runtime]") {
    CompactionPolicy p;  // busy over 0.70 of a period; its CPU use does not decide
    CHECK(p.onPeriod(true, 0.95, 0.69, 200) == Decision::Stay);
    CHECK(p.onPeriod(true, 0.40, 0.71, 400) == Decision::Spread);
}

TEST_CASE("compaction policy: a short-lived gather doubles the wait before the next one", "[core][runtime]") {
    CompactionPolicy::Thresholds t;
    t.calm_periods = 1;
    t.cooldown_ms = 1000;
    t.max_cooldown_ms = 4000;
    t.short_gather_ms = 10000;
    CompactionPolicy p(t);
    CHECK(p.onPeriod(false, 0.1, 0.0, 0) == Decision::Gather);
    CHECK(p.onPeriod(true, 0.1, 0.95, 100) == Decision::Spread);  // cooldown 2,000 ms
    CHECK(p.onPeriod(false, 0.1, 0.0, 2000) == Decision::Stay);
    CHECK(p.onPeriod(false, 0.1, 0.0, 2100) == Decision::Gather);
    CHECK(p.onPeriod(true, 0.1, 0.95, 2200) == Decision::Spread);  // 4,000 ms
    CHECK(p.onPeriod(false, 0.1, 0.0, 6100) == Decision::Stay);
    CHECK(p.onPeriod(false, 0.1, 0.0, 6200) == Decision::Gather);
    CHECK(p.onPeriod(true, 0.1, 0.95, 6300) == Decision::Spread);  // still 4,000: the maximum
    CHECK(p.onPeriod(false, 0.1, 0.0, 10300) == Decision::Gather);
    // A gather that lasted: the wait is back to the base.
    CHECK(p.onPeriod(true, 0.1, 0.95, 30000) == Decision::Spread);
    CHECK(p.onPeriod(false, 0.1, 0.0, 30900) == Decision::Stay);
    CHECK(p.onPeriod(false, 0.1, 0.0, 31000) == Decision::Gather);
}
