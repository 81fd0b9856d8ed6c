// Malformed and forbidden input: every rejection checks the reason code AND
// EMQX's shutdown reason.
#include <catch2/catch.hpp>

#include "codec_test_util.h"
#include "common/mqtt/byte_reader.h"

using namespace emqx::mqtt;
using namespace emqx::mqtt::test;
using emqx::ShutdownReason;

namespace {

constexpr auto V3 = ProtocolVersion::V31;
constexpr auto V4 = ProtocolVersion::V311;
constexpr auto V5 = ProtocolVersion::V5;

// CONNECT body: name, level, flags, keepalive 0, [props], client id "c", rest.
std::string connect(std::string_view name, int level, int flags, std::string_view props_and_rest = "") {
    std::string b = str(name);
    b += bytes({level, flags, 0x00, 0x00});
    b += props_and_rest;
    return frame(0x10, b);
}
std::string connect5(int flags, std::string_view props, std::string_view rest = str("c")) {
    std::string p(1, static_cast<char>(props.size()));
    return connect("MQTT", 5, flags, p + std::string(props) + std::string(rest));
}

ProtocolError errorOf(ProtocolVersion v, std::string_view wire) {
    const DecodeResult r = decodeOne(v, wire);
    REQUIRE_FALSE(r.ok);
    return r.err;
}

}  // namespace

TEST_CASE("MQTT UTF-8 validation", "[codec]") {
    CHECK(isValidMqttUtf8(""));
    CHECK(isValidMqttUtf8("plain/ascii"));
    CHECK(isValidMqttUtf8("\xC2\x80"));                         // U+0080
    CHECK(isValidMqttUtf8("\xE0\xA0\x80"));                     // U+0800
    CHECK(isValidMqttUtf8("\xED\x9F\xBF"));                     // U+D7FF
    CHECK(isValidMqttUtf8("\xEE\x80\x80"));                     // U+E000
    CHECK(isValidMqttUtf8("\xEF\xBB\xBF"));                     // U+FEFF (allowed, not stripped)
    CHECK(isValidMqttUtf8("\xF0\x90\x80\x80"));                 // U+10000
    CHECK(isValidMqttUtf8("\xF4\x8F\xBF\xBF"));                 // U+10FFFF
    CHECK_FALSE(isValidMqttUtf8(std::string_view("a\0b", 3)));  // U+0000
    CHECK_FALSE(isValidMqttUtf8("\xC0\x80"));                   // overlong U+0000
    CHECK_FALSE(isValidMqttUtf8("\xC1\xBF"));                   // overlong
    CHECK_FALSE(isValidMqttUtf8("\xE0\x80\xAF"));               // overlong '/'
    CHECK_FALSE(isValidMqttUtf8("\xF0\x80\x80\xAF"));           // overlong '/'
    CHECK_FALSE(isValidMqttUtf8("\xED\xA0\x80"));               // U+D800
    CHECK_FALSE(isValidMqttUtf8("\xED\xBF\xBF"));               // U+DFFF
    CHECK_FALSE(isValidMqttUtf8("\xF4\x90\x80\x80"));           // U+110000
    CHECK_FALSE(isValidMqttUtf8("\xF5\x80\x80\x80"));
    CHECK_FALSE(isValidMqttUtf8("\xFF"));
    CHECK_FALSE(isValidMqttUtf8("\x80"));          // stray continuation
    CHECK_FALSE(isValidMqttUtf8("\xE2\x82"));      // truncated
    CHECK_FALSE(isValidMqttUtf8("\xE2\x28\xA1"));  // bad continuation
}

