// The route table: direct subscriptions through wildcards, shared groups,
// every shared-subscription strategy's selection rule, and routes to other nodes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "emqxd/router/route_batch.h"
#include "emqxd/router/router.h"

using namespace emqx;

namespace {

MessagePtr makeMsg(std::string_view topic, std::string_view publisher = "pub") {
    return Message::make(topic, "x", publisher);
}

Subscriber sub(uint64_t session, uint32_t worker = 0, uint8_t qos = 0) {
    Subscriber s;
    s.worker = worker;
    s.session_id = session;
    s.options.qos = qos;
    return s;
}

struct Hit {
    uint64_t session;
    uint32_t worker;
    uint8_t qos;
    uint64_t group;
};

std::vector<Hit> routeOf(const Router& r, const MessagePtr& m, uint32_t from_worker = 0) {
    std::vector<Hit> hits;
    r.route(*m, from_worker, [&](const RouteTarget& t) {
        hits.push_back(Hit{t.subscriber->session_id, t.subscriber->worker, t.subscriber->options.qos, t.shared_group});
    });
    return hits;
}

std::set<uint64_t> sessionsOf(const std::vector<Hit>& hits) {
    std::set<uint64_t> s;
    for (auto& h : hits) s.insert(h.session);
    return s;
}

// The one member a shared group picks for `m` (the route must give exactly one target).
uint64_t pickOne(const Router& r, const MessagePtr& m, uint32_t from_worker = 0) {
    auto hits = routeOf(r, m, from_worker);
    REQUIRE(hits.size() == 1);
    REQUIRE(hits[0].group != 0);
    return hits[0].session;
}

// Sessions 1, 2, 3 on workers 0, 1, 2 in group "g" on "t/1".
void addGroupOf3(Router& r) {
    r.subscribe("$share/g/t/1", sub(1, 0));
    r.subscribe("$share/g/t/1", sub(2, 1));
    r.subscribe("$share/g/t/1", sub(3, 2));
}

}  // namespace

TEST_CASE("router: strategy names are EMQX's", "[core][router]") {
    CHECK(sharedStrategyFromName("random") == SharedStrategy::Random);
    CHECK(sharedStrategyFromName("round_robin") == SharedStrategy::RoundRobin);
    CHECK(sharedStrategyFromName("round_robin_per_group") == SharedStrategy::RoundRobinPerGroup);
    CHECK(sharedStrategyFromName("sticky") == SharedStrategy::Sticky);
    CHECK(sharedStrategyFromName("local") == SharedStrategy::Local);
    CHECK(sharedStrategyFromName("hash_topic") == SharedStrategy::HashTopic);
    CHECK(sharedStrategyFromName("hash_clientid") == SharedStrategy::HashClientId);
    CHECK_THROWS_AS(sharedStrategyFromName("roundrobin"), std::invalid_argument);
    CHECK_THROWS_AS(sharedStrategyFromName(""), std::invalid_argument);
}

TEST_CASE("router: direct subscriptions are matched through wildcards", "[core][router]") {
    Router r(2, SharedStrategy::RoundRobin);
    r.subscribe("a/b/c", sub(1));
    r.subscribe("a/+/c", sub(2));
    r.subscribe("a/#", sub(3));
    r.subscribe("#", sub(4));
    r.subscribe("+/b/c", sub(5));
    r.subscribe("a/b", sub(6));
    r.subscribe("a/+/d", sub(7));
    r.subscribe("+/+", sub(8));

    auto hits = routeOf(r, makeMsg("a/b/c"));
    CHECK(hits.size() == 5);
    CHECK(sessionsOf(hits) == std::set<uint64_t>{1, 2, 3, 4, 5});
    for (auto& h : hits) CHECK(h.group == 0);

    CHECK(sessionsOf(routeOf(r, makeMsg("a/b"))) == std::set<uint64_t>{3, 4, 6, 8});
    CHECK(sessionsOf(routeOf(r, makeMsg("a"))) == std::set<uint64_t>{3, 4});  // "a/#" matches its parent
    CHECK(sessionsOf(routeOf(r, makeMsg("x/y/z"))) == std::set<uint64_t>{4});

    // Leading wildcards do not match '$' topics.
    CHECK(routeOf(r, makeMsg("$SYS/b/c")).empty());
    r.subscribe("$SYS/#", sub(9));
    CHECK(sessionsOf(routeOf(r, makeMsg("$SYS/b/c"))) == std::set<uint64_t>{9});
}

