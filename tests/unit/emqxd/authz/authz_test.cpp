// The Authorizer: rule evaluation, the $SYS rule, placeholders that cannot
// widen a rule, and the decision's description for traces.
#include <catch2/catch.hpp>

#include "emqxd/authz/authz.h"

TEST_CASE("authz: rule evaluation", "[authz]") {
    using namespace emqx;
    config::AuthorizationConfig cfg;
    cfg.no_match = "deny";
    authz::Authorizer az(cfg);
    std::string err;
    REQUIRE(az.loadText("t", R"({allow, {username, "u"}, publish, ["a/+/c", "${username}/#"]}.
{allow, all, subscribe, ["$SYS/#", "#"]}.
{deny, {ipaddr, "::1"}, all, ["v6"]}.
{allow, all, all, ["v6"]}.)",
                        err));
    authz::ClientInfo u{"c", "u", "10.0.0.1:1"};
    CHECK(az.check(u, authz::Action::Publish, "a/b/c"));
    CHECK_FALSE(az.check(u, authz::Action::Publish, "a/b/c/d"));
    CHECK(az.check(u, authz::Action::Publish, "u"));  // "u/#" matches "u"
    CHECK(az.check(u, authz::Action::Publish, "u/x/y"));
    CHECK_FALSE(az.check(u, authz::Action::Publish, "x"));
    CHECK(az.check(u, authz::Action::Subscribe, "$SYS/brokers"));
    CHECK(az.check(u, authz::Action::Subscribe, "#"));
    authz::ClientInfo v6{"c", "", "[::1]:9"};
    CHECK_FALSE(az.check(v6, authz::Action::Publish, "v6"));
    CHECK(az.check(u, authz::Action::Publish, "v6"));
    uint64_t g = az.generation();
    CHECK_FALSE(az.loadText("t", "{allow, all", err));
    CHECK(err == "t: line 1, column 12: expected ',' or '}' before the end of the file");
    CHECK(az.generation() == g);  // nothing changed
    CHECK(az.check(u, authz::Action::Publish, "a/b/c"));
    CHECK_FALSE(az.loadText("t", "\n  {allow, {username, {re, \"(\"}}, all, [\"t\"]}.", err));
    CHECK(err.find("line 2, column 11: invalid regular expression") != std::string::npos);
}

namespace {

using namespace emqx;

std::unique_ptr<authz::Authorizer> load(const char* rules, config::AuthorizationConfig cfg = {}) {
    cfg.no_match = "deny";
    auto az = std::make_unique<authz::Authorizer>(cfg);
    std::string err;
    REQUIRE(az->loadText("acl.conf", rules, err));
    return az;
}

constexpr const char* kOwnTree = R"({allow, all, publish, ["${clientid}/#", "u/%u/#"]}.
{allow, all, subscribe, ["${clientid}/#", "${username}/+/x"]}.
{deny, all}.)";

}  // namespace

TEST_CASE("authz: a placeholder's wildcard or slash never widens a rule", "[authz]") {
    auto az = load(kOwnTree);
    const auto pub = authz::Action::Publish;
    const auto sub = authz::Action::Subscribe;
    // The honest client gets its own tree.
    CHECK(az->check({"dev1", "alice", "10.0.0.1:1"}, sub, "dev1/#"));
    CHECK(az->check({"dev1", "alice", "10.0.0.1:1"}, pub, "dev1/t"));
    CHECK(az->check({"dev1", "alice", "10.0.0.1:1"}, sub, "alice/b/x"));
    CHECK_FALSE(az->check({"dev1", "alice", "10.0.0.1:1"}, sub, "victim/#"));
    // Client id "#" would make "${clientid}/#" the filter "#/#"; "+" would make "+/#".
    for (std::string id : {"#", "+", "a/+", "x#"}) {
        authz::ClientInfo attacker{id, "", "10.0.0.1:1"};
        CHECK_FALSE(az->check(attacker, sub, "#"));
        CHECK_FALSE(az->check(attacker, sub, "victim/secret"));
        CHECK_FALSE(az->check(attacker, pub, "victim/secret"));
    }
    // A slash makes another client's tree reachable: "victim/x" owns "victim/x/#", not "victim/#".
    CHECK_FALSE(az->check({"victim/x", "", "10.0.0.1:1"}, pub, "victim/x/t"));
    // Usernames, in both spellings.
    CHECK_FALSE(az->check({"c", "#", "10.0.0.1:1"}, sub, "victim/b/x"));
    CHECK_FALSE(az->check({"c", "+", "10.0.0.1:1"}, sub, "victim/b/x"));
    CHECK_FALSE(az->check({"c", "#", "10.0.0.1:1"}, pub, "u/anything/t"));
    // A NUL in a value never passes.
    CHECK_FALSE(az->check({std::string("a\0b", 3), "", "10.0.0.1:1"}, pub, std::string("a\0b/t", 5)));
}