TEST_CASE("fixed-header flags", "[codec]") {
    // PUBREL, SUBSCRIBE, UNSUBSCRIBE need 0010.
    requireMalformed(V4, bytes({0x60, 0x02, 0x00, 0x01}));
    requireMalformed(V4, bytes({0x63, 0x02, 0x00, 0x01}));
    requireMalformed(V4, frame(0x80, bytes({0x00, 0x01}) + str("a") + bytes({0x00})));
    requireMalformed(V4, frame(0xA0, bytes({0x00, 0x01}) + str("a")));
    // Everything else needs 0000.
    requireMalformed(V4, bytes({0x42, 0x02, 0x00, 0x01}));
    requireMalformed(V5, bytes({0x51, 0x02, 0x00, 0x01}));
    requireMalformed(V4, bytes({0x72, 0x02, 0x00, 0x01}));
    requireMalformed(V4, bytes({0xC1, 0x00}));
    requireMalformed(V4, bytes({0xD8, 0x00}));
    requireMalformed(V5, bytes({0xE1, 0x00}));
    requireMalformed(V5, bytes({0xF1, 0x00}));
    requireMalformed(V4, bytes({0x21, 0x02, 0x00, 0x00}));
    requireMalformed(V4, bytes({0x94, 0x03, 0x00, 0x01, 0x00}));
    requireMalformed(V4, bytes({0xB2, 0x02, 0x00, 0x01}));
    requireMalformed(V4, connect("MQTT", 4, 0x02).replace(0, 1, "\x11"));
    // PUBLISH with QoS 3 or with DUP on QoS 0: see "mqtt.strict_mode".
}

TEST_CASE("mqtt.strict_mode off: QoS 3, DUP on QoS 0 and any payload format are EMQX's to take", "[codec]") {
    const std::string qos3 = frame(0x36, str("a/b") + bytes({0x00, 0x01}));
    const DecodeResult q = decodeOne(V4, qos3);
    REQUIRE(q.ok);
    CHECK(std::get<Publish>(q.packet).qos == 3);
    CHECK(std::get<Publish>(q.packet).packet_id == 1);
    const std::string dup0 = frame(0x39, str("a/b") + bytes({0x00}));
    const DecodeResult d = decodeOne(V5, dup0);
    REQUIRE(d.ok);
    CHECK(std::get<Publish>(d.packet).dup);
    CHECK(std::get<Publish>(d.packet).qos == 0);
    // Any indicator byte, and a payload marked UTF-8 is not looked at.
    const std::string format2 = frame(0x30, str("a") + bytes({0x02, 0x01, 0x02}) + "\xFF");
    const DecodeResult f = decodeOne(V5, format2);
    REQUIRE(f.ok);
    CHECK(std::get<Publish>(f.packet).props.payload_format_indicator == 2);
    CHECK(decodeOne(V5, frame(0x30, str("a") + bytes({0x02, 0x01, 0x01}) + "\xFF")).ok);
    CHECK(decodeOne(V5, connect5(0x06, "", str("c") + bytes({0x02, 0x01, 0x07}) + str("t") + str("\xFF"))).ok);
}

TEST_CASE("mqtt.strict_mode on: those are malformed, and a payload marked UTF-8 is checked", "[codec]") {
    const DecodeOptions strict{.strict_mode = true};
    requireMalformed(V4, frame(0x36, str("a/b") + bytes({0x00, 0x01})), strict);  // QoS 3
    requireMalformed(V5, frame(0x36, str("a/b") + bytes({0x00, 0x01, 0x00})), strict);
    requireMalformed(V4, frame(0x38, str("a/b")), strict);  // DUP on QoS 0
    requireMalformed(V5, frame(0x39, str("a/b") + bytes({0x00})), strict);
    CHECK(decodeOne(V4, frame(0x3A, str("a/b") + bytes({0x00, 0x01})), 0xFFFFFFFF, strict).ok);  // DUP on QoS 1
    requireMalformed(V5, frame(0x30, str("a") + bytes({0x02, 0x01, 0x02})), strict);             // indicator 2
    requireError(V5, frame(0x30, str("a") + bytes({0x02, 0x01, 0x01}) + "\xFF"), ReasonCode::PayloadFormatInvalid,
                 ShutdownReason::PayloadFormatInvalid, strict);
    requireError(V5, frame(0x30, str("a") + bytes({0x02, 0x01, 0x01}) + "\xED\xA0\x80"),  // a surrogate
                 ReasonCode::PayloadFormatInvalid, ShutdownReason::PayloadFormatInvalid, strict);
    CHECK(decodeOne(V5, frame(0x30, str("a") + bytes({0x02, 0x01, 0x01}) + std::string("a\0", 2)), 0xFFFFFFFF, strict)
              .ok);  // U+0000 is a character of the payload's UTF-8 (RFC 3629)
    CHECK(decodeOne(V5, frame(0x30, str("a") + bytes({0x02, 0x01, 0x01}) + "h\xC3\xA9"), 0xFFFFFFFF, strict).ok);
    CHECK(decodeOne(V5, frame(0x30, str("a") + bytes({0x02, 0x01, 0x00}) + "\xFF"), 0xFFFFFFFF, strict).ok);
    CHECK(decodeOne(V5, frame(0x30, str("a") + bytes({0x00}) + "\xFF"), 0xFFFFFFFF, strict).ok);
    // The will: the same rules, answered in the CONNACK.
    const std::string will_format2 = connect5(0x06, "", str("c") + bytes({0x02, 0x01, 0x02}) + str("t") + str("p"));
    const ProtocolError e = decodeOne(V5, will_format2, 0xFFFFFFFF, strict).err;
    CHECK(e.code == ReasonCode::MalformedPacket);
    CHECK(e.protocol_level == 5);
    requireError(V5, connect5(0x06, "", str("c") + bytes({0x02, 0x01, 0x01}) + str("t") + str("\xFF")),
                 ReasonCode::PayloadFormatInvalid, ShutdownReason::PayloadFormatInvalid, strict);
    CHECK(decodeOne(V5, connect5(0x06, "", str("c") + bytes({0x02, 0x01, 0x01}) + str("t") + str("ok")), 0xFFFFFFFF,
                    strict)
              .ok);
}