TEST_CASE("router: direct subscribe/unsubscribe and counts", "[core][router]") {
    Router r(2, SharedStrategy::RoundRobin);
    CHECK(r.topicCount() == 0);
    CHECK(r.subscriptions().value() == 0);

    r.subscribe("a/b", sub(1));
    r.subscribe("a/b", sub(2));
    r.subscribe("a/+", sub(1));
    CHECK(r.topicCount() == 2);
    CHECK(r.subscriptions().value() == 3);

    r.subscribe("$share/g/a/b", sub(3));
    r.subscribe("$share/g/a/b", sub(4));
    r.subscribe("$queue/q", sub(5));
    CHECK(r.topicCount() == 4);  // a/b, a/+, $share/g/a/b, $queue/q
    CHECK(r.subscriptions().value() == 6);

    // Direct and shared targets of one message.
    auto hits = routeOf(r, makeMsg("a/b"));
    REQUIRE(hits.size() == 4);
    size_t shared = 0;
    for (auto& h : hits) shared += h.group != 0;
    CHECK(shared == 1);

    r.unsubscribe("a/b", 1);
    CHECK(r.topicCount() == 4);
    CHECK(r.subscriptions().value() == 5);
    r.unsubscribe("a/b", 2);
    CHECK(r.topicCount() == 3);
    CHECK(r.subscriptions().value() == 4);
    r.unsubscribe("a/b", 2);  // already gone: nothing changes
    r.unsubscribe("nope", 1);
    CHECK(r.topicCount() == 3);
    CHECK(r.subscriptions().value() == 4);
    r.unsubscribe("a/+", 1);
    CHECK(r.topicCount() == 2);
    CHECK(r.subscriptions().value() == 3);

    auto only_shared = routeOf(r, makeMsg("a/b"));
    REQUIRE(only_shared.size() == 1);
    CHECK(only_shared[0].group != 0);
}

TEST_CASE("router: resubscribe replaces options without a duplicate", "[core][router]") {
    Router r(2, SharedStrategy::RoundRobin);
    r.subscribe("a/+", sub(1, 0, 0));
    r.subscribe("a/+", sub(1, 1, 2));
    CHECK(r.subscriptions().value() == 1);
    CHECK(r.topicCount() == 1);
    auto hits = routeOf(r, makeMsg("a/b"));
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].qos == 2);
    CHECK(hits[0].worker == 1);

    // The same for an exact filter (kept apart from the wildcard trie).
    r.subscribe("a/b/c", sub(1, 0, 1));
    r.subscribe("a/b/c", sub(1, 1, 0));
    CHECK(r.subscriptions().value() == 2);
    auto exact = routeOf(r, makeMsg("a/b/c"));
    REQUIRE(exact.size() == 1);
    CHECK(exact[0].qos == 0);
    CHECK(exact[0].worker == 1);
    r.unsubscribe("a/b/c", 1);
    CHECK(routeOf(r, makeMsg("a/b/c")).empty());

    r.subscribe("$share/g/s", sub(1, 0, 0));
    r.subscribe("$share/g/s", sub(1, 0, 1));
    CHECK(r.subscriptions().value() == 2);
    CHECK(r.topicCount() == 2);
    auto shared = routeOf(r, makeMsg("s"));
    REQUIRE(shared.size() == 1);
    CHECK(shared[0].qos == 1);

    // Unsubscribing once removes it entirely (no leftover duplicate).
    r.unsubscribe("$share/g/s", 1);
    r.unsubscribe("a/+", 1);
    CHECK(r.subscriptions().value() == 0);
    CHECK(r.topicCount() == 0);
    CHECK(routeOf(r, makeMsg("a/b")).empty());
    CHECK(routeOf(r, makeMsg("s")).empty());
}

