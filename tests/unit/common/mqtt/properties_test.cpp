// The property block: the allowed-per-packet table (spec 2.2.2.2), duplicates,
// value ranges and the deterministic encoding order.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "codec_test_util.h"
#include "common/mqtt/properties_codec.h"

using namespace emqx::mqtt;
using namespace emqx::mqtt::test;
using emqx::ShutdownReason;

namespace {

using Ctx = PropertyContext;

struct Spec {
    std::string value;      // a valid encoded value
    std::set<Ctx> allowed;  // transcribed from the spec's table, not from the code
    bool single = true;     // may appear once
    std::string bad_value;  // a value that is a protocol error, if any
};

Spec spec(std::string value, std::set<Ctx> allowed, bool single = true, std::string bad_value = "") {
    return Spec{std::move(value), std::move(allowed), single, std::move(bad_value)};
}

std::map<int, Spec> specTable() {
    const std::set<Ctx> pub_will = {Ctx::Publish, Ctx::Will};
    const std::set<Ctx> connack = {Ctx::Connack};
    std::map<int, Spec> t;
    t[0x01] = spec(bytes({0x01}), pub_will);  // any byte: mqtt.strict_mode judges it (decoder_test.cpp)
    t[0x02] = spec(bytes({0, 0, 0, 9}), pub_will);
    t[0x03] = spec(str("ct"), pub_will);
    t[0x08] = spec(str("rt"), pub_will);
    t[0x09] = spec(str("\xff"), pub_will);
    t[0x0B] = spec(bytes({0x81, 0x01}), {Ctx::Publish, Ctx::Subscribe}, true, bytes({0x00}));
    t[0x11] = spec(bytes({0, 0, 0, 1}), {Ctx::Connect, Ctx::Connack, Ctx::Disconnect});
    t[0x12] = spec(str("id"), connack);
    t[0x13] = spec(bytes({0, 5}), connack);
    t[0x15] = spec(str("m"), {Ctx::Connect, Ctx::Connack, Ctx::Auth});
    t[0x16] = spec(str(std::string("\0\xff", 2)), {Ctx::Connect, Ctx::Connack, Ctx::Auth});
    t[0x17] = spec(bytes({0x00}), {Ctx::Connect}, true, bytes({0x02}));
    t[0x18] = spec(bytes({0, 0, 0, 1}), {Ctx::Will});
    t[0x19] = spec(bytes({0x01}), {Ctx::Connect}, true, bytes({0xFF}));
    t[0x1A] = spec(str("ri"), connack);
    t[0x1C] = spec(str("sr"), {Ctx::Connack, Ctx::Disconnect});
    t[0x1F] =
        spec(str("why"), {Ctx::Connack, Ctx::PubResponse, Ctx::Suback, Ctx::Unsuback, Ctx::Disconnect, Ctx::Auth});
    t[0x21] = spec(bytes({0, 1}), {Ctx::Connect, Ctx::Connack}, true, bytes({0, 0}));
    t[0x22] = spec(bytes({0, 0}), {Ctx::Connect, Ctx::Connack});
    t[0x23] = spec(bytes({0, 1}), {Ctx::Publish});
    t[0x24] = spec(bytes({0x00}), connack, true, bytes({0x02}));
    t[0x25] = spec(bytes({0x01}), connack, true, bytes({0x02}));
    t[0x26] = spec(str("k") + str("v"),
                   {Ctx::Connect, Ctx::Will, Ctx::Connack, Ctx::Publish, Ctx::PubResponse, Ctx::Subscribe, Ctx::Suback,
                    Ctx::Unsubscribe, Ctx::Unsuback, Ctx::Disconnect, Ctx::Auth},
                   false);
    t[0x27] = spec(bytes({0, 0, 1, 0}), {Ctx::Connect, Ctx::Connack}, true, bytes({0, 0, 0, 0}));
    t[0x28] = spec(bytes({0x01}), connack, true, bytes({0x02}));
    t[0x29] = spec(bytes({0x00}), connack, true, bytes({0x03}));
    t[0x2A] = spec(bytes({0x01}), connack, true, bytes({0x80}));
    return t;
}

const Ctx kAllContexts[] = {Ctx::Connect,     Ctx::Will,       Ctx::Connack, Ctx::Publish,
                            Ctx::PubResponse, Ctx::Subscribe,  Ctx::Suback,  Ctx::Unsubscribe,
                            Ctx::Unsuback,    Ctx::Disconnect, Ctx::Auth};

struct Result {
    bool ok;
    ProtocolError err;
    Properties props;
};

Result read(Ctx ctx, const std::string& block_body) {
    std::string block;
    block.push_back(static_cast<char>(block_body.size()));  // all test blocks are < 128 bytes
    block += block_body;
    ByteReader r(span(block));
    Result res{};
    res.ok = readProperties(r, ctx, res.props, res.err);
    if (res.ok) CHECK(r.atEnd());
    return res;
}

}  // namespace

