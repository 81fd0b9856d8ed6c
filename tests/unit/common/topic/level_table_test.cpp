// LevelTable: a trie node's literal children (open addressing, backward-shift erase).
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/topic/level_table.h"

using emqx::topic::LevelTable;

namespace {

struct Child {
    std::string level;
};

Child* add(LevelTable<Child>& t, std::string_view level) {
    return t.findOrAdd(level, [&] { return std::make_unique<Child>(Child{std::string(level)}); });
}

std::set<std::string> levels(const LevelTable<Child>& t) {
    std::set<std::string> out;
    for (size_t i = 0; i < t.capacity(); ++i)
        if (const Child* c = t.at(i)) out.insert(c->level);
    return out;
}

}  // namespace

TEST_CASE("level table: add, find, erase one by one", "[topic]") {
    LevelTable<Child> t;
    CHECK(t.empty());
    CHECK(t.find("a") == nullptr);
    Child* a = add(t, "a");
    REQUIRE(a != nullptr);
    CHECK(a->level == "a");
    CHECK(add(t, "a") == a);  // found, not made again
    CHECK(t.size() == 1);
    Child* empty = add(t, "");  // "a//b" has an empty level
    CHECK(t.find("") == empty);
    CHECK(t.find("a") == a);
    CHECK(t.find("b") == nullptr);
    t.erase("b");
    CHECK(t.size() == 2);
    t.erase("a");
    CHECK(t.find("a") == nullptr);
    CHECK(t.find("") == empty);
    t.erase("");
    CHECK(t.empty());
    CHECK(t.capacity() == 0);  // a table left empty gives its slots back
}

TEST_CASE("level table: random adds and erases agree with a set, at load up to 3/4", "[topic]") {
    std::mt19937 rng(14u);
    LevelTable<Child> t;
    std::set<std::string> model;
    // Few distinct levels over many rounds: long probe runs, erased from the middle.
    for (int round = 0; round < 20000; ++round) {
        const std::string level = std::to_string(std::uniform_int_distribution<int>(0, 300)(rng));
        if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
            t.erase(level);
            model.erase(level);
        } else {
            add(t, level);
            model.insert(level);
        }
        REQUIRE(t.size() == model.size());
        REQUIRE(t.size() * 4 <= t.capacity() * 3);
        if (round % 97 == 0) {
            REQUIRE(levels(t) == model);
            for (int k = 0; k <= 300; ++k) {
                const std::string key = std::to_string(k);
                const Child* c = t.find(key);
                REQUIRE((c != nullptr) == (model.count(key) == 1));
                if (c) REQUIRE(c->level == key);
            }
        }
    }
    std::vector<std::unique_ptr<Child>> drained;
    t.drainInto(drained);
    CHECK(t.empty());
    CHECK(drained.size() == model.size());
}
