// A connection's authorization cache: expiry, the ACL generation, and a
// bounded size that evicts the least recently used entry.
#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "emqxd/authz/authz_cache.h"

using emqx::authz::Action;
using emqx::authz::Cache;

TEST_CASE("authz cache: expires and follows the generation", "[authz]") {
    Cache c;
    c.put(Action::Publish, "t", true, 100, 1, 2);
    CHECK(c.get(Action::Publish, "t", 50, 1) == std::optional<bool>(true));
    CHECK_FALSE(c.get(Action::Subscribe, "t", 50, 1).has_value());
    CHECK_FALSE(c.get(Action::Publish, "t", 50, 2).has_value());  // the rules were reloaded
    CHECK(c.size() == 0);
    c.put(Action::Publish, "t", false, 100, 1, 2);
    CHECK(c.get(Action::Publish, "t", 99, 1) == std::optional<bool>(false));
    CHECK_FALSE(c.get(Action::Publish, "t", 100, 1).has_value());  // expired
}

TEST_CASE("authz cache: full, the least recently used entry makes room", "[authz]") {
    Cache c;
    c.put(Action::Publish, "a", true, 100, 1, 2);
    c.put(Action::Publish, "b", false, 100, 1, 2);
    CHECK(c.get(Action::Publish, "a", 0, 1).has_value());  // a is now the most recent
    c.put(Action::Publish, "c", true, 100, 1, 2);
    CHECK(c.size() == 2);
    CHECK(c.get(Action::Publish, "a", 0, 1) == std::optional<bool>(true));
    CHECK_FALSE(c.get(Action::Publish, "b", 0, 1).has_value());
    CHECK(c.get(Action::Publish, "c", 0, 1) == std::optional<bool>(true));
    c.put(Action::Publish, "c", false, 100, 1, 2);  // replacing does not grow it
    CHECK(c.size() == 2);
    CHECK(c.get(Action::Publish, "c", 0, 1) == std::optional<bool>(false));
    c.clear();
    CHECK(c.size() == 0);
    c.put(Action::Subscribe, "x", true, 100, 1, 0);  // max_size 0: nothing is cached
    CHECK(c.size() == 0);
}

TEST_CASE("authz cache: listed as served, most recently used first", "[authz]") {
    Cache c;
    c.put(Action::Publish, "p/1", true, 100, 1, 8);
    c.put(Action::Subscribe, "s/#", false, 200, 1, 8);
    c.put(Action::Publish, "old", true, 50, 1, 8);     // expired at 60
    c.put(Action::Publish, "stale", true, 300, 0, 8);  // an older generation
    CHECK(c.get(Action::Publish, "p/1", 0, 1).has_value());
    std::vector<std::tuple<Action, std::string, bool, int64_t>> seen;
    c.forEachLive(60, 1, [&](Action a, std::string_view topic, bool allow, int64_t expires_ms) {
        seen.emplace_back(a, std::string(topic), allow, expires_ms);
    });
    CHECK(seen == std::vector<std::tuple<Action, std::string, bool, int64_t>>{{Action::Publish, "p/1", true, 100},
                                                                              {Action::Subscribe, "s/#", false, 200}});
}