TEST_CASE("packet types that need a body reject remaining length 0", "[codec]") {
    for (int first : {0x10, 0x20, 0x30, 0x40, 0x50, 0x62, 0x70, 0x82, 0x90, 0xA2, 0xB0}) {
        INFO("first byte " << first);
        requireError(V5, bytes({first, 0x00}), ReasonCode::MalformedPacket, ShutdownReason::ZeroRemainingLen);
        requireError(V4, bytes({first, 0x00}), ReasonCode::MalformedPacket, ShutdownReason::ZeroRemainingLen);
    }
}

TEST_CASE("strings: bad UTF-8, length past the end, trailing bytes", "[codec]") {
    for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80"}) {
        requireMalformed(V4, frame(0x30, str(bad) + "payload"));
        requireMalformed(V4, frame(0x82, bytes({0x00, 0x01}) + str(bad) + bytes({0x00})));
        requireMalformed(V4, frame(0xA2, bytes({0x00, 0x01}) + str(bad)));
        requireMalformed(V4, connect("MQTT", 4, 0x02, str(bad)));
    }
    requireMalformed(V4, frame(0x30, str(std::string_view("a\0b", 3))));  // U+0000
    // Topic length past the end.
    requireMalformed(V4, frame(0x30, bytes({0x00, 0x05, 'a'})));
    requireMalformed(V4, frame(0x30, bytes({0x00})));
    // Client id length past the end, username past the end.
    requireMalformed(V4, connect("MQTT", 4, 0x02, bytes({0x00, 0x09, 'c'})));
    requireMalformed(V4, connect("MQTT", 4, 0x82, str("c") + bytes({0x00, 0x03, 'u'})));
    // Password is binary: any bytes are fine, but not past the end.
    const DecodeResult ok = decodeOne(V5, connect5(0x42, "", str("c") + str(std::string_view("\0\xC0\xFF", 3))));
    REQUIRE(ok.ok);
    CHECK(std::get<Connect>(ok.packet).password == std::string("\0\xC0\xFF", 3));
    requireMalformed(V5, connect5(0x42, "", str("c") + bytes({0x00, 0x04, 'p'})));
    // Trailing bytes after the last field.
    requireMalformed(V4, connect("MQTT", 4, 0x02, str("c") + "x"));
    requireMalformed(V5, connect5(0x02, "", str("c") + "x"));
    requireMalformed(V4, bytes({0x20, 0x03, 0x00, 0x00, 0x00}));
    requireMalformed(V5, bytes({0x20, 0x04, 0x00, 0x00, 0x00, 0x00}));
    requireMalformed(V5, bytes({0x40, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00}));
    requireMalformed(V5, bytes({0xE0, 0x03, 0x00, 0x00, 0x00}));
    requireMalformed(V5, bytes({0xF0, 0x03, 0x00, 0x00, 0x00}));
    // Binary will payload with invalid UTF-8 is fine.
    const DecodeResult will = decodeOne(V4, connect("MQTT", 4, 0x06, str("c") + str("t") + str("\xFF\xFE")));
    REQUIRE(will.ok);
    CHECK(std::get<Connect>(will.packet).will->payload == "\xFF\xFE");
}

