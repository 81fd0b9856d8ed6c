// The command table and argument validation shared by emqxd and emqxctl.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "common/ctl/commands.h"

using namespace emqx::ctl;

TEST_CASE("ctl: command names and command lines are unique", "[ctl]") {
    std::set<std::string> names, words;
    for (const auto& c : commandTable()) {
        INFO(std::string(c.name));
        CHECK(names.insert(std::string(c.name)).second);
        CHECK(words.insert(cliWords(c)).second);
        CHECK_FALSE(c.summary.empty());
        CHECK(findCommand(c.name) == &c);
        // The protocol name is the command line with dots.
        std::string expected(c.group);
        if (!c.verb.empty()) expected += "." + std::string(c.verb);
        if (c.verb.empty() && c.name != c.group) CHECK(c.name.substr(0, c.group.size()) == c.group);
        else CHECK(std::string(c.name) == expected);
    }
    CHECK(findCommand("nope") == nullptr);
}

TEST_CASE("ctl: arguments are checked against the table", "[ctl]") {
    const CommandSpec* list = findCommand("clients.list");
    const CommandSpec* kick = findCommand("clients.kick");
    REQUIRE(list);
    REQUIRE(kick);
    std::string err;
    CHECK(validateArgs(*list, Json::object(), err));
    CHECK(validateArgs(*list, Json::parse(R"({"limit":5,"match":"x"})"), err));
    CHECK_FALSE(validateArgs(*list, Json::parse(R"({"limit":-1})"), err));
    CHECK(err.find("limit") != std::string::npos);
    CHECK_FALSE(validateArgs(*list, Json::parse(R"({"limit":"5"})"), err));
    CHECK_FALSE(validateArgs(*list, Json::parse(R"({"bogus":1})"), err));
    CHECK(err.find("bogus") != std::string::npos);
    CHECK_FALSE(validateArgs(*kick, Json::object(), err));
    CHECK(err.find("clientid") != std::string::npos);
    CHECK_FALSE(validateArgs(*kick, Json::parse(R"({"clientid":5})"), err));
    CHECK(validateArgs(*kick, Json::parse(R"({"clientid":"c1"})"), err));
    CHECK_FALSE(validateArgs(*kick, Json::array(), err));
}
