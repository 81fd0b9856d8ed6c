#include <catch2/catch.hpp>

#include "common/acl/acl_parser.h"

using namespace emqx::acl;

namespace {
std::vector<Rule> ok(std::string_view text) {
    std::vector<Rule> rules;
    ParseError e;
    INFO(text);
    bool parsed = parseAcl(text, rules, e);
    INFO(e.text());
    REQUIRE(parsed);
    return rules;
}
std::string bad(std::string_view text) {
    std::vector<Rule> rules;
    ParseError e;
    INFO(text);
    REQUIRE_FALSE(parseAcl(text, rules, e));
    CHECK(rules.empty());
    return e.text();
}
}  // namespace

TEST_CASE("acl: every rule form", "[acl]") {
    auto r = ok(R"(%% comment
{allow, {username, {re, "^dashboard$"}}, subscribe, ["$SYS/#"]}.
{allow, {ipaddr, "127.0.0.1"}, all, ["$SYS/#", "#"]}.   % trailing comment
{deny, all, subscribe, ["$SYS/#", {eq, "#"}]}.
{allow, {user, "u"}, publish, ["${username}/#", "%u/x"]}.
{allow, {clientid, "c"}, pubsub, ["${clientid}/#", "%c/y"]}.
{deny, {clientid, {re, "^x"}}, all, ["t"]}.
{allow, {ipaddrs, ["10.0.0.0/8", "::1", "fe80::/10"]}, subscribe, ["ip"]}.
{allow, {'and', [{username, "a"}, {'or', [{clientid, "b"}, {ipaddr, "1.2.3.4"}]}]}, publish, ["and"]}.
{allow, {'or', [{user, "x"}]}, publish, ["or"]}.
{allow, all}.
{deny, all}.
)");
    REQUIRE(r.size() == 11);
    CHECK(r[0].allow);
    CHECK(r[0].who.kind == Who::Kind::UsernameRe);
    CHECK(r[0].who.value == "^dashboard$");
    CHECK(r[0].action == Action::Subscribe);
    CHECK(r[0].line == 2);
    CHECK(r[1].who.kind == Who::Kind::IpAddr);
    CHECK(r[1].who.ips.size() == 1);
    CHECK(r[1].action == Action::All);
    CHECK(r[1].topics.size() == 2);
    CHECK_FALSE(r[2].allow);
    CHECK(r[2].topics[1].eq);
    CHECK(r[2].topics[1].topic == "#");
    CHECK(r[3].who.kind == Who::Kind::Username);
    CHECK(r[3].action == Action::Publish);
    CHECK(r[4].who.kind == Who::Kind::ClientId);
    CHECK(r[4].action == Action::All);
    CHECK(r[5].who.kind == Who::Kind::ClientIdRe);
    CHECK(r[6].who.ips.size() == 3);
    CHECK(r[6].who.ips[1].v6);
    CHECK(r[7].who.kind == Who::Kind::And);
    CHECK(r[7].who.children[1].kind == Who::Kind::Or);
    CHECK(r[7].who.children[1].children.size() == 2);
    CHECK(r[8].who.kind == Who::Kind::Or);
    CHECK(r[9].all_topics);
    CHECK(r[9].allow);
    CHECK(r[10].all_topics);
    CHECK_FALSE(r[10].allow);
    CHECK(ok("").empty());
    CHECK(ok("% only a comment\n").empty());
    CHECK(ok(R"({allow, all, publish, ["with \"quote\" and \\"]}.)")[0].topics[0].topic == "with \"quote\" and \\");
}

TEST_CASE("acl: errors name the line and column", "[acl]") {
    CHECK(bad("{allow, all}") == "line 1, column 13: expected '.' after the rule");
    CHECK(bad("{allow, all}.\n{permit, all}.") == "line 2, column 2: expected allow or deny");
    CHECK(bad("{allow, all, publish}.") ==
          "line 1, column 1: expected a rule {allow|deny, Who, Action, Topics} or {allow|deny, Who}");
    CHECK(bad("{allow, all, write, [\"t\"]}.") == "line 1, column 14: expected publish, subscribe or all");
    CHECK(bad("{allow, {ipaddr, \"300.0.0.1\"}, all, [\"t\"]}.") ==
          "line 1, column 18: invalid IP address or CIDR \"300.0.0.1\"");
    CHECK(bad("{allow, {ipaddr, \"10.0.0.0/33\"}, all, [\"t\"]}.").find("column 18") != std::string::npos);
    CHECK(bad("{allow, {host, \"h\"}, all, [\"t\"]}.") == "line 1, column 10: unknown condition 'host'");
    CHECK(bad("{allow, all, all, \"t\"}.") == "line 1, column 19: expected a list of topics");
    CHECK(bad("{allow, all, all, [t]}.") == "line 1, column 20: expected a string (a topic)");
    CHECK(bad("{allow, all, all, [\"\"]}.") == "line 1, column 20: empty topic");
    CHECK(bad("{allow, all, all, [{ne, \"t\"}]}.") == "line 1, column 20: expected {eq, \"topic\"}");
    CHECK(bad("\n\n  {allow, all, all, [\"t]}.") == "line 3, column 22: unterminated string");
    CHECK(bad("{allow; all}.") == "line 1, column 7: expected ',' or '}', got ';'");
    CHECK(bad("{allow, {'and', {username, \"a\"}}, all, [\"t\"]}.") ==
          "line 1, column 17: expected a list of conditions");
    CHECK(bad("{allow, {username, {re}}, all, [\"t\"]}.") == "line 1, column 20: expected {re, \"regex\"}");
    CHECK(bad("#").find("unexpected '#'") != std::string::npos);
    std::string deep(200, '[');
    CHECK(bad(deep).find("nested too deeply") != std::string::npos);
}

TEST_CASE("acl: CIDR containment", "[acl]") {
    Cidr net, ip;
    REQUIRE(parseCidr("10.0.0.0/8", net));
    REQUIRE(parseCidr("10.255.1.2", ip));
    CHECK(net.contains(ip));
    REQUIRE(parseCidr("11.0.0.1", ip));
    CHECK_FALSE(net.contains(ip));
    REQUIRE(parseCidr("192.168.1.0/23", net));
    REQUIRE(parseCidr("192.168.0.77", ip));
    CHECK(net.contains(ip));
    REQUIRE(parseCidr("fe80::/10", net));
    REQUIRE(parseCidr("fe80::1", ip));
    CHECK(net.contains(ip));
    REQUIRE(parseCidr("127.0.0.1", ip));
    CHECK_FALSE(net.contains(ip));  // v4 is never in a v6 network
    CHECK_FALSE(parseCidr("1.2.3.4/", ip));
    CHECK_FALSE(parseCidr("host", ip));
}