TEST_CASE("CONNECT protocol name and level", "[codec]") {
    SECTION("wrong name") {
        for (std::string_view name : {"MQTX", "mqtt", "", "MQIsdpX"}) {
            const ProtocolError err = errorOf(V4, connect(name, 4, 0x02, str("c")));
            CHECK(err.code == ReasonCode::UnsupportedProtocolVersion);
            CHECK(err.shutdown_reason == ShutdownReason::InvalidProtoName);
            CHECK(err.protocol_level == 4);
        }
    }
    SECTION("right name, unknown level or mismatch") {
        const std::pair<std::string_view, int> cases[] = {{"MQTT", 3},   {"MQTT", 6},   {"MQTT", 0},
                                                          {"MQIsdp", 4}, {"MQIsdp", 5}, {"MQTT", 0x85}};
        for (const auto& [name, level] : cases) {
            INFO(name << " " << level);
            const ProtocolError err = errorOf(V4, connect(name, level, 0x02, str("c")));
            CHECK(err.code == ReasonCode::UnsupportedProtocolVersion);
            CHECK(err.shutdown_reason == ShutdownReason::ProtocolError);
            CHECK(err.protocol_level == level);
        }
    }
    SECTION("the level is reported for later errors too") {
        const ProtocolError err = errorOf(V4, connect5(0x03, ""));
        CHECK(err.code == ReasonCode::MalformedPacket);
        CHECK(err.protocol_level == 5);
    }
    SECTION("the connection's level does not matter for CONNECT") {
        for (ProtocolVersion v : {V3, V4, V5}) {
            const DecodeResult r = decodeOne(v, connect("MQIsdp", 3, 0x02, str("c")));
            REQUIRE(r.ok);
            CHECK(std::get<Connect>(r.packet).version == V3);
            CHECK(std::get<Connect>(r.packet).protocol_name == "MQIsdp");
        }
    }
    SECTION("missing level") { requireMalformed(V4, frame(0x10, str("MQTT"))); }
    SECTION("empty client id is the broker's decision") {
        const DecodeResult r = decodeOne(V4, connect("MQTT", 4, 0x02, str("")));
        REQUIRE(r.ok);
        CHECK(std::get<Connect>(r.packet).client_id.empty());
    }
}

TEST_CASE("CONNECT flags", "[codec]") {
    requireMalformed(V4, connect("MQTT", 4, 0x03, str("c")));                        // reserved bit
    requireMalformed(V5, connect5(0x01, ""));                                        // reserved bit
    requireMalformed(V4, connect("MQTT", 4, 0x0A, str("c")));                        // will QoS 1 without will
    requireMalformed(V4, connect("MQTT", 4, 0x12, str("c")));                        // will QoS 2 without will
    requireMalformed(V4, connect("MQTT", 4, 0x22, str("c")));                        // will retain without will
    requireMalformed(V4, connect("MQTT", 4, 0x1E, str("c") + str("t") + str("p")));  // will QoS 3
    requireMalformed(V4, connect("MQTT", 4, 0x42, str("c") + str("p")));             // password without username
    requireMalformed(V3, connect("MQIsdp", 3, 0x42, str("c") + str("p")));
    const DecodeResult r = decodeOne(V5, connect5(0x42, "", str("c") + str("p")));
    REQUIRE(r.ok);
    CHECK_FALSE(std::get<Connect>(r.packet).username);
    CHECK(std::get<Connect>(r.packet).password == "p");
    // Username flag without the username.
    requireMalformed(V4, connect("MQTT", 4, 0x82, str("c")));
    // Will flag without will topic.
    requireMalformed(V4, connect("MQTT", 4, 0x06, str("c")));
}

