// A connection's read limiter: which buckets exist, read sizes under
// bytes_rate, PUBLISH tokens under messages_rate, and the resume time.
#include <catch2/catch.hpp>

#include "emqxd/net/read_limiter.h"

using namespace emqx;

TEST_CASE("read limiter: only the configured rates have a bucket", "[core][read_limiter]") {
    ReadLimiter only_messages(config::Rate{200, 1000}, config::Rate{}, 0);
    CHECK(only_messages.messages);
    CHECK_FALSE(only_messages.bytes);
    CHECK(only_messages.readSize(0, 65536) == 65536);
    CHECK_FALSE(only_messages.takeBytes(0, 1'000'000));
    CHECK(only_messages.paused_until_ms == -1);

    ReadLimiter only_bytes(config::Rate{}, config::Rate{1024, 1000}, 0);
    CHECK(only_bytes.takeMessage(0));
}

TEST_CASE("read limiter: reads take no more than the bytes bucket holds", "[core][read_limiter]") {
    ReadLimiter l(config::Rate{}, config::Rate{102400, 1000}, 0);  // 100KB/s
    CHECK(l.readSize(0, 65536) == 65536);
    CHECK_FALSE(l.takeBytes(0, 65536));
    CHECK(l.readSize(0, 65536) == 102400 - 65536);
    CHECK(l.takeBytes(0, 102400 - 65536));  // now dry
    CHECK(l.readSize(0, 65536) == 1);       // never a zero-length buffer
    CHECK(l.readyAt(0) == 20);              // 20 ms of refill (2048 bytes)
    CHECK(l.readSize(20, 65536) == 2048);
}

TEST_CASE("read limiter: messages_rate hands out one token per PUBLISH", "[core][read_limiter]") {
    ReadLimiter l(config::Rate{200, 1000}, config::Rate{}, 0);
    int taken = 0;
    while (l.takeMessage(0)) ++taken;
    CHECK(taken == 200);
    CHECK(l.readyAt(0) == 20);  // 4 tokens back
    CHECK(l.takeMessage(5));
    CHECK_FALSE(l.takeMessage(5));
}

TEST_CASE("read limiter: resume waits for the later of the two buckets", "[core][read_limiter]") {
    ReadLimiter l(config::Rate{10, 1000}, config::Rate{1000, 1000}, 0);
    while (l.takeMessage(0)) {
    }
    CHECK(l.readyAt(0) == 100);  // messages: one token per 100 ms; bytes still full
    l.takeBytes(0, 2000);        // 1000 bytes of debt: a second and 20 ms to 20 bytes
    CHECK(l.readyAt(0) == 1020);
}