TEST_CASE("router: forEachRoute lists direct filters and each shared group's real filter", "[core][router]") {
    Router r(2, SharedStrategy::RoundRobin);
    r.subscribe("a/#", sub(1));
    r.subscribe("x/+", sub(5));
    r.subscribe("$share/g1/x/+", sub(2));
    r.subscribe("$share/g1/x/+", sub(3));
    r.subscribe("$queue/q/1", sub(4));
    std::multiset<std::pair<std::string, std::string>> seen;
    r.forEachRoute([&](std::string_view filter, std::string_view group) { seen.emplace(filter, group); });
    std::multiset<std::pair<std::string, std::string>> expected{
        {"a/#", ""}, {"x/+", ""}, {"x/+", "g1"}, {"q/1", "$queue"}};
    CHECK(seen == expected);
}

TEST_CASE("router: subscription gauges count shared members apart and keep their peaks", "[core][router]") {
    Router r(2, SharedStrategy::RoundRobin);
    r.subscribe("a", sub(1));
    r.subscribe("a", sub(1, 0, 1));  // a new QoS: still one subscription
    r.subscribe("$share/g/s", sub(2));
    r.subscribe("$share/g/s", sub(3));
    r.subscribe("$share/g/s", sub(3, 0, 2));
    CHECK(r.subscriptions().value() == 3);
    CHECK(r.sharedSubscriptions().value() == 2);
    r.unsubscribe("$share/g/s", 2);
    r.unsubscribe("$share/g/s", 3);
    r.unsubscribe("a", 1);
    r.unsubscribe("a", 1);  // gone already: no change
    CHECK(r.subscriptions().value() == 0);
    CHECK(r.sharedSubscriptions().value() == 0);
    CHECK(r.subscriptions().max() == 3);
    CHECK(r.sharedSubscriptions().max() == 2);
}

TEST_CASE("router: groups with different names are separate, each picks one", "[core][router]") {
    Router r(2, SharedStrategy::RoundRobin);
    r.subscribe("$share/g1/t", sub(1));
    r.subscribe("$share/g1/t", sub(2));
    r.subscribe("$share/g2/t", sub(3));
    CHECK(r.topicCount() == 2);
    auto hits = routeOf(r, makeMsg("t"));
    REQUIRE(hits.size() == 2);
    CHECK(hits[0].group != hits[1].group);
    std::set<uint64_t> s = sessionsOf(hits);
    CHECK(s.count(3) == 1);
    CHECK((s.count(1) + s.count(2)) == 1);
}

TEST_CASE("router: unsubscribing the last member removes the group", "[core][router]") {
    Router r(2, SharedStrategy::RoundRobin);
    r.subscribe("$share/g/a/+", sub(1));
    r.subscribe("$share/g/a/+", sub(2));
    CHECK(r.topicCount() == 1);
    CHECK(r.subscriptions().value() == 2);

    r.unsubscribe("$share/g/a/+", 1);
    CHECK(r.topicCount() == 1);
    CHECK(r.subscriptions().value() == 1);
    for (int i = 0; i < 5; ++i) CHECK(pickOne(r, makeMsg("a/b")) == 2);

    r.unsubscribe("$share/other/a/+", 2);  // a group that does not exist: no-op
    CHECK(r.subscriptions().value() == 1);

    r.unsubscribe("$share/g/a/+", 2);
    CHECK(r.topicCount() == 0);
    CHECK(r.subscriptions().value() == 0);
    CHECK(routeOf(r, makeMsg("a/b")).empty());

    // setOnline of a session with no groups left is harmless; a new group works.
    r.setOnline(2, false);
    r.subscribe("$share/g/a/+", sub(7));
    CHECK(r.topicCount() == 1);
    CHECK(pickOne(r, makeMsg("a/b")) == 7);
}

TEST_CASE("router: round_robin gives each of 3 members exactly a third", "[core][router]") {
    for (auto strategy : {SharedStrategy::RoundRobin, SharedStrategy::RoundRobinPerGroup}) {
        Router r(4, strategy);
        addGroupOf3(r);
        std::map<uint64_t, int> counts;
        std::vector<uint64_t> order;
        for (int i = 0; i < 300; ++i) {
            uint64_t s = pickOne(r, makeMsg("t/1"));
            ++counts[s];
            order.push_back(s);
        }
        CHECK(counts.size() == 3);
        CHECK(counts[1] == 100);
        CHECK(counts[2] == 100);
        CHECK(counts[3] == 100);
        // Strict rotation: no member twice within any window of 3.
        for (size_t i = 0; i + 2 < order.size(); ++i) {
            std::set<uint64_t> w{order[i], order[i + 1], order[i + 2]};
            REQUIRE(w.size() == 3);
        }
    }
}