TEST_CASE("CONNECT properties", "[codec]") {
    requireProtocolError(V5, connect5(0x02, bytes({0x21, 0x00, 0x00})));                    // receive max 0
    requireProtocolError(V5, connect5(0x02, bytes({0x27, 0x00, 0x00, 0x00, 0x00})));        // max packet size 0
    requireProtocolError(V5, connect5(0x02, bytes({0x17, 0x02})));                          // request problem info 2
    requireProtocolError(V5, connect5(0x02, bytes({0x19, 0x02})));                          // request response info 2
    requireProtocolError(V5, connect5(0x02, bytes({0x23, 0x00, 0x01})));                    // topic alias: PUBLISH only
    requireProtocolError(V5, connect5(0x02, bytes({0x16, 0x00, 0x01, 'x'})));               // auth data, no method
    requireProtocolError(V5, connect5(0x02, bytes({0x11, 0, 0, 0, 1, 0x11, 0, 0, 0, 2})));  // duplicate
    // Will properties: only the will's own set.
    requireProtocolError(V5, connect5(0x06, "", str("c") + bytes({0x03, 0x11, 0x00, 0x00}) + str("t") + str("p")));
    const DecodeResult r =
        decodeOne(V5, connect5(0x06, "", str("c") + bytes({0x05, 0x18, 0x00, 0x00, 0x00, 0x09}) + str("t") + str("p")));
    REQUIRE(r.ok);
    CHECK(std::get<Connect>(r.packet).will->props.will_delay_interval == 9u);
    // Will properties past the end.
    requireMalformed(V5, connect5(0x06, "", str("c") + bytes({0x09, 0x18, 0x00})));
}

TEST_CASE("PUBLISH packet id and properties", "[codec]") {
    // Packet id 0 at QoS > 0.
    requireProtocolError(V4, frame(0x32, str("a") + bytes({0x00, 0x00})));
    requireProtocolError(V5, frame(0x34, str("a") + bytes({0x00, 0x00, 0x00})));
    // Packet id missing.
    requireMalformed(V4, frame(0x32, str("a") + bytes({0x00})));
    // Properties.
    requireProtocolError(V5, frame(0x30, str("a") + bytes({0x05, 0x11, 0, 0, 0, 1})));        // session expiry
    requireProtocolError(V5, frame(0x30, str("a") + bytes({0x06, 0x23, 0, 1, 0x23, 0, 2})));  // duplicate alias
    requireProtocolError(V5, frame(0x30, str("a") + bytes({0x02, 0x0B, 0x00})));              // subscription id 0
    requireMalformed(V5, frame(0x30, str("a") + bytes({0x02, 0x05, 0x00})));                  // unknown id
    requireMalformed(V5, frame(0x30, str("a") + bytes({0x09, 0x01})));                        // length past the end
    requireMalformed(V5, frame(0x30, str("a") + bytes({0x02, 0x23, 0x00})));                  // truncated value
    requireMalformed(V5, frame(0x30, str("a") + bytes({0x06, 0x0B, 0xFF, 0xFF, 0xFF, 0xFF, 0x01})));  // 5-byte varint
    requireMalformed(V5, frame(0x30, str("a")));                                          // property length missing
    requireMalformed(V5, frame(0x30, str("a") + bytes({0x04, 0x03, 0x00, 0x01, 0xFF})));  // content type UTF-8
    // Several subscription identifiers and user properties are fine; empty topic too.
    const std::string wire = frame(0x30, str("") + bytes({0x0E, 0x0B, 0x01, 0x0B, 0x02, 0x26}) + str("k") + str("v") +
                                             bytes({0x23, 0x00, 0x01}) + "pl");
    const DecodeResult r = decodeOne(V5, wire);  // the Publish points into `wire`
    REQUIRE(r.ok);
    const auto& p = std::get<Publish>(r.packet);
    CHECK(p.topic.empty());
    CHECK(p.props.subscription_identifiers == std::vector<uint32_t>{1, 2});
    CHECK(p.props.topic_alias == 1);
    CHECK(p.payload == "pl");
    // 3.1.1 has no properties: the byte after the topic is payload.
    const std::string wire4 = frame(0x30, str("a") + bytes({0x00}));
    const DecodeResult r4 = decodeOne(V4, wire4);
    REQUIRE(r4.ok);
    CHECK(std::get<Publish>(r4.packet).payload == std::string_view("\0", 1));
}