TEST_CASE("each property is accepted exactly where the spec allows it", "[codec]") {
    for (const auto& [id, spec] : specTable()) {
        for (Ctx ctx : kAllContexts) {
            INFO("property " << id << " in context " << static_cast<int>(ctx));
            const Result r = read(ctx, std::string(1, static_cast<char>(id)) + spec.value);
            if (spec.allowed.count(ctx)) {
                CHECK(r.ok);
            } else {
                REQUIRE_FALSE(r.ok);
                CHECK(r.err.code == ReasonCode::ProtocolError);
                CHECK(r.err.shutdown_reason == ShutdownReason::ProtocolError);
            }
        }
    }
}

TEST_CASE("unknown property identifiers are malformed", "[codec]") {
    const auto table = specTable();
    for (int id = 0; id < 0x80; ++id) {
        if (table.count(id)) continue;
        INFO("property " << id);
        const Result r = read(Ctx::Publish, bytes({id, 0x00}));
        REQUIRE_FALSE(r.ok);
        CHECK(r.err.code == ReasonCode::MalformedPacket);
        CHECK(r.err.shutdown_reason == ShutdownReason::MalformedPacket);
    }
}

TEST_CASE("duplicates are protocol errors except user properties", "[codec]") {
    for (const auto& [id, spec] : specTable()) {
        INFO("property " << id);
        const Ctx ctx = *spec.allowed.begin() == Ctx::Publish && id == 0x0B ? Ctx::Subscribe : *spec.allowed.begin();
        const std::string one = std::string(1, static_cast<char>(id)) + spec.value;
        const Result r = read(ctx, one + one);
        if (spec.single) {
            REQUIRE_FALSE(r.ok);
            CHECK(r.err.code == ReasonCode::ProtocolError);
            CHECK(r.err.shutdown_reason == ShutdownReason::ProtocolError);
        } else {
            REQUIRE(r.ok);
            CHECK(r.props.user_properties.size() == 2);
        }
    }
    // Several subscription identifiers are fine in PUBLISH (to a client).
    const Result r = read(Ctx::Publish, bytes({0x0B, 0x01, 0x0B, 0x01}));
    REQUIRE(r.ok);
    CHECK(r.props.subscription_identifiers == std::vector<uint32_t>{1, 1});
}

TEST_CASE("out-of-range values are protocol errors", "[codec]") {
    for (const auto& [id, spec] : specTable()) {
        if (spec.bad_value.empty()) continue;
        INFO("property " << id);
        const Result r = read(*spec.allowed.begin(), std::string(1, static_cast<char>(id)) + spec.bad_value);
        REQUIRE_FALSE(r.ok);
        CHECK(r.err.code == ReasonCode::ProtocolError);
        CHECK(r.err.shutdown_reason == ShutdownReason::ProtocolError);
    }
}

