// SessionRegistry: what the one-owner-per-client-id invariant relies on.
#include <catch2/catch.hpp>

#include "emqxd/session/session_registry.h"

using namespace emqx;

TEST_CASE("session registry: the first claim wins until its owner releases", "[core][session_registry]") {
    SessionRegistry r;
    CHECK(r.claim("c", 1) == 1);
    CHECK(r.claim("c", 2) == 1);  // another worker is sent to the owner
    CHECK(r.claim("c", 1) == 1);  // claiming again keeps it (Worker::createSession after Channel::admitted)
    r.release("c", 2);            // only the owner releases
    CHECK(r.claim("c", 2) == 1);
    r.release("c", 1);
    CHECK(r.size() == 0);
    CHECK(r.claim("c", 2) == 2);  // a freed id goes to the next claimer
}

TEST_CASE("session registry: client ids are independent", "[core][session_registry]") {
    SessionRegistry r;
    CHECK(r.claim("a", 0) == 0);
    CHECK(r.claim("b", 3) == 3);
    r.release("a", 0);
    CHECK(r.claim("b", 0) == 3);
    CHECK(r.size() == 1);
}

TEST_CASE("session registry: owner names the claimer until it releases", "[core][session_registry]") {
    SessionRegistry r;
    CHECK_FALSE(r.owner("c"));
    r.claim("c", 2);
    CHECK(r.owner("c") == 2u);
    r.release("c", 2);
    CHECK_FALSE(r.owner("c"));
}