TEST_CASE("router: round_robin skips offline members while one is live", "[core][router]") {
    Router r(4, SharedStrategy::RoundRobin);
    addGroupOf3(r);
    r.setOnline(1, false);
    std::map<uint64_t, int> counts;
    for (int i = 0; i < 60; ++i) ++counts[pickOne(r, makeMsg("t/1"))];
    CHECK(counts.count(1) == 0);
    CHECK(counts[2] + counts[3] == 60);
    CHECK(counts[2] > 0);
    CHECK(counts[3] > 0);

    r.setOnline(3, false);
    for (int i = 0; i < 30; ++i) CHECK(pickOne(r, makeMsg("t/1")) == 2);

    // All offline: still one member per message (messages queue in the session).
    r.setOnline(2, false);
    std::set<uint64_t> picked;
    for (int i = 0; i < 30; ++i) picked.insert(pickOne(r, makeMsg("t/1")));
    CHECK(picked.size() >= 1);
    for (auto s : picked) CHECK((s >= 1 && s <= 3));

    // Back online: preferred again.
    r.setOnline(3, true);
    for (int i = 0; i < 30; ++i) CHECK(pickOne(r, makeMsg("t/1")) == 3);
}

TEST_CASE("router: setOnline applies to every group of the session", "[core][router]") {
    Router r(2, SharedStrategy::RoundRobin);
    r.subscribe("$share/g/a", sub(1));
    r.subscribe("$share/g/a", sub(2));
    r.subscribe("$share/h/b", sub(1));
    r.subscribe("$share/h/b", sub(3));
    r.setOnline(1, false);
    for (int i = 0; i < 10; ++i) {
        CHECK(pickOne(r, makeMsg("a")) == 2);
        CHECK(pickOne(r, makeMsg("b")) == 3);
    }
}

TEST_CASE("router: sticky stays on one member until it goes offline", "[core][router]") {
    Router r(4, SharedStrategy::Sticky);
    addGroupOf3(r);
    const uint64_t first = pickOne(r, makeMsg("t/1", "c1"));
    for (int i = 0; i < 50; ++i) CHECK(pickOne(r, makeMsg("t/1", "c" + std::to_string(i))) == first);

    r.setOnline(first, false);
    const uint64_t second = pickOne(r, makeMsg("t/1"));
    CHECK(second != first);
    for (int i = 0; i < 50; ++i) CHECK(pickOne(r, makeMsg("t/1", "c" + std::to_string(i))) == second);

    // The first one coming back does not take it back: sticky to the current.
    r.setOnline(first, true);
    for (int i = 0; i < 20; ++i) CHECK(pickOne(r, makeMsg("t/1")) == second);

    r.setOnline(second, false);
    const uint64_t third = pickOne(r, makeMsg("t/1"));
    CHECK(third != second);
    for (int i = 0; i < 20; ++i) CHECK(pickOne(r, makeMsg("t/1")) == third);
}

TEST_CASE("router: hash_clientid gives the same member for the same client", "[core][router]") {
    Router r(4, SharedStrategy::HashClientId);
    r.subscribe("$share/g/t/+", sub(1));
    r.subscribe("$share/g/t/+", sub(2));
    r.subscribe("$share/g/t/+", sub(3));
    std::set<uint64_t> used;
    for (int c = 0; c < 50; ++c) {
        const std::string client = "client-" + std::to_string(c);
        const uint64_t s = pickOne(r, makeMsg("t/0", client));
        used.insert(s);
        // Same client, any topic, any time: same member.
        for (int t = 0; t < 10; ++t) REQUIRE(pickOne(r, makeMsg("t/" + std::to_string(t), client)) == s);
    }
    CHECK(used.size() > 1);  // the client id spreads the load
}

