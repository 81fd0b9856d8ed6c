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

TEST_CASE("ctl: a flag argument is a boolean", "[ctl][license]") {
    const CommandSpec* update = findCommand("license.update");
    const CommandSpec* reload = findCommand("license.reload");
    REQUIRE(update);
    REQUIRE(reload);
    std::string err;
    CHECK(validateArgs(*update, Json::parse(R"({"key":"file:///l.lic","force":true})"), err));
    CHECK(validateArgs(*reload, Json::parse(R"({"force":false})"), err));
    CHECK_FALSE(validateArgs(*update, Json::parse(R"({"key":"k","force":"yes"})"), err));
    CHECK(err.find("\"force\" must be a boolean") != std::string::npos);
    CHECK_FALSE(validateArgs(*update, Json::parse(R"({"force":true})"), err));
    CHECK(err.find("key") != std::string::npos);
}

TEST_CASE("ctl: EMQX's trace argument positions", "[ctl][trace]") {
    // trace start <type> <target> <file> [<level>] [<formatter>];
    // traces start <name> <type> <target> [<duration>] [<formatter>].
    auto positions = [](std::string_view cmd) {
        std::string names;
        for (const auto& a : findCommand(cmd)->args)
            if (a.positional) names += std::string(a.name) + " ";
        return names;
    };
    CHECK(positions("trace.start") == "type target file level formatter ");
    CHECK(positions("traces.start") == "name type target duration formatter ");
    CHECK(positions("license.update") == "key ");
}

TEST_CASE("ctl: every command carries its human formatter", "[ctl]") {
    for (const auto& c : commandTable()) {
        INFO(std::string(c.name));
        CHECK(c.human != nullptr);
    }
    // EMQX prints "Not Found." (exit 0) for these two only.
    for (const auto& c : commandTable()) {
        INFO(std::string(c.name));
        CHECK(c.not_found_output.empty() == (c.name != "clients.show" && c.name != "subscriptions.show"));
    }
}