TEST_CASE("authz: topic_template_allow lets each character through on purpose", "[authz]") {
    config::AuthorizationConfig cfg;
    cfg.topic_template_allow_plus = true;
    auto plus = load(kOwnTree, cfg);
    CHECK(plus->check({"+", "", "1.2.3.4:1"}, authz::Action::Subscribe, "+/#"));
    CHECK_FALSE(plus->check({"#", "", "1.2.3.4:1"}, authz::Action::Subscribe, "#"));
    cfg.topic_template_allow_hash = true;
    auto hash = load(kOwnTree, cfg);
    CHECK(hash->check({"#", "", "1.2.3.4:1"}, authz::Action::Subscribe, "#"));  // the operator asked for it
    cfg = {};
    cfg.topic_template_allow_slash = true;
    auto slash = load(kOwnTree, cfg);
    CHECK(slash->check({"site/dev", "", "1.2.3.4:1"}, authz::Action::Publish, "site/dev/t"));
    CHECK_FALSE(slash->check({"site/#", "", "1.2.3.4:1"}, authz::Action::Publish, "site/x/t"));
}

TEST_CASE("authz: the decision says which rule decided and which placeholder was refused", "[authz]") {
    auto az = load(kOwnTree);
    authz::Decision ok = az->decide({"dev1", "", "1.2.3.4:1"}, authz::Action::Publish, "dev1/t");
    CHECK(ok.allow);
    CHECK(ok.describe() == "rule at line 1");
    authz::Decision d = az->decide({"#", "", "1.2.3.4:1"}, authz::Action::Subscribe, "#");
    CHECK_FALSE(d.allow);
    CHECK(d.by == authz::Decision::By::Rule);
    CHECK(d.rule_line == 3);
    CHECK(d.describe() ==
          "rule at line 3; rule at line 2 skipped: the value of ${clientid} holds '#' "
          "(authorization.topic_template_allow)");
    auto none = load("");
    CHECK(none->decide({"c", "", "1.2.3.4:1"}, authz::Action::Publish, "t").describe() ==
          "no rule matched (authorization.no_match)");
}

TEST_CASE("authz: only the broker publishes to $SYS unless allow_sys_publish", "[authz]") {
    auto az = load("{allow, all}.");
    authz::ClientInfo c{"c", "", "127.0.0.1:1"};
    for (const char* t : {"$SYS", "$SYS/brokers/n/clients/admin/connected", "$SYS/"}) {
        authz::Decision d = az->decide(c, authz::Action::Publish, t);
        CHECK_FALSE(d.allow);
        CHECK(d.by == authz::Decision::By::SysTopic);
    }
    CHECK(az->check(c, authz::Action::Publish, "$SYSTEM/x"));  // another topic
    CHECK(az->check(c, authz::Action::Subscribe, "$SYS/#"));   // reading is for the ACL to decide
    config::AuthorizationConfig cfg;
    cfg.allow_sys_publish = true;
    auto bridge = load("{deny, all, publish, [\"$SYS/private/#\"]}.\n{allow, all}.", cfg);
    CHECK(bridge->check(c, authz::Action::Publish, "$SYS/brokers/other/uptime"));
    CHECK_FALSE(bridge->check(c, authz::Action::Publish, "$SYS/private/x"));  // the ACL still applies
}