TEST_CASE("PUBACK, PUBREC, PUBREL, PUBCOMP", "[codec]") {
    for (int first : {0x40, 0x50, 0x62, 0x70}) {
        INFO("first byte " << first);
        requireMalformed(V4, bytes({first, 0x03, 0x00, 0x01, 0x00}));  // 3.1.1: exactly 2 bytes
        requireMalformed(V3, bytes({first, 0x01, 0x01}));
        requireMalformed(V5, bytes({first, 0x01, 0x01}));
        requireProtocolError(V4, bytes({first, 0x02, 0x00, 0x00}));  // packet id 0
        requireProtocolError(V5, bytes({first, 0x02, 0x00, 0x00}));
        requireMalformed(V5, bytes({first, 0x03, 0x00, 0x01, 0x05}));  // unknown reason code
        requireMalformed(V5, bytes({first, 0x03, 0x00, 0x01, 0x04}));  // DISCONNECT-only code
        requireProtocolError(V5, bytes({first, 0x07, 0x00, 0x01, 0x00, 0x03, 0x23, 0x00, 0x01}));  // topic alias
        requireMalformed(V5, bytes({first, 0x05, 0x00, 0x01, 0x00, 0x05, 0x1F}));                  // past the end
    }
    // Reason sets differ: 0x10 is a PUBACK/PUBREC code, 0x92 a PUBREL/PUBCOMP one.
    CHECK(decodeOne(V5, bytes({0x40, 0x03, 0x00, 0x01, 0x10})).ok);
    CHECK(decodeOne(V5, bytes({0x50, 0x03, 0x00, 0x01, 0x99})).ok);
    requireMalformed(V5, bytes({0x62, 0x03, 0x00, 0x01, 0x10}));
    requireMalformed(V5, bytes({0x70, 0x03, 0x00, 0x01, 0x87}));
    CHECK(decodeOne(V5, bytes({0x62, 0x03, 0x00, 0x01, 0x92})).ok);
    requireMalformed(V5, bytes({0x40, 0x03, 0x00, 0x01, 0x92}));
}

TEST_CASE("SUBSCRIBE", "[codec]") {
    const std::string id = bytes({0x00, 0x01});
    // No filter at all: EMQX's choice of 0x8F with protocol_error.
    requireError(V4, frame(0x82, id), ReasonCode::TopicFilterInvalid, ShutdownReason::ProtocolError);
    requireError(V5, frame(0x82, id + bytes({0x00})), ReasonCode::TopicFilterInvalid, ShutdownReason::ProtocolError);
    requireProtocolError(V4, frame(0x82, bytes({0x00, 0x00}) + str("a") + bytes({0x00})));  // packet id 0
    requireMalformed(V4, frame(0x82, id + str("a")));                                       // options missing
    // 3.1.1: only the QoS bits.
    requireMalformed(V4, frame(0x82, id + str("a") + bytes({0x04})));
    requireMalformed(V3, frame(0x82, id + str("a") + bytes({0x40})));
    requireMalformed(V4, frame(0x82, id + str("a") + bytes({0x03})));
    CHECK(decodeOne(V4, frame(0x82, id + str("a") + bytes({0x02}))).ok);
    // 5.
    const std::string p0 = bytes({0x00});
    requireMalformed(V5, frame(0x82, id + p0 + str("a") + bytes({0x03})));      // QoS 3
    requireProtocolError(V5, frame(0x82, id + p0 + str("a") + bytes({0x30})));  // retain handling 3
    requireMalformed(V5, frame(0x82, id + p0 + str("a") + bytes({0x40})));      // reserved bit 6
    requireMalformed(V5, frame(0x82, id + p0 + str("a") + bytes({0x80})));      // reserved bit 7
    requireProtocolError(V5, frame(0x82, id + bytes({0x02, 0x0B, 0x00}) + str("a") + bytes({0x00})));  // sub id 0
    requireProtocolError(V5, frame(0x82, id + bytes({0x04, 0x0B, 0x01, 0x0B, 0x02}) + str("a") + bytes({0x00})));
    requireProtocolError(V5, frame(0x82, id + bytes({0x02, 0x01, 0x00}) + str("a") + bytes({0x00})));  // payload fmt
    requireMalformed(V5, frame(0x82, id + bytes({0x05, 0x0B, 0x80, 0x80, 0x80, 0x80}) + str("a") + bytes({0x00})));
    const DecodeResult r =
        decodeOne(V5, frame(0x82, id + bytes({0x05, 0x0B, 0xFF, 0xFF, 0xFF, 0x7F}) + str("a") + bytes({0x2E})));
    REQUIRE(r.ok);
    const auto& s = std::get<Subscribe>(r.packet);
    CHECK(s.props.subscription_identifiers == std::vector<uint32_t>{268435455});
    REQUIRE(s.subscriptions.size() == 1);
    CHECK(s.subscriptions[0] == SubscriptionRequest{"a", 2, true, true, 2});
}

