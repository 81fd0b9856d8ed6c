// mqtt.max_conn_per_username: the shared count per username.
#include <catch2/catch.hpp>

#include "emqxd/broker/username_quota.h"

using namespace emqx;

TEST_CASE("username quota: refuses beyond the limit, per username", "[core][username_quota]") {
    UsernameQuota q(2);
    CHECK(q.limited());
    CHECK(q.tryAcquire("alice"));
    CHECK(q.tryAcquire("alice"));
    CHECK_FALSE(q.tryAcquire("alice"));
    CHECK(q.count("alice") == 2);
    CHECK(q.tryAcquire("bob"));
    q.release("alice");
    CHECK(q.count("alice") == 1);
    CHECK(q.tryAcquire("alice"));
    CHECK_FALSE(q.tryAcquire("alice"));
}

TEST_CASE("username quota: a username with no connection left is forgotten", "[core][username_quota]") {
    UsernameQuota q(1);
    REQUIRE(q.tryAcquire("carol"));
    q.release("carol");
    CHECK(q.count("carol") == 0);
    q.release("carol");  // an extra release does not make room for two
    CHECK(q.tryAcquire("carol"));
    CHECK_FALSE(q.tryAcquire("carol"));
}

TEST_CASE("username quota: 0 is unlimited", "[core][username_quota]") { CHECK_FALSE(UsernameQuota(0).limited()); }