TEST_CASE("truncated values and blocks are malformed", "[codec]") {
    for (const auto& [id, spec] : specTable()) {
        INFO("property " << id);
        const std::string full = std::string(1, static_cast<char>(id)) + spec.value;
        const Result r = read(*spec.allowed.begin(), full.substr(0, full.size() - 1));
        REQUIRE_FALSE(r.ok);
        CHECK(r.err.code == ReasonCode::MalformedPacket);
        CHECK(r.err.shutdown_reason == ShutdownReason::MalformedPacket);
    }
    // The block length runs past the data.
    const std::string block = bytes({0x05, 0x23, 0x00, 0x01});
    ByteReader r(span(block));
    Properties p;
    ProtocolError err;
    CHECK_FALSE(readProperties(r, Ctx::Publish, p, err));
    CHECK(err.code == ReasonCode::MalformedPacket);
    // A 5-byte block length.
    const std::string five = bytes({0x80, 0x80, 0x80, 0x80, 0x00});
    ByteReader r5(span(five));
    CHECK_FALSE(readProperties(r5, Ctx::Publish, p, err));
    CHECK(err.code == ReasonCode::MalformedPacket);
    // Invalid UTF-8 in a string property and in a user property; binary ones are unchecked.
    CHECK(read(Ctx::Publish, bytes({0x03}) + str("\xC0\x80")).err.code == ReasonCode::MalformedPacket);
    CHECK(read(Ctx::Publish, bytes({0x26}) + str("k") + str("\xED\xA0\x80")).err.code == ReasonCode::MalformedPacket);
    CHECK(read(Ctx::Publish, bytes({0x09}) + str("\xC0\x80")).ok);
    // A U+0000 in a Response Topic is well-formed here: the broker refuses it as a topic name (0x82).
    const Result nul = read(Ctx::Publish, bytes({0x08}) + str(std::string_view("a\0b", 3)));
    REQUIRE(nul.ok);
    CHECK(nul.props.response_topic == std::string("a\0b", 3));
    CHECK(read(Ctx::Publish, bytes({0x08}) + str("\xC0\x80")).err.code == ReasonCode::MalformedPacket);
    CHECK(read(Ctx::Publish, bytes({0x03}) + str(std::string_view("a\0b", 3))).err.code == ReasonCode::MalformedPacket);
}

TEST_CASE("the payload format indicator takes any byte", "[codec]") {
    for (int value : {0x00, 0x01, 0x02, 0xFF}) {
        INFO("value " << value);
        const Result r = read(Ctx::Publish, bytes({0x01, value}));
        REQUIRE(r.ok);
        CHECK(r.props.payload_format_indicator == value);
    }
}

TEST_CASE("properties encode in ascending id order, user properties last", "[codec]") {
    Properties p;
    p.user_properties = {{"b", "2"}, {"a", "1"}};
    p.maximum_packet_size = 256;
    p.subscription_identifiers = {2, 1};
    p.payload_format_indicator = 1;
    std::string out;
    ByteWriter w(out);
    writeProperties(w, p);
    const std::string expected =
        bytes({0x19,                          // length 25
               0x01, 0x01,                    // payload format
               0x0B, 0x02, 0x0B, 0x01,        // subscription ids, in order
               0x27, 0x00, 0x00, 0x01, 0x00,  // maximum packet size
               0x26, 0x00, 0x01, 'b',  0x00, 0x01, '2', 0x26, 0x00, 0x01, 'a', 0x00, 0x01, '1'});
    CHECK(out == expected);
    CHECK(propertiesBlockSize(p) == expected.size());
    CHECK(propertiesBodySize(p) == expected.size() - 1);
    CHECK(propertiesBlockSize(Properties{}) == 1);
}