TEST_CASE("UNSUBSCRIBE", "[codec]") {
    const std::string id = bytes({0x00, 0x01});
    requireError(V4, frame(0xA2, id), ReasonCode::TopicFilterInvalid, ShutdownReason::ProtocolError);
    requireError(V5, frame(0xA2, id + bytes({0x00})), ReasonCode::TopicFilterInvalid, ShutdownReason::ProtocolError);
    requireProtocolError(V4, frame(0xA2, bytes({0x00, 0x00}) + str("a")));
    requireProtocolError(V5, frame(0xA2, id + bytes({0x04, 0x1F, 0x00, 0x01, 'r'}) + str("a")));  // reason string
    requireProtocolError(V5, frame(0xA2, id + bytes({0x02, 0x0B, 0x01}) + str("a")));             // subscription id
    requireMalformed(V4, frame(0xA2, id + str("a") + bytes({0x00})));  // a truncated second filter
    CHECK(decodeOne(V5, frame(0xA2, id + bytes({0x06, 0x26}) + str("k") + str("") + str("a"))).ok);
}

TEST_CASE("CONNACK, SUBACK, UNSUBACK as a client sees them", "[codec]") {
    requireMalformed(V4, bytes({0x20, 0x02, 0x02, 0x00}));  // reserved ack flags
    requireMalformed(V5, bytes({0x20, 0x03, 0x80, 0x00, 0x00}));
    requireMalformed(V4, bytes({0x20, 0x02, 0x00, 0x06}));  // unknown 3.1.1 return code
    requireMalformed(V4, bytes({0x20, 0x01, 0x00}));
    requireMalformed(V5, bytes({0x20, 0x02, 0x00, 0x00}));                              // 5 needs the property length
    requireMalformed(V5, bytes({0x20, 0x03, 0x00, 0x01, 0x00}));                        // 0x01 is not a CONNACK reason
    requireProtocolError(V5, bytes({0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02}));        // maximum QoS 2
    requireProtocolError(V5, bytes({0x20, 0x05, 0x00, 0x00, 0x02, 0x25, 0x05}));        // retain available 5
    requireProtocolError(V5, bytes({0x20, 0x05, 0x00, 0x00, 0x02, 0x28, 0x02}));        // wildcard available 2
    requireProtocolError(V5, bytes({0x20, 0x05, 0x00, 0x00, 0x02, 0x29, 0x02}));        // sub id available 2
    requireProtocolError(V5, bytes({0x20, 0x05, 0x00, 0x00, 0x02, 0x2A, 0x02}));        // shared available 2
    requireProtocolError(V5, bytes({0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x00}));  // receive max 0
    requireProtocolError(V5, bytes({0x20, 0x06, 0x00, 0x00, 0x03, 0x18, 0x00, 0x00}));  // will delay
    const DecodeResult c = decodeOne(V4, bytes({0x20, 0x02, 0x00, 0x02}));
    REQUIRE(c.ok);
    CHECK(std::get<Connack>(c.packet).reason == ReasonCode::ClientIdentifierNotValid);

    requireMalformed(V4, bytes({0x90, 0x03, 0x00, 0x01, 0x03}));  // 3.1.1 SUBACK code 3
    requireMalformed(V4, bytes({0x90, 0x03, 0x00, 0x01, 0x87}));
    requireMalformed(V4, bytes({0x90, 0x02, 0x00, 0x01}));  // no return codes
    requireMalformed(V5, bytes({0x90, 0x04, 0x00, 0x01, 0x00, 0x11}));
    requireProtocolError(V4, bytes({0x90, 0x03, 0x00, 0x00, 0x00}));  // packet id 0
    const DecodeResult s = decodeOne(V4, bytes({0x90, 0x03, 0x00, 0x01, 0x80}));
    REQUIRE(s.ok);
    CHECK(std::get<Suback>(s.packet).reasons == std::vector<ReasonCode>{ReasonCode::UnspecifiedError});

    requireMalformed(V4, bytes({0xB0, 0x03, 0x00, 0x01, 0x00}));        // 3.1.1: packet id only
    requireMalformed(V5, bytes({0xB0, 0x03, 0x00, 0x01, 0x00}));        // 5: no reason codes
    requireMalformed(V5, bytes({0xB0, 0x04, 0x00, 0x01, 0x00, 0x01}));  // bad reason code
    requireProtocolError(V4, bytes({0xB0, 0x02, 0x00, 0x00}));
}

