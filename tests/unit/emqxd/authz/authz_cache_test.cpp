// A connection's authorization cache: expiry, the ACL generation, and a
// bounded size that evicts the least recently used entry.
#include <catch2/catch.hpp>

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