TEST_CASE("router: hash_topic gives the same member for the same topic", "[core][router]") {
    Router r(4, SharedStrategy::HashTopic);
    r.subscribe("$share/g/t/+", sub(1));
    r.subscribe("$share/g/t/+", sub(2));
    r.subscribe("$share/g/t/+", sub(3));
    std::set<uint64_t> used;
    for (int t = 0; t < 50; ++t) {
        const std::string topic = "t/" + std::to_string(t);
        const uint64_t s = pickOne(r, makeMsg(topic, "c0"));
        used.insert(s);
        // Same topic, any publisher: same member.
        for (int c = 0; c < 10; ++c) REQUIRE(pickOne(r, makeMsg(topic, "c" + std::to_string(c))) == s);
    }
    CHECK(used.size() > 1);  // the topic spreads the load
}

TEST_CASE("router: hash strategies move off an offline member", "[core][router]") {
    Router r(4, SharedStrategy::HashClientId);
    r.subscribe("$share/g/t", sub(1));
    r.subscribe("$share/g/t", sub(2));
    const uint64_t s = pickOne(r, makeMsg("t", "client-x"));
    r.setOnline(s, false);
    const uint64_t other = s == 1 ? 2 : 1;
    for (int i = 0; i < 5; ++i) CHECK(pickOne(r, makeMsg("t", "client-x")) == other);
    r.setOnline(s, true);
    CHECK(pickOne(r, makeMsg("t", "client-x")) == s);
}

TEST_CASE("router: random eventually picks every member, one per message", "[core][router]") {
    Router r(4, SharedStrategy::Random);
    addGroupOf3(r);
    std::map<uint64_t, int> counts;
    int n = 0;
    // (2/3)^1000 chance of missing a member: effectively never.
    while (counts.size() < 3 && n < 1000) {
        ++counts[pickOne(r, makeMsg("t/1"))];
        ++n;
    }
    CHECK(counts.size() == 3);
    for (auto& [s, c] : counts) CHECK((s >= 1 && s <= 3));

    r.setOnline(1, false);
    r.setOnline(2, false);
    for (int i = 0; i < 50; ++i) CHECK(pickOne(r, makeMsg("t/1")) == 3);
}

TEST_CASE("router: local prefers a member on the publishing worker", "[core][router]") {
    Router r(4, SharedStrategy::Local);  // sessions 1,2,3 on workers 0,1,2
    addGroupOf3(r);
    for (int i = 0; i < 20; ++i) {
        CHECK(pickOne(r, makeMsg("t/1"), 0) == 1);
        CHECK(pickOne(r, makeMsg("t/1"), 1) == 2);
        CHECK(pickOne(r, makeMsg("t/1"), 2) == 3);
    }
    // No member on the publishing worker: any member, spread.
    std::set<uint64_t> picked;
    for (int i = 0; i < 30; ++i) picked.insert(pickOne(r, makeMsg("t/1"), 3));
    CHECK(picked == std::set<uint64_t>{1, 2, 3});

    // The local member offline: another, live one.
    r.setOnline(2, false);
    for (int i = 0; i < 20; ++i) {
        uint64_t s = pickOne(r, makeMsg("t/1"), 1);
        CHECK(s != 2);
    }
}

TEST_CASE("router: repick excludes the named session and prefers live members", "[core][router]") {
    Router r(4, SharedStrategy::RoundRobin);
    addGroupOf3(r);
    auto hits = routeOf(r, makeMsg("t/1"));
    REQUIRE(hits.size() == 1);
    const uint64_t gid = hits[0].group;
    REQUIRE(gid != 0);

    for (uint64_t excluded : {1u, 2u, 3u}) {
        for (int i = 0; i < 10; ++i) {
            Subscriber out;
            REQUIRE(r.repick(gid, *makeMsg("t/1"), excluded, out));
            CHECK(out.session_id != excluded);
            CHECK((out.session_id >= 1 && out.session_id <= 3));
        }
    }

    r.setOnline(3, false);
    for (int i = 0; i < 10; ++i) {
        Subscriber out;
        REQUIRE(r.repick(gid, *makeMsg("t/1"), 1, out));
        CHECK(out.session_id == 2);
        CHECK(out.worker == 1);
    }
    // The only live one excluded: an offline one rather than none.
    for (int i = 0; i < 10; ++i) {
        Subscriber out;
        REQUIRE(r.repick(gid, *makeMsg("t/1"), 2, out));
        CHECK(out.session_id != 2);
    }

    Subscriber out;
    CHECK_FALSE(r.repick(gid + 1000, *makeMsg("t/1"), 1, out));

    r.unsubscribe("$share/g/t/1", 2);
    r.unsubscribe("$share/g/t/1", 3);
    CHECK_FALSE(r.repick(gid, *makeMsg("t/1"), 1, out));  // only the excluded one left
    CHECK(r.repick(gid, *makeMsg("t/1"), 99, out));
    CHECK(out.session_id == 1);
    r.unsubscribe("$share/g/t/1", 1);
    CHECK_FALSE(r.repick(gid, *makeMsg("t/1"), 99, out));  // the group is gone
}

