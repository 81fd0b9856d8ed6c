// SessionLocator: what the one-owner-per-client-id invariant relies on.
#include <catch2/catch.hpp>

#include "emqxd/session/session_locator.h"

using namespace emqx;

namespace {
SessionOwner on(uint32_t worker) { return SessionOwner{kThisNode, worker}; }
}  // namespace

TEST_CASE("session locator: the first claim wins until its owner releases", "[core][session_locator]") {
    SessionLocator r;
    CHECK(r.claim("c", 1) == on(1));
    CHECK(r.claim("c", 2) == on(1));  // another worker is sent to the owner
    CHECK(r.claim("c", 1) == on(1));  // claiming again keeps it (SessionManager::create after Channel::admitted)
    r.release("c", 2);                // only the owner releases
    CHECK(r.claim("c", 2) == on(1));
    r.release("c", 1);
    CHECK(r.size() == 0);
    CHECK(r.claim("c", 2) == on(2));  // a freed id goes to the next claimer
}

TEST_CASE("session locator: client ids are independent", "[core][session_locator]") {
    SessionLocator r;
    CHECK(r.claim("a", 0) == on(0));
    CHECK(r.claim("b", 3) == on(3));
    r.release("a", 0);
    CHECK(r.claim("b", 0) == on(3));
    CHECK(r.size() == 1);
}

TEST_CASE("session locator: owner names the claimer until it releases", "[core][session_locator]") {
    SessionLocator r;
    CHECK_FALSE(r.owner("c"));
    r.claim("c", 2);
    CHECK(r.owner("c") == on(2));
    r.release("c", 2);
    CHECK_FALSE(r.owner("c"));
}

TEST_CASE("session locator: only the owner transfers, and the new owner then owns", "[core][session_locator]") {
    SessionLocator r;
    CHECK_FALSE(r.transfer("c", 1, 2));  // nobody owns it
    r.claim("c", 1);
    CHECK_FALSE(r.transfer("c", 3, 2));  // not the owner
    CHECK(r.owner("c") == on(1));
    CHECK(r.transfer("c", 1, 2));
    CHECK(r.owner("c") == on(2));
    CHECK(r.claim("c", 1) == on(2));
    r.release("c", 1);  // the old owner no longer releases it
    CHECK(r.owner("c") == on(2));
    r.release("c", 2);
    CHECK(r.size() == 0);
}
