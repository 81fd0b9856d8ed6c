// The worker's deadline heap: reschedule moves exactly one entry, popDue in order.
#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "emqxd/runtime/deadline_queue.h"

using namespace emqx;

namespace {

std::vector<DeadlineEntry> popAll(DeadlineQueue& q, int64_t now_ms) {
    std::vector<DeadlineEntry> out;
    q.popDue(now_ms, [&](const DeadlineEntry& e) { out.push_back(e); });
    return out;
}

}  // namespace

TEST_CASE("deadline queue: empty", "[core][deadline]") {
    DeadlineQueue q;
    CHECK(q.earliest() == DeadlineQueue::kNone);
    CHECK(popAll(q, 1'000'000).empty());
}

TEST_CASE("deadline queue: popDue returns due entries in deadline order", "[core][deadline]") {
    DeadlineQueue q;
    DeadlineSlot a, b, c, d;
    q.reschedule(DeadlineKind::Connection, 1, a, 300);
    q.reschedule(DeadlineKind::Session, 2, b, 100);
    q.reschedule(DeadlineKind::Connection, 3, c, 200);
    q.reschedule(DeadlineKind::Session, 4, d, 400);
    CHECK(a.at() == 300);
    CHECK(b.at() == 100);
    CHECK(q.earliest() == 100);

    CHECK(popAll(q, 99).empty());
    auto due = popAll(q, 300);  // inclusive
    REQUIRE(due.size() == 3);
    CHECK(due[0] == DeadlineEntry{100, DeadlineKind::Session, 2});
    CHECK(due[1] == DeadlineEntry{200, DeadlineKind::Connection, 3});
    CHECK(due[2] == DeadlineEntry{300, DeadlineKind::Connection, 1});
    CHECK(q.earliest() == 400);
    CHECK(popAll(q, 300).empty());  // popped entries are gone
    due = popAll(q, 400);
    REQUIRE(due.size() == 1);
    CHECK(due[0].id == 4);
    CHECK(q.earliest() == DeadlineQueue::kNone);
}

TEST_CASE("deadline queue: reschedule moves the one old entry", "[core][deadline]") {
    DeadlineQueue q;
    DeadlineSlot slot;
    q.reschedule(DeadlineKind::Connection, 7, slot, 100);
    q.reschedule(DeadlineKind::Connection, 7, slot, 500);
    CHECK(slot.at() == 500);
    CHECK(q.earliest() == 500);
    CHECK(popAll(q, 499).empty());

    q.reschedule(DeadlineKind::Connection, 7, slot, 50);  // earlier
    CHECK(q.earliest() == 50);
    q.reschedule(DeadlineKind::Connection, 7, slot, 50);  // same: no-op
    auto due = popAll(q, 1000);
    REQUIRE(due.size() == 1);  // no stale entry at 100 or 500
    CHECK(due[0] == DeadlineEntry{50, DeadlineKind::Connection, 7});
}

TEST_CASE("deadline queue: unschedule with kNone", "[core][deadline]") {
    DeadlineQueue q;
    DeadlineSlot s1, s2;
    q.reschedule(DeadlineKind::Session, 1, s1, 100);
    q.reschedule(DeadlineKind::Session, 2, s2, 200);
    q.reschedule(DeadlineKind::Session, 1, s1, DeadlineQueue::kNone);
    CHECK_FALSE(s1.scheduled());
    CHECK(q.earliest() == 200);
    q.reschedule(DeadlineKind::Session, 1, s1, DeadlineQueue::kNone);  // already unscheduled
    auto due = popAll(q, 1000);
    REQUIRE(due.size() == 1);
    CHECK(due[0].id == 2);
}

TEST_CASE("deadline queue: same time, different kinds and ids are distinct", "[core][deadline]") {
    DeadlineQueue q;
    DeadlineSlot c1, s1, c2;
    q.reschedule(DeadlineKind::Session, 1, s1, 100);
    q.reschedule(DeadlineKind::Connection, 1, c1, 100);
    q.reschedule(DeadlineKind::Connection, 2, c2, 100);
    // Moving one leaves the others at the same time alone.
    q.reschedule(DeadlineKind::Session, 1, s1, 300);
    auto due = popAll(q, 100);
    REQUIRE(due.size() == 2);
    CHECK(due[0] == DeadlineEntry{100, DeadlineKind::Connection, 1});
    CHECK(due[1] == DeadlineEntry{100, DeadlineKind::Connection, 2});
    CHECK(q.earliest() == 300);
}

TEST_CASE("deadline queue: a handler may reschedule while popping", "[core][deadline]") {
    DeadlineQueue q;
    DeadlineSlot slot;
    q.reschedule(DeadlineKind::Connection, 1, slot, 100);
    int calls = 0;
    q.popDue(150, [&](const DeadlineEntry& e) {
        ++calls;
        CHECK_FALSE(slot.scheduled());          // popped: unscheduled
        q.reschedule(e.kind, e.id, slot, 200);  // next check, after now
    });
    CHECK(calls == 1);
    CHECK(slot.at() == 200);
    CHECK(q.earliest() == 200);
}

TEST_CASE("deadline queue: many slots rescheduled at random pop as an ordered set would", "[core][deadline]") {
    DeadlineQueue q;
    std::vector<DeadlineSlot> slots(200);
    std::set<DeadlineEntry> expected;
    std::minstd_rand rng(14);
    auto kindOf = [](size_t i) { return i % 3 == 0 ? DeadlineKind::Session : DeadlineKind::Connection; };
    for (int step = 0; step < 5000; ++step) {
        size_t i = rng() % slots.size();
        if (slots[i].scheduled()) expected.erase({slots[i].at(), kindOf(i), i});
        int64_t at = rng() % 7 == 0 ? DeadlineQueue::kNone : static_cast<int64_t>(rng() % 1000);
        q.reschedule(kindOf(i), i, slots[i], at);
        if (at != DeadlineQueue::kNone) expected.insert({at, kindOf(i), i});
        REQUIRE(q.size() == expected.size());
        REQUIRE(q.earliest() == (expected.empty() ? DeadlineQueue::kNone : expected.begin()->at_ms));
    }
    std::vector<DeadlineEntry> due = popAll(q, 1000);
    CHECK(due == std::vector<DeadlineEntry>(expected.begin(), expected.end()));
    for (const DeadlineSlot& s : slots) CHECK_FALSE(s.scheduled());
}