TEST_CASE("router: sticky keeps its member when another member unsubscribes", "[core][router]") {
    Router r(4, SharedStrategy::Sticky);
    for (uint64_t s : {1, 2, 3}) r.subscribe("$share/g/t/1", sub(s));
    r.setOnline(1, false);
    r.setOnline(2, false);
    MessagePtr m = makeMsg("t/1");
    REQUIRE(pickOne(r, m) == 3);
    r.setOnline(1, true);
    r.setOnline(2, true);
    REQUIRE(pickOne(r, m) == 3);
    r.unsubscribe("$share/g/t/1", 1);  // 3 is still subscribed and live
    CHECK(pickOne(r, m) == 3);
}

TEST_CASE("router: round_robin is fair over the live members", "[core][router]") {
    Router r(4, SharedStrategy::RoundRobin);
    for (uint64_t s : {1, 2, 3}) r.subscribe("$share/g/t/1", sub(s));
    r.setOnline(1, false);
    MessagePtr m = makeMsg("t/1");
    std::map<uint64_t, int> counts;
    for (int i = 0; i < 300; ++i) ++counts[pickOne(r, m)];
    CHECK(counts[2] == 150);
    CHECK(counts[3] == 150);
}

TEST_CASE("router: the generation changes with every subscription change, not with presence", "[core][router]") {
    Router r(2, SharedStrategy::Random);
    uint64_t g = r.generation();
    r.subscribe("a/#", sub(1));
    CHECK(r.generation() > g);
    g = r.generation();
    r.unsubscribe("a/#", 1);
    CHECK(r.generation() > g);
    g = r.generation();
    r.subscribe("$share/g/a/b", sub(2));
    CHECK(r.generation() > g);
    g = r.generation();
    r.setOnline(2, false);  // only shared members' liveness: shared routes are never remembered
    CHECK(r.generation() == g);
    r.unsubscribe("$share/g/a/b", 2);
    CHECK(r.generation() > g);
}

namespace {

// The remote nodes a route reaches, in the order given, and the local sessions.
struct Reach {
    std::vector<NodeId> nodes;
    std::set<uint64_t> sessions;
};

Reach reachOf(const Router& r, std::string_view topic, RouteScope scope = RouteScope::Cluster) {
    Reach reach;
    r.route(
        *makeMsg(topic), 0,
        [&](const RouteTarget& t) {
            if (t.remote()) reach.nodes.push_back(t.node);
            else reach.sessions.insert(t.subscriber->session_id);
        },
        scope);
    return reach;
}

}  // namespace

TEST_CASE("router: a node route matches as a subscription would, exact and wildcard", "[core][router]") {
    Router r(1, SharedStrategy::Random);
    CHECK(r.addNodeRoute("a/b", 2));
    CHECK(r.addNodeRoute("w/+/x", 3));
    CHECK(r.addNodeRoute("h/#", 4));
    CHECK(reachOf(r, "a/b").nodes == std::vector<NodeId>{2});
    CHECK(reachOf(r, "w/1/x").nodes == std::vector<NodeId>{3});
    CHECK(reachOf(r, "h/1/2").nodes == std::vector<NodeId>{4});
    CHECK(reachOf(r, "a/c").nodes.empty());
    CHECK(reachOf(r, "w/1/y").nodes.empty());
    CHECK(reachOf(r, "a/b").sessions.empty());  // a node route is no local session
}

TEST_CASE("router: a node is reached once per message however many of its routes match", "[core][router]") {
    Router r(1, SharedStrategy::Random);
    r.addNodeRoute("t/1", 2);
    r.addNodeRoute("t/+", 2);
    r.addNodeRoute("t/#", 2);
    r.addNodeRoute("#", 3);
    Reach reach = reachOf(r, "t/1");
    std::sort(reach.nodes.begin(), reach.nodes.end());
    CHECK(reach.nodes == std::vector<NodeId>{2, 3});
}

