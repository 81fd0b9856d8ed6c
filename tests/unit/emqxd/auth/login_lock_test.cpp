// Failed dashboard logins per source address: max_attempts within the
// interval lock the address for the lock duration; other addresses are not
// touched; a success clears the count; old failures fall out of the window.
#include <catch2/catch.hpp>

#include "emqxd/auth/login_lock.h"

using namespace emqx::auth;

TEST_CASE("login lock: the fifth failure within the interval locks the address", "[login_lock]") {
    LoginLock lock(5, 300'000, 600'000);
    for (int i = 0; i < 4; ++i) CHECK_FALSE(lock.failed("10.0.0.1", 1'000 + i));
    CHECK_FALSE(lock.refuse("10.0.0.1", 2'000));
    CHECK(lock.failed("10.0.0.1", 2'000));
    auto r = lock.refuse("10.0.0.1", 3'000);
    REQUIRE(r);
    CHECK(r->retry_after_ms == 599'000);
    CHECK(r->refused == 1);
    CHECK(lock.refuse("10.0.0.1", 4'000)->refused == 2);  // each refusal counted
    CHECK_FALSE(lock.refuse("10.0.0.2", 4'000));          // another address is not touched
    CHECK_FALSE(lock.refuse("10.0.0.1", 602'000));        // the lock ends
    CHECK_FALSE(lock.failed("10.0.0.1", 602'000));        // and counting starts afresh
}

TEST_CASE("login lock: failures older than the interval do not count", "[login_lock]") {
    LoginLock lock(3, 10'000, 60'000);
    CHECK_FALSE(lock.failed("a", 0));
    CHECK_FALSE(lock.failed("a", 5'000));
    CHECK_FALSE(lock.failed("a", 10'000));  // the one at 0 has left the window
    CHECK(lock.failed("a", 12'000));
}

TEST_CASE("login lock: a success clears the address's failures", "[login_lock]") {
    LoginLock lock(3, 10'000, 60'000);
    lock.failed("a", 0);
    lock.failed("a", 1);
    lock.succeeded("a");
    CHECK_FALSE(lock.failed("a", 2));
    CHECK_FALSE(lock.failed("a", 3));
    CHECK(lock.failed("a", 4));
}

TEST_CASE("login lock: the table is bounded, quiet addresses go first", "[login_lock]") {
    LoginLock lock(2, 1'000, 60'000);
    lock.failed("locked", 0);
    REQUIRE(lock.failed("locked", 0));
    for (size_t i = 1; i < LoginLock::kMaxAddresses; ++i) lock.failed("quiet" + std::to_string(i), 0);
    CHECK(lock.tracked() == LoginLock::kMaxAddresses);
    lock.failed("new", 5'000);
    CHECK(lock.tracked() == 2);
    CHECK(lock.refuse("locked", 5'000));
}
