// The first words of an emqxctl command line, answered before CLI11 parses it.
#include <catch2/catch.hpp>

#include <string_view>
#include <vector>

#include "common/ctl/command_words.h"

using namespace emqx::ctl;
using V = WordsCheck::Verdict;

namespace {

constexpr std::string_view kFlags[] = {"--json"};
constexpr std::string_view kWithValue[] = {"--socket", "--timeout"};

WordsCheck check(std::vector<std::string_view> args) { return checkCommandWords(args, {kFlags, kWithValue}); }

}  // namespace

TEST_CASE("ctl words: known commands are left to the parse", "[ctl]") {
    CHECK(check({"status"}).verdict == V::Parse);
    CHECK(check({"status", "extra"}).verdict == V::Parse);  // CLI11 names the extra word
    CHECK(check({"broker"}).verdict == V::Parse);
    CHECK(check({"broker", "stats"}).verdict == V::Parse);
    CHECK(check({"clients", "show", "c1"}).verdict == V::Parse);
    CHECK(check({"--json", "--socket", "/s", "clients", "list", "--limit", "3"}).verdict == V::Parse);
    CHECK(check({"--socket=/s", "--timeout", "5", "vm", "load"}).verdict == V::Parse);
    CHECK(check({"--help"}).verdict == V::Parse);
    CHECK(check({"clients", "--help"}).verdict == V::Parse);
    CHECK(check({"--bogus", "status"}).verdict == V::Parse);  // CLI11 names the option
}

TEST_CASE("ctl words: an unknown command lists the commands", "[ctl]") {
    WordsCheck w = check({"foo"});
    CHECK(w.verdict == V::UnknownGroup);
    CHECK(w.message.find("unknown command \"foo\"") == 0);
    CHECK(w.message.find("Commands: status, broker, listeners, clients,") != std::string::npos);
    CHECK(check({"--json", "foo", "bar"}).verdict == V::UnknownGroup);
    CHECK(check({"foo", "--help"}).verdict == V::UnknownGroup);
    CHECK(check({}).verdict == V::NoCommand);
    CHECK(check({"--json"}).message.find("Commands: status,") != std::string::npos);
}

TEST_CASE("ctl words: a group's subcommands, missing or unknown", "[ctl]") {
    WordsCheck w = check({"clients"});
    CHECK(w.verdict == V::MissingVerb);
    CHECK(w.message == "clients needs a subcommand: list, show, kick, keepalive, mqueue, inflight");
    w = check({"clients", "foo"});
    CHECK(w.verdict == V::UnknownVerb);
    CHECK(
        w.message ==
        "unknown subcommand \"foo\" of clients\nSubcommands of clients: list, show, kick, keepalive, mqueue, inflight");
    CHECK(check({"broker", "foo"}).verdict == V::UnknownVerb);
    CHECK(check({"clients", "--limit", "3"}).verdict == V::Parse);  // an option: CLI11 decides
}

TEST_CASE("ctl words: EMQX's commands that emqxd does not have say so", "[ctl]") {
    WordsCheck w = check({"plugins", "list"});
    CHECK(w.verdict == V::Absent);
    CHECK(w.message == "EMQX's \"plugins\" command does not exist in emqxd: there is no plugin system");
    w = check({"vm", "ports"});
    CHECK(w.verdict == V::Absent);
    CHECK(w.message.find("EMQX's \"vm ports\" command does not exist in emqxd") == 0);
    CHECK(check({"cluster", "discovery", "enable"}).message.find("clustering is not available on this node yet") !=
          std::string::npos);
    CHECK(check({"gateway"}).verdict == V::Absent);
}
