// The dashboard's login tokens: random, kept only hashed, expiring
// token_expired_time after their last use, revoked by logout (only the
// owner's), and all of a user's at once.
#include <catch2/catch.hpp>

#include <set>

#include "emqxd/auth/dashboard_token.h"

using namespace emqx::auth;

TEST_CASE("tokens: issued at random, verified, expiring after the last use", "[dashboard_token]") {
    DashboardTokens tokens(60'000);
    std::string t1 = tokens.issue({"admin", "administrator", false}, 1'000);
    std::string t2 = tokens.issue({"admin", "administrator", false}, 1'000);
    CHECK(t1.size() == 43);
    CHECK(t1 != t2);
    TokenOwner owner;
    REQUIRE(tokens.verify(t1, 30'000, owner) == DashboardTokens::Check::Valid);
    CHECK(owner.username == "admin");
    CHECK(owner.role == "administrator");
    // Used at 30 s, so alive until 90 s; t2, never used since 1 s, died at 61 s.
    CHECK(tokens.verify(t1, 89'000, owner) == DashboardTokens::Check::Valid);
    CHECK(tokens.verify(t2, 61'000, owner) == DashboardTokens::Check::Expired);
    CHECK(tokens.verify(t2, 61'001, owner) == DashboardTokens::Check::Unknown);  // forgotten once reported
    CHECK(tokens.verify("not-a-token", 1'000, owner) == DashboardTokens::Check::Unknown);
    CHECK(tokens.verify(t1 + "x", 1'000, owner) == DashboardTokens::Check::Unknown);
}

TEST_CASE("tokens: no two alike", "[dashboard_token]") {
    DashboardTokens tokens(60'000);
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) seen.insert(tokens.issue({"user" + std::to_string(i), "administrator", false}, 0));
    CHECK(seen.size() == 1000);
    CHECK(tokens.size() == 1000);
}

TEST_CASE("tokens: a user holds at most kMaxPerUser, the least recently used goes", "[dashboard_token]") {
    DashboardTokens tokens(60'000);
    std::string first = tokens.issue({"admin", "administrator", false}, 0);
    std::string second = tokens.issue({"admin", "administrator", false}, 1);
    TokenOwner o;
    REQUIRE(tokens.verify(first, 2, o) == DashboardTokens::Check::Valid);  // used: second is now the oldest
    for (size_t i = 2; i < DashboardTokens::kMaxPerUser; ++i) tokens.issue({"admin", "administrator", false}, 3);
    std::string other = tokens.issue({"ops", "viewer", false}, 3);
    CHECK(tokens.size() == DashboardTokens::kMaxPerUser + 1);
    tokens.issue({"admin", "administrator", false}, 4);
    CHECK(tokens.size() == DashboardTokens::kMaxPerUser + 1);
    CHECK(tokens.verify(second, 5, o) == DashboardTokens::Check::Unknown);
    CHECK(tokens.verify(first, 5, o) == DashboardTokens::Check::Valid);
    CHECK(tokens.verify(other, 5, o) == DashboardTokens::Check::Valid);
}

TEST_CASE("tokens: issuing forgets the expired ones", "[dashboard_token]") {
    DashboardTokens tokens(1'000);
    for (int i = 0; i < 10; ++i) tokens.issue({"admin", "administrator", false}, 0);
    CHECK(tokens.size() == 10);
    tokens.issue({"admin", "administrator", false}, 5'000);
    CHECK(tokens.size() == 1);
}

TEST_CASE("tokens: logout revokes only the owner's token; a user's tokens go together", "[dashboard_token]") {
    DashboardTokens tokens(60'000);
    std::string a1 = tokens.issue({"admin", "administrator", true}, 0);
    std::string a2 = tokens.issue({"admin", "administrator", true}, 0);
    std::string o1 = tokens.issue({"ops", "viewer", false}, 0);
    const TokenOwner* owner = tokens.owner(a1);
    REQUIRE(owner);
    CHECK(owner->must_change_password);
    CHECK_FALSE(tokens.revoke(a1, "ops"));
    CHECK(tokens.revoke(a1, "admin"));
    CHECK_FALSE(tokens.revoke(a1, "admin"));
    CHECK_FALSE(tokens.owner(a1));
    tokens.revokeUser("admin");
    TokenOwner o;
    CHECK(tokens.verify(a2, 1, o) == DashboardTokens::Check::Unknown);
    CHECK(tokens.verify(o1, 1, o) == DashboardTokens::Check::Valid);
    CHECK(o.role == "viewer");
}