TEST_CASE("every property kind round-trips through the block", "[codec]") {
    Properties p;
    p.payload_format_indicator = 1;
    p.message_expiry_interval = 0xFFFFFFFF;
    p.content_type = "c";
    p.response_topic = "r";
    p.correlation_data = std::string("\0\xff", 2);
    p.subscription_identifiers = {268435455};
    p.session_expiry_interval = 1;
    p.assigned_client_identifier = "a";
    p.server_keep_alive = 65535;
    p.authentication_method = "m";
    p.authentication_data = std::string("\0", 1);
    p.request_problem_information = 1;
    p.will_delay_interval = 2;
    p.request_response_information = 0;
    p.response_information = "ri";
    p.server_reference = "sr";
    p.reason_string = "rs";
    p.receive_maximum = 1;
    p.topic_alias_maximum = 2;
    p.topic_alias = 3;
    p.maximum_qos = 0;
    p.retain_available = 1;
    p.user_properties = {{"k", "v"}, {"k", "v"}};
    p.maximum_packet_size = 1;
    p.wildcard_subscription_available = 0;
    p.subscription_identifier_available = 1;
    p.shared_subscription_available = 0;
    std::string out;
    ByteWriter w(out);
    writeProperties(w, p);
    // No context allows all of them, so read the body one property at a time
    // in a context that allows it.
    const auto table = specTable();
    ByteReader whole(span(out));
    uint32_t len;
    REQUIRE(whole.varint(len));
    REQUIRE(len == whole.remaining());
    Properties merged;
    size_t count = 0;
    std::string_view body = std::string_view(out).substr(out.size() - len);
    while (!body.empty()) {
        const int id = static_cast<uint8_t>(body[0]);
        REQUIRE(table.count(id));
        // Find this property's encoded length by reading it alone.
        Properties one;
        ProtocolError err;
        size_t n = 2;
        for (; n <= body.size(); ++n) {
            std::string block(1, static_cast<char>(n));
            block.append(body.substr(0, n));
            ByteReader r(span(block));
            if (readProperties(r, *table.at(id).allowed.begin(), one, err)) break;
        }
        REQUIRE(n <= body.size());
        body.remove_prefix(n);
        ++count;
        if (one.payload_format_indicator) merged.payload_format_indicator = one.payload_format_indicator;
        if (one.message_expiry_interval) merged.message_expiry_interval = one.message_expiry_interval;
        if (one.content_type) merged.content_type = one.content_type;
        if (one.response_topic) merged.response_topic = one.response_topic;
        if (one.correlation_data) merged.correlation_data = one.correlation_data;
        for (auto s : one.subscription_identifiers) merged.subscription_identifiers.push_back(s);
        if (one.session_expiry_interval) merged.session_expiry_interval = one.session_expiry_interval;
        if (one.assigned_client_identifier) merged.assigned_client_identifier = one.assigned_client_identifier;
        if (one.server_keep_alive) merged.server_keep_alive = one.server_keep_alive;
        if (one.authentication_method) merged.authentication_method = one.authentication_method;
        if (one.authentication_data) merged.authentication_data = one.authentication_data;
        if (one.request_problem_information) merged.request_problem_information = one.request_problem_information;
        if (one.will_delay_interval) merged.will_delay_interval = one.will_delay_interval;
        if (one.request_response_information) merged.request_response_information = one.request_response_information;
        if (one.response_information) merged.response_information = one.response_information;
        if (one.server_reference) merged.server_reference = one.server_reference;
        if (one.reason_string) merged.reason_string = one.reason_string;
        if (one.receive_maximum) merged.receive_maximum = one.receive_maximum;
        if (one.topic_alias_maximum) merged.topic_alias_maximum = one.topic_alias_maximum;
        if (one.topic_alias) merged.topic_alias = one.topic_alias;
        if (one.maximum_qos) merged.maximum_qos = one.maximum_qos;
        if (one.retain_available) merged.retain_available = one.retain_available;
        for (auto& u : one.user_properties) merged.user_properties.push_back(u);
        if (one.maximum_packet_size) merged.maximum_packet_size = one.maximum_packet_size;
        if (one.wildcard_subscription_available)
            merged.wildcard_subscription_available = one.wildcard_subscription_available;
        if (one.subscription_identifier_available)
            merged.subscription_identifier_available = one.subscription_identifier_available;
        if (one.shared_subscription_available) merged.shared_subscription_available = one.shared_subscription_available;
    }
    CHECK(count == 28);  // 27 kinds, the user property twice
    CHECK(merged == p);
}
