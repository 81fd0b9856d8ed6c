// The token bucket behind max_conn_rate, messages_rate and bytes_rate: burst,
// refill rate, debt, and when a dry bucket is worth resuming.
#include <catch2/catch.hpp>

#include "emqxd/net/token_bucket.h"

using namespace emqx;

TEST_CASE("token bucket: starts full with one period's amount as burst", "[core][token_bucket]") {
    TokenBucket b(20, 1000, 0);
    CHECK(b.available(0) == 20);
    for (int i = 0; i < 20; ++i) CHECK(b.tryTake(0));
    CHECK_FALSE(b.tryTake(0));
    CHECK(b.available(0) == 0);
}

TEST_CASE("token bucket: refills at amount per period, never beyond the burst", "[core][token_bucket]") {
    TokenBucket b(100, 10'000, 0);  // "100/10s": one token per 100 ms
    for (int i = 0; i < 100; ++i) REQUIRE(b.tryTake(0));
    CHECK(b.available(99) == 0);
    CHECK(b.available(100) == 1);
    CHECK(b.available(2'500) == 25);
    CHECK(b.available(1'000'000) == 100);
}

TEST_CASE("token bucket: a taken amount beyond the content is debt", "[core][token_bucket]") {
    TokenBucket b(1000, 1000, 0);  // 1000 bytes/s
    b.take(0, 1500);
    CHECK(b.available(0) < 0);
    CHECK(b.available(499) < 1);
    CHECK(b.available(500) == 0);
    CHECK(b.available(1500) == 1000);
}

TEST_CASE("token bucket: readyAt waits for a token and the minimum pause", "[core][token_bucket]") {
    SECTION("slow rate: one token") {
        TokenBucket b(20, 1000, 0);  // one token per 50 ms
        for (int i = 0; i < 20; ++i) REQUIRE(b.tryTake(0));
        CHECK(b.readyAt(0) == 50);
        CHECK(b.readyAt(30) == 50);
        CHECK(b.readyAt(50) == 50);
    }
    SECTION("fast rate: kMinPauseMs worth of tokens") {
        TokenBucket b(1000, 1000, 0);  // one token per ms
        for (int i = 0; i < 1000; ++i) REQUIRE(b.tryTake(0));
        CHECK(b.readyAt(0) == TokenBucket::kMinPauseMs);
    }
    SECTION("not dry: now") {
        TokenBucket b(10, 1000, 0);
        CHECK(b.readyAt(7) == 7);
    }
    SECTION("never more than the bucket holds") {
        TokenBucket b(1, 1, 0);  // "1/1ms": holds one token
        REQUIRE(b.tryTake(0));
        CHECK(b.readyAt(0) == 1);
    }
}
