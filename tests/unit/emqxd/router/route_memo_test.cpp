#include <catch2/catch.hpp>

#include "emqxd/router/route_memo.h"

using namespace emqx;

namespace {

Subscriber sub(uint64_t session) {
    Subscriber s;
    s.session_id = session;
    return s;
}

void record(RouteMemo& m, uint64_t generation, std::string_view topic, size_t targets, uint64_t shared_group = 0) {
    m.begin();
    for (size_t i = 0; i < targets; ++i) m.add(sub(i + 1), i + 1 == targets ? shared_group : 0);
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
    CHECK((*t)[2].session_id == 3);
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