TEST_CASE("router: local sessions and remote nodes are reached together", "[core][router]") {
    Router r(2, SharedStrategy::Random);
    r.subscribe("t/#", sub(1, 0));
    r.subscribe("t/1", sub(2, 1));
    r.addNodeRoute("t/+", 5);
    Reach reach = reachOf(r, "t/1");
    CHECK(reach.sessions == std::set<uint64_t>{1, 2});
    CHECK(reach.nodes == std::vector<NodeId>{5});

    SECTION("a message that came from a node reaches this node's sessions only") {
        Reach local = reachOf(r, "t/1", RouteScope::ThisNode);
        CHECK(local.sessions == std::set<uint64_t>{1, 2});
        CHECK(local.nodes.empty());
    }
}

TEST_CASE("router: a removed node route reaches the node no more", "[core][router]") {
    Router r(1, SharedStrategy::Random);
    r.addNodeRoute("t/+", 2);
    r.addNodeRoute("t/1", 3);
    CHECK(r.removeNodeRoute("t/+", 2));
    CHECK(reachOf(r, "t/1").nodes == std::vector<NodeId>{3});
    CHECK_FALSE(r.removeNodeRoute("t/+", 2));  // gone already
    CHECK_FALSE(r.removeNodeRoute("t/1", 2));  // another node's filter
    CHECK(r.removeNodeRoute("t/1", 3));
    CHECK(reachOf(r, "t/1").nodes.empty());
}

TEST_CASE("router: a node route is there or not: a repeated add is not counted", "[core][router]") {
    // The owner resends every route when its control link starts again.
    Router r(1, SharedStrategy::Random);
    CHECK(r.addNodeRoute("t/1", 2));
    CHECK_FALSE(r.addNodeRoute("t/1", 2));
    CHECK(r.removeNodeRoute("t/1", 2));
    CHECK(reachOf(r, "t/1").nodes.empty());
}

TEST_CASE("router: node routes are direct filters of other nodes", "[core][router]") {
    Router r(1, SharedStrategy::Random);
    CHECK_FALSE(r.addNodeRoute("$share/g/t/1", 2));
    CHECK_FALSE(r.addNodeRoute("$queue/t/1", 2));
    CHECK_FALSE(r.addNodeRoute("t/#/x", 2));
    CHECK_FALSE(r.addNodeRoute("t/1", kThisNode));
    CHECK(reachOf(r, "t/1").nodes.empty());
}

TEST_CASE("router: a node route change makes remembered routes stale", "[core][router]") {
    Router r(1, SharedStrategy::Random);
    uint64_t g = r.generation();
    r.addNodeRoute("t/1", 2);
    CHECK(r.generation() != g);
    g = r.generation();
    r.removeNodeRoute("t/1", 2);
    CHECK(r.generation() != g);
}

TEST_CASE("router: a batch makes its changes in order, moving the generation once", "[core][router]") {
    Router r(1, SharedStrategy::Random);
    r.subscribe("gone/soon", sub(9));
    RouteBatch batch;
    batch.subscribe("a/+", sub(1));
    batch.subscribe("$share/g/a/b", sub(2));
    batch.subscribe("a/#", sub(3, 0, 1));
    batch.subscribe("a/#", sub(3, 0, 2));  // a later change of the same filter wins
    batch.subscribe("bad/#/x", sub(4));    // refused, the rest still made
    batch.unsubscribe("gone/soon", 9);
    const uint64_t g = r.generation();
    r.apply(batch);
    CHECK(r.generation() == g + 1);
    CHECK(r.subscriptions().value() == 3);
    std::vector<Hit> hits = routeOf(r, makeMsg("a/b"));
    REQUIRE(hits.size() == 3);
    CHECK(std::count_if(hits.begin(), hits.end(), [](const Hit& h) { return h.session == 3 && h.qos == 2; }) == 1);
    CHECK(routeOf(r, makeMsg("gone/soon")).empty());

    RouteBatch none;
    r.apply(none);
    CHECK(r.generation() == g + 1);
}
