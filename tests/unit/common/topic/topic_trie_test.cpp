// TopicTrie: the router's subscription index.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "common/topic/topic.h"
#include "common/topic/topic_trie.h"

using emqx::topic::matches;
using emqx::topic::TopicTrie;

namespace {

struct Sub {
    uint32_t worker = 0;
    uint64_t session = 0;
    uint8_t qos = 0;
    bool operator==(const Sub&) const = default;
    bool operator<(const Sub& o) const { return std::tie(worker, session, qos) < std::tie(o.worker, o.session, o.qos); }
};

template <class V>
std::vector<V> matchAll(const TopicTrie<V>& t, std::string_view topic) {
    std::vector<V> out;
    t.match(topic, [&](const V& v) { out.push_back(v); });
    std::sort(out.begin(), out.end());
    return out;
}

template <class V>
std::vector<std::pair<std::string, V>> dump(const TopicTrie<V>& t) {
    std::vector<std::pair<std::string, V>> out;
    t.forEach([&](std::string_view f, const V& v) { out.emplace_back(std::string(f), v); });
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<int> ints(std::initializer_list<int> l) {
    std::vector<int> v(l);
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

TEST_CASE("trie: empty", "[topic]") {
    TopicTrie<int> t;
    CHECK(t.empty());
    CHECK(t.filterCount() == 0);
    CHECK(t.valueCount() == 0);
    CHECK(matchAll(t, "a/b").empty());
    CHECK(matchAll(t, "").empty());
    CHECK(dump(t).empty());
    CHECK_FALSE(t.erase("a", 1));
    CHECK_FALSE(t.erase("a/#", 1));
    CHECK(t.find("a") == nullptr);
}

TEST_CASE("trie: exact filters", "[topic]") {
    TopicTrie<int> t;
    CHECK(t.insert("a/b", 1));
    CHECK(t.insert("a/b", 2));
    CHECK(t.insert("a", 3));
    CHECK(t.insert("a/b/c", 4));
    CHECK(t.filterCount() == 3);
    CHECK(t.valueCount() == 4);
    CHECK(matchAll(t, "a/b") == ints({1, 2}));
    CHECK(matchAll(t, "a") == ints({3}));
    CHECK(matchAll(t, "a/b/c") == ints({4}));
    CHECK(matchAll(t, "a/b/c/d").empty());
    CHECK(matchAll(t, "b").empty());
    REQUIRE(t.find("a/b"));
    CHECK(t.find("a/b")->size() == 2);
}

TEST_CASE("trie: overlapping wildcard filters", "[topic]") {
    TopicTrie<int> t;
    const std::vector<std::pair<const char*, int>> subs = {
        {"#", 1},
        {"+", 2},
        {"a", 3},
        {"a/#", 4},
        {"a/+", 5},
        {"a/b", 6},
        {"a/+/c", 7},
        {"a/b/#", 8},
        {"+/b/c", 9},
        {"+/+/+", 10},
        {"+/#", 11},
        {"/#", 12},
        {"+/", 13},
        {"a//c", 14},
        {"$SYS/#", 15},
        {"$SYS/+", 16},
        {"a/b/c", 17},
        {"a/+/#", 18},
        {"sport/tennis/player1/#", 19},
    };
    for (auto& [f, v] : subs) REQUIRE(t.insert(f, v));
    CHECK(t.filterCount() == subs.size());
    CHECK(t.valueCount() == subs.size());

    CHECK(matchAll(t, "a") == ints({1, 2, 3, 4, 11}));
    CHECK(matchAll(t, "a/b") == ints({1, 4, 5, 6, 8, 11, 18}));
    CHECK(matchAll(t, "a/b/c") == ints({1, 4, 7, 8, 9, 10, 11, 17, 18}));
    CHECK(matchAll(t, "a/b/c/d") == ints({1, 4, 8, 11, 18}));
    CHECK(matchAll(t, "a/") == ints({1, 4, 5, 11, 13, 18}));
    CHECK(matchAll(t, "a//c") == ints({1, 4, 7, 10, 11, 14, 18}));
    CHECK(matchAll(t, "/") == ints({1, 11, 12, 13}));
    CHECK(matchAll(t, "/x/y") == ints({1, 10, 11, 12}));
    CHECK(matchAll(t, "x") == ints({1, 2, 11}));
    CHECK(matchAll(t, "$SYS") == ints({15}));
    CHECK(matchAll(t, "$SYS/x") == ints({15, 16}));
    CHECK(matchAll(t, "$SYS/x/y") == ints({15}));
    CHECK(matchAll(t, "$other/b/c").empty());
    CHECK(matchAll(t, "sport/tennis/player1") == ints({1, 10, 11, 19}));
    CHECK(matchAll(t, "sport/tennis/player1/ranking") == ints({1, 11, 19}));
    CHECK(matchAll(t, "sport/tennis/player2") == ints({1, 10, 11}));

    // Every result agrees with matches() filter by filter.
    for (const char* topic : {"a", "a/b", "a/b/c", "a/", "/", "a//c", "$SYS/x", "x/b/c", "sport/tennis"}) {
        std::vector<int> expect;
        for (auto& [f, v] : subs) {
            if (matches(f, topic)) expect.push_back(v);
        }
        std::sort(expect.begin(), expect.end());
        INFO(topic);
        CHECK(matchAll(t, topic) == expect);
    }

    // forEach gives back exactly what was inserted.
    std::vector<std::pair<std::string, int>> expect;
    for (auto& [f, v] : subs) expect.emplace_back(f, v);
    std::sort(expect.begin(), expect.end());
    CHECK(dump(t) == expect);
}

TEST_CASE("trie: duplicates and insertOrAssign", "[topic]") {
    TopicTrie<Sub> t;
    CHECK(t.insert("a/+", Sub{1, 10, 0}));
    CHECK_FALSE(t.insert("a/+", Sub{1, 10, 0}));  // equal value: nothing changes
    CHECK(t.insert("a/+", Sub{1, 10, 1}));        // different value
    CHECK(t.insert("a/b", Sub{1, 10, 0}));
    CHECK_FALSE(t.insert("a/b", Sub{1, 10, 0}));
    CHECK(t.insert("#", Sub{2, 20, 2}));
    CHECK_FALSE(t.insert("#", Sub{2, 20, 2}));
    CHECK(t.filterCount() == 3);
    CHECK(t.valueCount() == 4);

    TopicTrie<Sub> u;
    auto sameSession = [](const Sub& a, const Sub& b) { return a.session == b.session; };
    CHECK(u.insertOrAssign("a/+", Sub{1, 10, 0}, sameSession));
    CHECK_FALSE(u.insertOrAssign("a/+", Sub{1, 10, 2}, sameSession));  // replaced
    CHECK(u.insertOrAssign("a/+", Sub{1, 11, 1}, sameSession));
    CHECK(u.insertOrAssign("a/b", Sub{1, 10, 0}, sameSession));
    CHECK_FALSE(u.insertOrAssign("a/b", Sub{1, 10, 1}, sameSession));
    CHECK(u.valueCount() == 3);
    CHECK(u.filterCount() == 2);
    CHECK(matchAll(u, "a/b") == std::vector<Sub>{{1, 10, 1}, {1, 10, 2}, {1, 11, 1}});
    REQUIRE(u.find("a/+"));
    CHECK(*u.find("a/+") == std::vector<Sub>{{1, 10, 2}, {1, 11, 1}});
}

TEST_CASE("trie: invalid filters are rejected", "[topic]") {
    TopicTrie<int> t;
    for (const char* f : {"", "a/#/b", "a+", "#a", "a/b#", "$share/g/a", "$queue/a"}) {
        INFO(f);
        CHECK_FALSE(t.insert(f, 1));
    }
    CHECK(t.empty());
    CHECK(t.filterCount() == 0);
}

TEST_CASE("trie: erase and pruning", "[topic]") {
    TopicTrie<int> t;
    const std::vector<std::pair<const char*, int>> subs = {
        {"a/b/c/d", 1}, {"a/b/c/#", 2}, {"a/+/c/+", 3}, {"a/+/c/+", 4}, {"+/+/+/+", 5},
        {"#", 6},       {"a/#", 7},     {"a", 8},       {"/", 9},       {"+/", 10},
    };
    for (auto& [f, v] : subs) REQUIRE(t.insert(f, v));
    CHECK(t.filterCount() == 9);
    CHECK(t.valueCount() == 10);

    CHECK_FALSE(t.erase("a/+/c/+", 99));  // no such value
    CHECK_FALSE(t.erase("a/+/c", 3));     // no such filter
    CHECK_FALSE(t.erase("a/+/c/#", 3));
    CHECK_FALSE(t.erase("x/y", 3));
    CHECK(t.valueCount() == 10);

    CHECK(t.erase("a/+/c/+", 3));
    CHECK_FALSE(t.erase("a/+/c/+", 3));
    CHECK(t.filterCount() == 9);  // 4 still there
    CHECK(matchAll(t, "a/b/c/d") == ints({1, 2, 4, 5, 6, 7}));
    CHECK(t.erase("a/+/c/+", 4));
    CHECK(t.filterCount() == 8);
    CHECK(t.find("a/+/c/+") == nullptr);
    CHECK(matchAll(t, "a/b/c/d") == ints({1, 2, 5, 6, 7}));

    // Erasing a deep filter must not drop a shorter one sharing the path.
    CHECK(t.erase("a/b/c/#", 2));
    CHECK(matchAll(t, "a/b/c/d") == ints({1, 5, 6, 7}));
    CHECK(matchAll(t, "a") == ints({6, 7, 8}));

    for (auto& [f, v] : subs) t.erase(f, v);
    CHECK(t.filterCount() == 0);
    CHECK(t.valueCount() == 0);
    CHECK(t.empty());
    CHECK(dump(t).empty());
    CHECK(matchAll(t, "a/b/c/d").empty());

    // Reusable after everything was pruned.
    CHECK(t.insert("a/+/c/+", 3));
    CHECK(matchAll(t, "a/b/c/d") == ints({3}));
}

TEST_CASE("trie: eraseIf removes by predicate", "[topic]") {
    TopicTrie<Sub> t;
    t.insert("a/+", Sub{1, 10, 0});
    t.insert("a/+", Sub{1, 11, 0});
    t.insert("a/+", Sub{2, 10, 1});
    t.insert("a/b", Sub{1, 10, 0});
    CHECK(t.eraseIf("a/+", [](const Sub& s) { return s.session == 10; }) == 2);
    CHECK(t.valueCount() == 2);
    CHECK(t.filterCount() == 2);
    CHECK(t.eraseIf("a/+", [](const Sub&) { return true; }) == 1);
    CHECK(t.eraseIf("a/b", [](const Sub&) { return true; }) == 1);
    CHECK(t.empty());
    CHECK(t.filterCount() == 0);
}

TEST_CASE("trie: move leaves the source empty", "[topic]") {
    TopicTrie<int> t;
    t.insert("a/#", 1);
    t.insert("a/b", 2);
    TopicTrie<int> u(std::move(t));
    CHECK(u.valueCount() == 2);
    CHECK(matchAll(u, "a/b") == ints({1, 2}));
    CHECK(t.empty());  // NOLINT(bugprone-use-after-move)
    CHECK(matchAll(t, "a/b").empty());
    t = std::move(u);
    CHECK(t.filterCount() == 2);
    CHECK(u.filterCount() == 0);  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("trie: deep topics and filters", "[topic]") {
    TopicTrie<int> t;
    std::string deepFilter;
    std::string deepTopic;
    for (int i = 0; i < 500; ++i) {
        deepFilter += i ? "/+" : "+";
        deepTopic += i ? "/x" : "x";
    }
    REQUIRE(t.insert(deepFilter, 1));
    REQUIRE(t.insert("#", 2));
    REQUIRE(t.insert(deepTopic, 3));
    CHECK(matchAll(t, deepTopic) == ints({1, 2, 3}));
    CHECK(matchAll(t, deepTopic + "/x") == ints({2}));
    CHECK(t.erase(deepFilter, 1));
    CHECK(t.filterCount() == 2);
}

TEST_CASE("trie: randomized match agrees with matches()", "[topic]") {
    std::mt19937 rng(20240611u);
    auto pick = [&rng](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
    const std::vector<std::string> nameLevels = {"a", "b", "c", "", "$SYS", "$x", "aa"};
    const std::vector<std::string> filterLevels = {"a", "b", "c", "", "+", "+", "$SYS", "aa"};

    auto randomTopic = [&] {
        std::string s;
        while (s.empty()) {
            const size_t n = 1 + pick(5);
            for (size_t i = 0; i < n; ++i) {
                if (i) s += '/';
                s += nameLevels[pick(nameLevels.size())];
            }
        }
        return s;
    };
    auto randomFilter = [&] {
        std::string s;
        while (s.empty()) {
            const size_t n = 1 + pick(5);
            for (size_t i = 0; i < n; ++i) {
                if (i) s += '/';
                if (i + 1 == n && pick(4) == 0) {
                    s += '#';
                } else {
                    s += filterLevels[pick(filterLevels.size())];
                }
            }
        }
        return s;
    };

    TopicTrie<int> t;
    std::multimap<std::string, int> model;  // filter -> value
    for (int v = 0; v < 3000; ++v) {
        std::string f = randomFilter();
        REQUIRE(emqx::topic::isValidTopicFilter(f));
        const int value = v % 7 == 0 ? 0 : v;  // some repeated values on the same filter
        bool dup = false;
        auto [lo, hi] = model.equal_range(f);
        for (auto it = lo; it != hi; ++it) dup = dup || it->second == value;
        CHECK(t.insert(f, value) == !dup);
        if (!dup) model.emplace(f, value);
    }
    CHECK(t.valueCount() == model.size());
    std::set<std::string> distinct;
    for (auto& [f, v] : model) distinct.insert(f);
    CHECK(t.filterCount() == distinct.size());

    auto check = [&](int rounds) {
        for (int i = 0; i < rounds; ++i) {
            const std::string topic = randomTopic();
            std::vector<std::pair<std::string, int>> expect;
            for (auto& [f, v] : model) {
                if (matches(f, topic)) expect.emplace_back(f, v);
            }
            std::vector<int> expectValues;
            for (auto& e : expect) expectValues.push_back(e.second);
            std::sort(expectValues.begin(), expectValues.end());
            INFO("topic: " << topic);
            REQUIRE(matchAll(t, topic) == expectValues);
        }
    };
    check(3000);

    // forEach reproduces the model.
    std::vector<std::pair<std::string, int>> modelDump(model.begin(), model.end());
    std::sort(modelDump.begin(), modelDump.end());
    CHECK(dump(t) == modelDump);

    // Erase about half, compare again.
    for (auto it = model.begin(); it != model.end();) {
        if (pick(2) == 0) {
            REQUIRE(t.erase(it->first, it->second));
            it = model.erase(it);
        } else {
            ++it;
        }
    }
    CHECK(t.valueCount() == model.size());
    check(2000);

    // Erase the rest: everything is pruned.
    for (auto& [f, v] : model) REQUIRE(t.erase(f, v));
    CHECK(t.empty());
    CHECK(t.filterCount() == 0);
    CHECK(t.valueCount() == 0);
    CHECK(dump(t).empty());
}

TEST_CASE("trie: 65,535-level wildcard filters do not recurse per level", "[topic]") {
    // max_topic_levels allows 65535: one stack frame per level in erase,
    // forEach or the node destructor overflowed an 8 MiB thread stack.
    const std::string deep_plus = "+" + std::string(65534, '/');  // 65,535 levels
    std::string deep_hash;
    for (int i = 0; i < 32767; ++i) deep_hash += "+/";
    deep_hash += "#";  // 32,768 levels
    const std::string topic(65534, '/');
    {
        TopicTrie<int> t;
        REQUIRE(t.insert(deep_plus, 1));
        REQUIRE(t.insert(deep_hash, 2));
        REQUIRE(t.insert("a/+", 3));
        CHECK(matchAll(t, topic) == ints({1, 2}));
        const auto all = dump(t);
        REQUIRE(all.size() == 3);
        CHECK(std::count(all.begin(), all.end(), std::pair<std::string, int>(deep_plus, 1)) == 1);
        CHECK(std::count(all.begin(), all.end(), std::pair<std::string, int>(deep_hash, 2)) == 1);
        CHECK(t.erase(deep_plus, 1));
        CHECK(t.filterCount() == 2);
        CHECK(matchAll(t, topic) == ints({2}));
        CHECK(t.erase(deep_hash, 2));
        CHECK(dump(t) == std::vector<std::pair<std::string, int>>{{"a/+", 3}});
        REQUIRE(t.insert(deep_plus, 4));
        TopicTrie<int> moved(std::move(t));
        CHECK(matchAll(moved, topic) == ints({4}));
        t = std::move(moved);
        CHECK(matchAll(t, topic) == ints({4}));
        t.clear();
        CHECK(t.empty());
        REQUIRE(t.insert(deep_plus, 5));
    }  // destroyed with a 65,535-node path
    SUCCEED();
}

TEST_CASE("trie: '+' and '#' at several depths come and go, nodes pruned", "[topic]") {
    TopicTrie<int> t;
    // Every wildcard position of a 4-level path, and '#' after each prefix.
    const std::vector<std::pair<const char*, int>> subs = {
        {"+/b/c/d", 1}, {"a/+/c/d", 2}, {"a/b/+/d", 3}, {"a/b/c/+", 4}, {"+/+/+/+", 5},
        {"#", 6},       {"a/#", 7},     {"a/b/#", 8},   {"a/b/c/#", 9}, {"+/b/#", 10},
    };
    for (auto& [f, v] : subs) REQUIRE(t.insert(f, v));
    // Prefixes: + +/b +/b/c +/b/c/d a a/+ a/+/c a/+/c/d a/b a/b/+ a/b/+/d a/b/c a/b/c/+
    // +/+ +/+/+ +/+/+/+: '#' adds no node.
    CHECK(t.nodeCount() == 16);
    CHECK(matchAll(t, "a/b/c/d") == ints({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    CHECK(matchAll(t, "a/b/c") == ints({6, 7, 8, 9, 10}));  // "x/#" matches its parent x
    CHECK(matchAll(t, "x/b/c/d") == ints({1, 5, 6, 10}));
    CHECK(matchAll(t, "a/x/c/d") == ints({2, 5, 6, 7}));
    CHECK(matchAll(t, "a/b/x/d") == ints({3, 5, 6, 7, 8, 10}));
    CHECK(matchAll(t, "a/b/c/x") == ints({4, 5, 6, 7, 8, 9, 10}));

    // Unsubscribing one wildcard leaves its neighbours at the same depth.
    CHECK(t.erase("a/b/+/d", 3));
    CHECK(t.nodeCount() == 14);  // a/b/+/d and a/b/+, left empty
    CHECK(matchAll(t, "a/b/x/d") == ints({5, 6, 7, 8, 10}));
    CHECK(t.erase("a/b/#", 8));
    CHECK(matchAll(t, "a/b/x/d") == ints({5, 6, 7, 10}));
    CHECK(matchAll(t, "a/b/c/x") == ints({4, 5, 6, 7, 9, 10}));
    CHECK(t.erase("+/b/#", 10));
    CHECK(t.nodeCount() == 14);  // +/b still leads to +/b/c/d
    CHECK(matchAll(t, "x/b") == ints({6}));
    CHECK(t.erase("+/b/c/d", 1));
    CHECK(t.nodeCount() == 11);  // +/b/c/d, +/b/c, +/b; + stays for +/+/+/+
    CHECK(matchAll(t, "x/b/c/d") == ints({5, 6}));
    CHECK(t.erase("#", 6));
    CHECK(matchAll(t, "x") == ints({}));
    CHECK(matchAll(t, "a") == ints({7}));

    for (auto& [f, v] : subs) t.erase(f, v);
    CHECK(t.empty());
    CHECK(t.nodeCount() == 0);
    CHECK(matchAll(t, "a/b/c/d").empty());
    REQUIRE(t.insert("a/+/#", 11));
    CHECK(t.nodeCount() == 2);
    CHECK(matchAll(t, "a/x") == ints({11}));
    t.clear();
    CHECK(t.nodeCount() == 0);
}

TEST_CASE("trie: '$' topics are not matched by a leading wildcard, deeper ones match '$' levels", "[topic]") {
    TopicTrie<int> t;
    for (auto& [f, v] : std::vector<std::pair<const char*, int>>{
             {"#", 1}, {"+/x", 2}, {"+/#", 3}, {"+/+", 4}, {"$SYS/#", 5}, {"$SYS/+", 6}, {"a/+", 7}, {"a/#", 8}})
        REQUIRE(t.insert(f, v));
    CHECK(matchAll(t, "$SYS/x") == ints({5, 6}));
    CHECK(matchAll(t, "$SYS") == ints({5}));
    CHECK(matchAll(t, "$other/x").empty());
    CHECK(matchAll(t, "a/$x") == ints({1, 3, 4, 7, 8}));
    CHECK(matchAll(t, "b/x") == ints({1, 2, 3, 4}));
}

TEST_CASE("trie: the maps keep each key's hash code (libstdc++)", "[topic]") {
#if defined(__GLIBCXX__)
    // Without it every lookup re-hashes the keys it walks past (see StringHash).
    CHECK(std::__cache_default<std::string, emqx::topic::StringHash>::value);
#else
    SUCCEED("another standard library decides on its own");
#endif
}
