// GET /api/v5/subscriptions's filters and EMQX's subscription object.
#include <catch2/catch.hpp>

#include "emqxd/http/subscription_query.h"

using namespace emqx::http;
using Json = nlohmann::json;

namespace {

Json row(const char* clientid, const char* topic, int qos) {
    return {{"clientid", clientid}, {"topic", topic}, {"qos", qos}, {"nl", 0}, {"rh", 0}, {"rap", 0}};
}

SubscriptionFilter filter(QueryParams q) {
    QueryError error;
    auto f = parseSubscriptionFilter(q, "emqx@127.0.0.1", error);
    REQUIRE(f);
    return *f;
}

}  // namespace

TEST_CASE("subscriptions filter: exact fields", "[http]") {
    Json plain = row("c1", "a/+", 1);
    Json shared = row("c2", "$share/g/a/+", 0);
    CHECK(subscriptionMatches(filter({}), plain));
    CHECK(subscriptionMatches(filter({{"clientid", "c1"}}), plain));
    CHECK_FALSE(subscriptionMatches(filter({{"clientid", "c2"}}), plain));
    CHECK(subscriptionMatches(filter({{"qos", "1"}}), plain));
    CHECK_FALSE(subscriptionMatches(filter({{"qos", "0"}}), plain));
    CHECK(subscriptionMatches(filter({{"topic", "a/+"}}), plain));
    CHECK_FALSE(subscriptionMatches(filter({{"topic", "a/+"}}), shared));
    CHECK(subscriptionMatches(filter({{"share_group", "g"}}), shared));
    CHECK(subscriptionMatches(filter({{"share_group", "g"}, {"topic", "a/+"}}), shared));
    CHECK_FALSE(subscriptionMatches(filter({{"share_group", "g"}}), plain));
    CHECK_FALSE(subscriptionMatches(filter({{"share_group", "h"}}), shared));
    CHECK(subscriptionMatches(filter({{"node", "emqx@127.0.0.1"}}), plain));
    CHECK_FALSE(subscriptionMatches(filter({{"node", "other@h"}}), plain));
}

TEST_CASE("subscriptions filter: match_topic matches the real filter", "[http]") {
    CHECK(subscriptionMatches(filter({{"match_topic", "a/#"}}), row("c", "a/+", 0)));
    CHECK(subscriptionMatches(filter({{"match_topic", "a/+"}}), row("c", "a/b", 0)));
    CHECK(subscriptionMatches(filter({{"match_topic", "a/#"}}), row("c", "$share/g/a/b", 0)));
    CHECK_FALSE(subscriptionMatches(filter({{"match_topic", "a/b"}}), row("c", "a/+", 0)));
    CHECK_FALSE(subscriptionMatches(filter({{"match_topic", "#"}}), row("c", "$SYS/x", 0)));
}

TEST_CASE("subscriptions filter: bad values, EMQX's codes", "[http]") {
    QueryError error;
    CHECK_FALSE(parseSubscriptionFilter({{"qos", "3"}}, "n", error));
    CHECK(error.code == "BAD_REQUEST");
    CHECK_FALSE(parseSubscriptionFilter({{"qos", "x"}}, "n", error));
    CHECK(error.code == "BAD_REQUEST");
    for (const char* bad : {"a/#/b", "$share/g/a", ""}) {
        INFO(bad);
        CHECK_FALSE(parseSubscriptionFilter({{"match_topic", bad}}, "n", error));
        CHECK(error.code == "INVALID_PARAMETER");
        CHECK(error.message == "match_topic_invalid");
    }
}

TEST_CASE("subscriptions: EMQX's object", "[http]") {
    Json r = row("c1", "a/+", 1);
    r["subid"] = 7;
    CHECK(emqxSubscription(r, "emqx@h") == Json{{"clientid", "c1"},
                                                {"topic", "a/+"},
                                                {"qos", 1},
                                                {"nl", 0},
                                                {"rap", 0},
                                                {"rh", 0},
                                                {"node", "emqx@h"},
                                                {"durable", false}});
}