TEST_CASE("PINGREQ and PINGRESP need remaining length 0", "[codec]") {
    requireMalformed(V4, bytes({0xC0, 0x01, 0x00}));
    requireMalformed(V5, bytes({0xD0, 0x01, 0x00}));
}

TEST_CASE("DISCONNECT", "[codec]") {
    requireMalformed(V4, bytes({0xE0, 0x01, 0x00}));
    requireMalformed(V3, bytes({0xE0, 0x02, 0x00, 0x00}));
    requireMalformed(V5, bytes({0xE0, 0x01, 0x01}));  // not a DISCONNECT reason
    requireMalformed(V5, bytes({0xE0, 0x01, 0x18}));
    requireProtocolError(V5, bytes({0xE0, 0x04, 0x00, 0x02, 0x13, 0x00}));  // server keep alive
    requireMalformed(V5, bytes({0xE0, 0x04, 0x00, 0x02, 0x11, 0x00}));      // truncated value
    const DecodeResult r = decodeOne(V5, bytes({0xE0, 0x01, 0x8E}));
    REQUIRE(r.ok);
    CHECK(std::get<Disconnect>(r.packet).reason == ReasonCode::SessionTakenOver);
}

TEST_CASE("AUTH", "[codec]") {
    requireError(V4, bytes({0xF0, 0x00}), ReasonCode::MalformedPacket, ShutdownReason::UnexpectedPacket);
    requireError(V3, bytes({0xF0, 0x02, 0x18, 0x00}), ReasonCode::MalformedPacket, ShutdownReason::UnexpectedPacket);
    requireMalformed(V5, bytes({0xF0, 0x01, 0x00 + 0x80}));                 // not an AUTH reason
    requireProtocolError(V5, bytes({0xF0, 0x04, 0x18, 0x02, 0x01, 0x00}));  // payload format
    requireProtocolError(V5, bytes({0xF0, 0x08, 0x18, 0x06, 0x15, 0x00, 0x00, 0x15, 0x00, 0x00}));  // duplicate
    const DecodeResult r = decodeOne(V5, bytes({0xF0, 0x00}));
    REQUIRE(r.ok);
    CHECK(std::get<Auth>(r.packet).reason == ReasonCode::Success);
}

TEST_CASE("decodePacket rejects a body that does not match the header", "[codec]") {
    FixedHeader h;
    ProtocolError err;
    const std::string wire = bytes({0x40, 0x02, 0x00, 0x01});
    REQUIRE(readFixedHeader(span(wire), 1024, h, err) == FrameStatus::Ready);
    Packet p;
    CHECK_FALSE(decodePacket(V4, h, span(wire).subspan(2, 1), p, err));
    CHECK(err.code == ReasonCode::MalformedPacket);
    CHECK(decodePacket(V4, h, span(wire).subspan(2, 2), p, err));
}
