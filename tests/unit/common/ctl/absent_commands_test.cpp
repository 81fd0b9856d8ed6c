// EMQX's commands that emqxd does not have: none of them may hide one it has.
#include <catch2/catch.hpp>

#include <string>

#include "common/ctl/absent_commands.h"
#include "common/ctl/commands.h"

using namespace emqx::ctl;

namespace {

bool isGroup(std::string_view group) {
    for (const auto& c : commandTable())
        if (c.group == group) return true;
    return false;
}

}  // namespace

TEST_CASE("ctl absent: a whole absent group is no group of ours, an absent subcommand is one of ours", "[ctl]") {
    for (const auto& a : absentTable()) {
        INFO(std::string(a.group) + " " + std::string(a.verb));
        CHECK_FALSE(a.why.empty());
        if (a.verb.empty()) {
            CHECK_FALSE(isGroup(a.group));
        } else {
            CHECK(isGroup(a.group));
            CHECK(findCommand(std::string(a.group) + "." + std::string(a.verb)) == nullptr);
        }
        CHECK(findAbsent(a.group, a.verb) == &a);
    }
}

TEST_CASE("ctl absent: lookup by group, or by group and subcommand", "[ctl]") {
    REQUIRE(findAbsent("plugins", "list"));
    CHECK(findAbsent("plugins", "list")->group == "plugins");
    CHECK(findAbsent("plugins", "")->why == "there is no plugin system");
    REQUIRE(findAbsent("vm", "ports"));
    CHECK(findAbsent("vm", "ports")->verb == "ports");
    CHECK(findAbsent("vm", "load") == nullptr);
    CHECK(findAbsent("vm", "") == nullptr);
    CHECK(findAbsent("nosuch", "") == nullptr);
}
