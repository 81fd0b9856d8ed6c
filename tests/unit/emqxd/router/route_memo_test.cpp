#include <catch2/catch.hpp>

#include <vector>

#include "emqxd/router/route_memo.h"

using namespace emqx;

namespace {

// Sessions 1..targets; the last one picked from `shared_group` when not 0.
void record(RouteMemo& m, uint64_t generation, std::string_view topic, size_t targets, uint64_t shared_group = 0) {
    std::vector<Subscriber> subs(targets);
    m.begin();
    for (size_t i = 0; i < targets; ++i) {
        subs[i].session_id = i + 1;
        m.add(RouteTarget{&subs[i], i + 1 == targets ? shared_group : 0});
    }
    m.finish(generation, topic);
}

}  // namespace

TEST_CASE("route memo: a route is reused for its topic while the generation holds", "[core][router]") {
    RouteMemo m;
    CHECK(m.lookup(1, "a/b") == nullptr);  // nothing remembered yet
    record(m, 7, "a/b", 3);
    const auto* t = m.lookup(7, "a/b");
    REQUIRE(t != nullptr);
    REQUIRE(t->size() == 3);
    CHECK(t->sessions[2].session_id == 3);
    CHECK(m.lookup(8, "a/b") == nullptr);  // the route table changed
    CHECK(m.lookup(7, "a/c") == nullptr);  // another topic
    record(m, 7, "empty", 0);              // no subscribers is a route too
    REQUIRE(m.lookup(7, "empty") != nullptr);
    CHECK(m.lookup(7, "empty")->empty());
}

TEST_CASE("route memo: shared groups and large fan-outs are not remembered", "[core][router]") {
    RouteMemo m;
    record(m, 3, "s", 2, /*shared_group=*/9);
    CHECK(m.lookup(3, "s") == nullptr);
    record(m, 3, "big", RouteMemo::kMaxTargets + 1);
    CHECK(m.lookup(3, "big") == nullptr);
    record(m, 3, "max", RouteMemo::kMaxTargets);
    REQUIRE(m.lookup(3, "max") != nullptr);
    CHECK(m.lookup(3, "max")->size() == RouteMemo::kMaxTargets);
}

TEST_CASE("route memo: a route to remote nodes is remembered with its sessions", "[core][router]") {
    RouteMemo m;
    Subscriber local;
    local.session_id = 5;
    m.begin();
    m.add(RouteTarget{&local, 0});
    m.add(RouteTarget{nullptr, 0, 2});
    m.add(RouteTarget{nullptr, 0, 4});
    m.finish(9, "n/t");
    const RouteMemo::Route* t = m.lookup(9, "n/t");
    REQUIRE(t != nullptr);
    REQUIRE(t->sessions.size() == 1);
    CHECK(t->sessions[0].session_id == 5);
    CHECK(t->nodes == std::vector<NodeId>{2, 4});
}
