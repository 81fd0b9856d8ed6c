// The body of POST /api/v5/banned as EMQX 5.8 takes it, turned into the
// arguments of `banned add`.
#include <catch2/catch.hpp>

#include "emqxd/http/banned_body.h"

using namespace emqx::http;
using Json = nlohmann::json;

namespace {

constexpr int64_t kNow = 1700000000;  // 2023-11-14T22:13:20Z

std::string refused(const Json& body) {
    std::string error;
    CHECK_FALSE(banArgs(body, kNow, error));
    return error;
}

}  // namespace

TEST_CASE("ban body: EMQX's defaults", "[http]") {
    std::string error;
    auto args = banArgs(Json{{"as", "clientid"}, {"who", "c1"}}, kNow, error);
    REQUIRE(args);
    CHECK(*args == Json{{"as", "clientid"}, {"who", "c1"}, {"by", "mgmt_api"}, {"reason", ""}, {"at", kNow}});
}

TEST_CASE("ban body: every field, times as RFC 3339 or epoch seconds", "[http]") {
    std::string error;
    auto args = banArgs(Json{{"as", "peerhost"},
                             {"who", "10.0.0.1"},
                             {"by", "ops"},
                             {"reason", "abuse"},
                             {"at", "2023-11-14T22:13:20Z"},
                             {"until", kNow + 60}},
                        kNow, error);
    REQUIRE(args);
    CHECK(*args == Json{{"as", "peerhost"},
                        {"who", "10.0.0.1"},
                        {"by", "ops"},
                        {"reason", "abuse"},
                        {"at", kNow},
                        {"until", kNow + 60}});
    args = banArgs(Json{{"as", "username"}, {"who", "u"}, {"until", "infinity"}}, kNow, error);
    REQUIRE(args);
    CHECK_FALSE(args->contains("until"));
    CHECK(banArgs(Json{{"as", "peerhost"}, {"who", "::1"}}, kNow, error));
}

TEST_CASE("ban body: refusals say why", "[http]") {
    CHECK(refused(Json{{"who", "c"}}) == "as: a string is required");
    CHECK(refused(Json{{"as", "clientid_re"}, {"who", "c"}}) ==
          "as: expected clientid, username or peerhost, got clientid_re");
    CHECK(refused(Json{{"as", "clientid"}}) == "who: a string is required");
    CHECK(refused(Json{{"as", "clientid"}, {"who", ""}}) == "who: must not be empty");
    CHECK(refused(Json{{"as", "peerhost"}, {"who", "not-an-ip"}}) == "who: not an IP address: not-an-ip");
    CHECK(refused(Json{{"as", "clientid"}, {"who", "c"}, {"reason", 5}}) == "reason: expected a string, got 5");
    CHECK(refused(Json{{"as", "clientid"}, {"who", "c"}, {"until", "tomorrow"}}).starts_with("until:"));
    CHECK(refused(Json{{"as", "clientid"}, {"who", "c"}, {"at", -1}}).starts_with("at:"));
    CHECK(refused(Json{{"as", "clientid"}, {"who", "c"}, {"until", kNow}}) ==
          "already_expired: until is not in the future");
    CHECK(refused(Json::array()) == "the ban must be a JSON object");
}
