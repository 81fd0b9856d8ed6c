// The body of POST /api/v5/publish as EMQX 5.8 takes it, and its refusals
// (EMQX's 400 bodies).
#include <catch2/catch.hpp>

#include "emqxd/http/publish_body.h"

using namespace emqx::http;
using Json = nlohmann::json;

namespace {

const PublishLimits kLimits{128, 1024 * 1024};

Json refusal(const Json& body, const PublishLimits& limits = kLimits) {
    Json why;
    CHECK_FALSE(parsePublishBody(body, limits, why));
    return why;
}

Json badRequest(const Json& body) {
    Json why = refusal(body);
    CHECK(why.at("code") == "BAD_REQUEST");
    return why;
}

}  // namespace

TEST_CASE("publish body: defaults", "[http]") {
    Json why;
    auto r = parsePublishBody(Json{{"topic", "a/b"}, {"payload", "hi"}}, kLimits, why);
    REQUIRE(r);
    CHECK(r->topic == "a/b");
    CHECK(r->payload == "hi");
    CHECK(r->qos == 0);
    CHECK_FALSE(r->retain);
    CHECK(r->props == emqx::mqtt::Properties{});
}

TEST_CASE("publish body: every field and property", "[http]") {
    Json body = {{"topic", "t"},
                 {"payload", "AAH/"},
                 {"payload_encoding", "base64"},
                 {"qos", 2},
                 {"retain", true},
                 {"clientid", "ignored (deprecated by EMQX)"},
                 {"properties",
                  {{"payload_format_indicator", 1},
                   {"message_expiry_interval", 60},
                   {"response_topic", "reply/here"},
                   {"correlation_data", "corr"},
                   {"content_type", "text/plain"},
                   {"user_properties", {{"k1", "v1"}, {"k2", "v2"}}}}}};
    Json why;
    auto r = parsePublishBody(body, kLimits, why);
    REQUIRE(r);
    CHECK(r->payload == std::string("\0\x01\xff", 3));
    CHECK(r->qos == 2);
    CHECK(r->retain);
    CHECK(r->props.payload_format_indicator == 1);
    CHECK(r->props.message_expiry_interval == 60u);
    CHECK(r->props.response_topic == "reply/here");
    CHECK(r->props.correlation_data == "corr");
    CHECK(r->props.content_type == "text/plain");
    CHECK(r->props.user_properties == emqx::mqtt::UserProperties{{"k1", "v1"}, {"k2", "v2"}});
}

TEST_CASE("publish body: a topic that is no topic name is reason code 144", "[http]") {
    for (const char* topic : {"a/+", "a/#", ""}) {
        CHECK(refusal(Json{{"topic", topic}, {"payload", "x"}}) ==
              Json{{"reason_code", 144}, {"message", "topic_name_invalid"}});
    }
    CHECK(refusal(Json{{"topic", "a/b/c"}, {"payload", "x"}}, PublishLimits{2, 1024}).at("reason_code") == 144);
}

TEST_CASE("publish body: bad base64 is reason code 131", "[http]") {
    CHECK(refusal(Json{{"topic", "t"}, {"payload", "not base64!"}, {"payload_encoding", "base64"}}) ==
          Json{{"reason_code", 131}, {"message", "decode_base64_payload_failed"}});
}

TEST_CASE("publish body: a message past mqtt.max_packet_size is reason code 151", "[http]") {
    PublishLimits small{0, 100};
    Json why;
    // 2 + 1 (topic) + 1 (no properties) + 94 payload = 98 remaining, 100 with the fixed header: fits exactly.
    CHECK(parsePublishBody(Json{{"topic", "t"}, {"payload", std::string(94, 'x')}}, small, why));
    CHECK(refusal(Json{{"topic", "t"}, {"payload", std::string(95, 'x')}}, small) ==
          Json{{"reason_code", 151}, {"message", "packet_too_large"}});
    // Properties count too.
    CHECK(refusal(Json{{"topic", "t"}, {"payload", std::string(90, 'x')}, {"properties", {{"content_type", "abc"}}}},
                  small)
              .at("reason_code") == 151);
}

TEST_CASE("publish body: fields of the wrong type or range are BAD_REQUEST with the field", "[http]") {
    CHECK(badRequest(Json{{"payload", "x"}}).at("message") == "topic: a string is required");
    CHECK(badRequest(Json{{"topic", "t"}}).at("message") == "payload: a string is required");
    CHECK(badRequest(Json{{"topic", "t"}, {"payload", 1}}).at("message") == "payload: a string is required");
    CHECK(badRequest(Json{{"topic", "t"}, {"payload", "x"}, {"qos", 3}}).at("message") ==
          "qos: expected an integer from 0 to 2, got 3");
    CHECK(badRequest(Json{{"topic", "t"}, {"payload", "x"}, {"qos", -1}})
              .at("message")
              .get<std::string>()
              .starts_with("qos:"));
    CHECK(badRequest(Json{{"topic", "t"}, {"payload", "x"}, {"qos", "1"}})
              .at("message")
              .get<std::string>()
              .starts_with("qos:"));
    CHECK(badRequest(Json{{"topic", "t"}, {"payload", "x"}, {"retain", 1}}).at("message") ==
          "retain: expected true or false, got 1");
    CHECK(badRequest(Json{{"topic", "t"}, {"payload", "x"}, {"payload_encoding", "hex"}}).at("message") ==
          "payload_encoding: expected plain or base64, got hex");
    CHECK(badRequest(Json{{"topic", "t"}, {"payload", "x"}, {"properties", 1}}).at("message") ==
          "properties: a JSON object is required");
    CHECK(badRequest(Json{{"topic", "t"}, {"payload", "x"}, {"properties", {{"payload_format_indicator", 2}}}})
              .at("message") == "properties.payload_format_indicator: expected an integer from 0 to 1, got 2");
    CHECK(badRequest(Json{{"topic", "t"}, {"payload", "x"}, {"properties", {{"message_expiry_interval", -5}}}})
              .at("message")
              .get<std::string>()
              .starts_with("properties.message_expiry_interval:"));
    CHECK(badRequest(Json{{"topic", "t"}, {"payload", "x"}, {"properties", {{"user_properties", {{"k", 1}}}}}})
              .at("message") == "properties.user_properties.k: a string is required, got 1");
    CHECK(
        badRequest(Json{{"topic", "t"}, {"payload", "x"}, {"properties", {{"response_topic", "r/#"}}}}).at("message") ==
        "properties.response_topic: not a topic name: r/#");
    CHECK(badRequest(Json::array()).at("message") == "each message must be a JSON object");
}
