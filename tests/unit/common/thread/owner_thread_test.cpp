// OwnerThread: while a loop runs only its thread may touch what it owns;
// before it starts and after it ended, any thread may.
#include <catch2/catch.hpp>

#include <thread>

#include "common/thread/owner_thread.h"

using namespace emqx;

namespace {

// Asks `check` on a thread of its own (the "other thread").
template <class Check>
bool onOtherThread(Check check) {
    bool answer = false;
    std::thread t([&] { answer = check(); });
    t.join();
    return answer;
}

}  // namespace

TEST_CASE("owner thread: before its loop starts any thread may touch, none is the owner", "[thread]") {
    OwnerThread owner;
    CHECK(owner.mayTouch());
    CHECK_FALSE(owner.isCurrent());
    CHECK(onOtherThread([&] { return owner.mayTouch(); }));
    CHECK_FALSE(onOtherThread([&] { return owner.isCurrent(); }));
}

TEST_CASE("owner thread: while its loop runs only the loop's thread may touch", "[thread]") {
    OwnerThread owner;
    owner.enter();
    CHECK(owner.isCurrent());
    CHECK(owner.mayTouch());
    CHECK_FALSE(onOtherThread([&] { return owner.mayTouch(); }));
    CHECK_FALSE(onOtherThread([&] { return owner.isCurrent(); }));
}

TEST_CASE("owner thread: a loop on another thread shuts out this one", "[thread]") {
    OwnerThread owner;
    std::thread loop([&] { owner.enter(); });
    loop.join();
    CHECK_FALSE(owner.mayTouch());
    CHECK_FALSE(owner.isCurrent());
}

TEST_CASE("owner thread: after its loop ended any thread may touch again", "[thread]") {
    OwnerThread owner;
    std::thread loop([&] {
        owner.enter();
        owner.leave();
    });
    loop.join();
    CHECK(owner.mayTouch());
    CHECK_FALSE(owner.isCurrent());
    CHECK(onOtherThread([&] { return owner.mayTouch(); }));
}

TEST_CASE("owner ref: unbound, any thread may touch", "[thread]") {
    OwnerRef ref;
    CHECK(ref.mayTouch());
    CHECK(onOtherThread([&] { return ref.mayTouch(); }));
}

#ifndef NDEBUG
// Release builds carry no link (OwnerRef is empty there): these hold where the checks are live.
TEST_CASE("owner ref: bound, it answers as its owner", "[thread]") {
    OwnerThread owner;
    OwnerRef ref;
    ref.bind(owner);
    owner.enter();
    CHECK(ref.mayTouch());
    CHECK_FALSE(onOtherThread([&] { return ref.mayTouch(); }));
    owner.leave();
    CHECK(onOtherThread([&] { return ref.mayTouch(); }));
}

TEST_CASE("owner ref: a copy has the same owner, an assignment keeps each one's own", "[thread]") {
    OwnerThread owner;
    owner.enter();
    OwnerRef bound;
    bound.bind(owner);
    OwnerRef copy(bound);
    CHECK_FALSE(onOtherThread([&] { return copy.mayTouch(); }));
    OwnerRef unbound;
    unbound = bound;
    CHECK(onOtherThread([&] { return unbound.mayTouch(); }));
    bound = OwnerRef();
    CHECK_FALSE(onOtherThread([&] { return bound.mayTouch(); }));
}
#endif
