// The subscribe / unsubscribe bodies as EMQX takes them, turned into the
// arguments of `subscriptions add|del`.
#include <catch2/catch.hpp>

#include "emqxd/http/subscribe_body.h"

using namespace emqx::http;
using Json = nlohmann::json;

TEST_CASE("subscribe body: defaults and options", "[http]") {
    std::string error;
    auto args = subscribeArgs("c1", Json{{"topic", "a/+"}}, error);
    REQUIRE(args);
    CHECK(*args == Json{{"clientid", "c1"}, {"topic", "a/+"}, {"qos", 0}});
    args = subscribeArgs("c1", Json{{"topic", "a"}, {"qos", 2}, {"nl", 1}, {"rap", 1}, {"rh", 2}, {"other", 1}}, error);
    REQUIRE(args);
    CHECK(*args == Json{{"clientid", "c1"}, {"topic", "a"}, {"qos", 2}, {"nl", 1}, {"rap", 1}, {"rh", 2}});
}

TEST_CASE("subscribe body: refusals say why", "[http]") {
    auto refused = [](const Json& body) {
        std::string error;
        CHECK_FALSE(subscribeArgs("c1", body, error));
        return error;
    };
    CHECK(refused(Json{{"qos", 1}}).starts_with("topic:"));
    CHECK(refused(Json{{"topic", ""}}).starts_with("topic:"));
    CHECK(refused(Json{{"topic", 1}}).starts_with("topic:"));
    CHECK(refused(Json{{"topic", "t"}, {"qos", 3}}) == "qos: expected 0, 1 or 2, got 3");
    CHECK(refused(Json{{"topic", "t"}, {"qos", "1"}}) == "qos: expected a non-negative integer, got \"1\"");
    CHECK(refused(Json{{"topic", "t"}, {"rh", -1}}).starts_with("rh:"));
    CHECK(refused(Json::array()) == "each subscription must be a JSON object");
}

TEST_CASE("unsubscribe body: only the topic", "[http]") {
    std::string error;
    auto args = unsubscribeArgs("c1", Json{{"topic", "a/#"}, {"qos", 1}}, error);
    REQUIRE(args);
    CHECK(*args == Json{{"clientid", "c1"}, {"topic", "a/#"}});
    CHECK_FALSE(unsubscribeArgs("c1", Json::object(), error));
    CHECK(error.starts_with("topic:"));
}
