// Byte-exact encodings checked against hand-written packets, in both directions.
#include <catch2/catch.hpp>

#include "codec_test_util.h"

using namespace emqx::mqtt;
using namespace emqx::mqtt::test;

namespace {

// `packet` encodes to exactly `wire`, and `wire` decodes to exactly `packet`.
void requireExact(ProtocolVersion v, const Packet& packet, const std::string& wire) {
    CHECK(encode(v, packet) == wire);
    const DecodeResult r = decodeOne(v, wire);
    INFO("error: " << r.err.detail);
    REQUIRE(r.ok);
    CHECK(r.packet == packet);
}

}  // namespace

TEST_CASE("CONNECT 3.1 bytes", "[codec]") {
    Connect c;
    c.version = ProtocolVersion::V31;
    c.protocol_name = "MQIsdp";
    c.keepalive = 60;
    c.client_id = "c";
    requireExact(
        ProtocolVersion::V31, c,
        bytes({0x10, 0x0F, 0x00, 0x06, 'M', 'Q', 'I', 's', 'd', 'p', 0x03, 0x02, 0x00, 0x3C, 0x00, 0x01, 'c'}));
}

TEST_CASE("CONNECT 3.1.1 bytes with will, username and password", "[codec]") {
    Connect c;
    c.version = ProtocolVersion::V311;
    c.keepalive = 10;
    c.client_id = "id";
    c.will = Will{"w/t", "bye", 1, true, {}};
    c.username = "u";
    c.password = "p";
    requireExact(ProtocolVersion::V311, c,
                 bytes({0x10, 0x1E, 0x00, 0x04, 'M',  'Q',  'T',  'T', 0x04, 0xEE, 0x00, 0x0A,  //
                        0x00, 0x02, 'i',  'd',                                                  //
                        0x00, 0x03, 'w',  '/',  't',  0x00, 0x03, 'b', 'y',  'e',               //
                        0x00, 0x01, 'u',  0x00, 0x01, 'p'}));
}

TEST_CASE("CONNECT 5 bytes with properties", "[codec]") {
    Connect c;
    c.version = ProtocolVersion::V5;
    c.keepalive = 30;
    c.client_id = "abc";
    c.props.user_properties = {{"k", "v"}};  // written last despite id 0x26
    c.props.receive_maximum = 10;
    c.props.session_expiry_interval = 120;
    requireExact(ProtocolVersion::V5, c,
                 bytes({0x10, 0x1F, 0x00, 0x04, 'M',  'Q',  'T',  'T',  0x05, 0x02, 0x00, 0x1E,  //
                        0x0F, 0x11, 0x00, 0x00, 0x00, 0x78, 0x21, 0x00, 0x0A,                    //
                        0x26, 0x00, 0x01, 'k',  0x00, 0x01, 'v',                                 //
                        0x00, 0x03, 'a',  'b',  'c'}));
}

TEST_CASE("CONNECT 5 with will properties and password only", "[codec]") {
    Connect c;
    c.version = ProtocolVersion::V5;
    c.clean_start = false;
    c.client_id = "";
    c.will = Will{"t", "x", 0, false, {}};
    c.will->props.will_delay_interval = 5;
    c.password = std::string("\0", 1);
    requireExact(ProtocolVersion::V5, c,
                 bytes({0x10, 0x1C, 0x00, 0x04, 'M',  'Q',  'T',  'T',  0x05, 0x44, 0x00, 0x00, 0x00,  //
                        0x00, 0x00,                                                                    //
                        0x05, 0x18, 0x00, 0x00, 0x00, 0x05,                                            //
                        0x00, 0x01, 't',  0x00, 0x01, 'x',  0x00, 0x01, 0x00}));
}

TEST_CASE("CONNACK 3.1.1 bytes", "[codec]") {
    requireExact(ProtocolVersion::V311, Connack{true, ReasonCode::Success, {}}, bytes({0x20, 0x02, 0x01, 0x00}));
    requireExact(ProtocolVersion::V311, Connack{false, ReasonCode::NotAuthorized, {}}, bytes({0x20, 0x02, 0x00, 0x05}));
    requireExact(ProtocolVersion::V31, Connack{false, ReasonCode::BadUserNameOrPassword, {}},
                 bytes({0x20, 0x02, 0x00, 0x04}));
    // MQTT 5 codes are mapped with toConnackV3.
    CHECK(encode(ProtocolVersion::V311, Connack{false, ReasonCode::Banned, {}}) == bytes({0x20, 0x02, 0x00, 0x05}));
    CHECK(encode(ProtocolVersion::V311, Connack{false, ReasonCode::ServerBusy, {}}) == bytes({0x20, 0x02, 0x00, 0x03}));
    CHECK(encode(ProtocolVersion::V311, Connack{false, ReasonCode::UnsupportedProtocolVersion, {}}) ==
          bytes({0x20, 0x02, 0x00, 0x01}));
}

TEST_CASE("CONNACK 5 bytes", "[codec]") {
    Connack a;
    a.props.maximum_qos = 1;
    a.props.topic_alias_maximum = 10;
    requireExact(ProtocolVersion::V5, a, bytes({0x20, 0x08, 0x00, 0x00, 0x05, 0x22, 0x00, 0x0A, 0x24, 0x01}));
    requireExact(ProtocolVersion::V5, Connack{true, ReasonCode::Success, {}}, bytes({0x20, 0x03, 0x01, 0x00, 0x00}));
    requireExact(ProtocolVersion::V5, Connack{false, ReasonCode::ClientIdentifierNotValid, {}},
                 bytes({0x20, 0x03, 0x00, 0x85, 0x00}));
}

TEST_CASE("PUBLISH 3.1.1 bytes at QoS 0, 1 and 2", "[codec]") {
    requireExact(ProtocolVersion::V311, Publish{0, false, false, "a/b", 0, {}, "hi"},
                 bytes({0x30, 0x07, 0x00, 0x03, 'a', '/', 'b', 'h', 'i'}));
    requireExact(ProtocolVersion::V311, Publish{1, true, true, "a/b", 10, {}, "hi"},
                 bytes({0x3B, 0x09, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x0A, 'h', 'i'}));
    requireExact(ProtocolVersion::V311, Publish{2, false, false, "a/b", 11, {}, "hi"},
                 bytes({0x34, 0x09, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x0B, 'h', 'i'}));
    requireExact(ProtocolVersion::V311, Publish{0, true, false, "a/b", 0, {}, ""},
                 bytes({0x31, 0x05, 0x00, 0x03, 'a', '/', 'b'}));
}

TEST_CASE("PUBLISH 5 bytes at QoS 0, 1 and 2", "[codec]") {
    requireExact(ProtocolVersion::V5, Publish{0, false, false, "a/b", 0, {}, "hi"},
                 bytes({0x30, 0x08, 0x00, 0x03, 'a', '/', 'b', 0x00, 'h', 'i'}));
    Publish p1{1, false, false, "a/b", 1, {}, "hi"};
    p1.props.topic_alias = 5;
    p1.props.message_expiry_interval = 60;
    requireExact(ProtocolVersion::V5, p1, bytes({0x32, 0x12, 0x00, 0x03, 'a',  '/',  'b',  0x00, 0x01,  //
                                                 0x08, 0x02, 0x00, 0x00, 0x00, 0x3C, 0x23, 0x00, 0x05, 'h', 'i'}));
    Publish p2{2, false, false, "a/b", 7, {}, "hi"};
    p2.props.subscription_identifiers = {1, 200};
    requireExact(ProtocolVersion::V5, p2,
                 bytes({0x34, 0x0F, 0x00, 0x03, 'a', '/', 'b', 0x00, 0x07,  //
                        0x05, 0x0B, 0x01, 0x0B, 0xC8, 0x01, 'h', 'i'}));
}

TEST_CASE("encodePublishHeader and encodedPublishSize agree with encodePacket", "[codec]") {
    Publish p{1, false, true, "topic/x", 99, {}, "the payload"};
    p.props.content_type = "text";
    p.props.user_properties = {{"a", "b"}};
    for (ProtocolVersion v : {ProtocolVersion::V31, ProtocolVersion::V311, ProtocolVersion::V5}) {
        const std::string whole = encode(v, p);
        CHECK(encodedPublishSize(v, p) == whole.size());
        std::string header;
        Publish no_payload = p;
        no_payload.payload = "ignored!";
        encodePublishHeader(v, no_payload, p.payload.size(), header);
        CHECK(header + std::string(p.payload) == whole);
    }
    // A payload that pushes the remaining length to 2 bytes.
    std::string big(300, 'z');
    Publish b{0, false, false, "t", 0, {}, big};
    const std::string wire = encode(ProtocolVersion::V311, b);
    CHECK(wire.size() == 1 + 2 + 3 + 300);
    CHECK(encodedPublishSize(ProtocolVersion::V311, b) == wire.size());
    CHECK(static_cast<uint8_t>(wire[1]) == ((303 & 0x7F) | 0x80));
    CHECK(static_cast<uint8_t>(wire[2]) == (303 >> 7));
}

TEST_CASE("PUBACK family bytes", "[codec]") {
    requireExact(ProtocolVersion::V311, PubResponse{PacketType::Puback, 5, ReasonCode::Success, {}},
                 bytes({0x40, 0x02, 0x00, 0x05}));
    requireExact(ProtocolVersion::V311, PubResponse{PacketType::Pubrec, 5, ReasonCode::Success, {}},
                 bytes({0x50, 0x02, 0x00, 0x05}));
    requireExact(ProtocolVersion::V311, PubResponse{PacketType::Pubrel, 5, ReasonCode::Success, {}},
                 bytes({0x62, 0x02, 0x00, 0x05}));
    requireExact(ProtocolVersion::V311, PubResponse{PacketType::Pubcomp, 5, ReasonCode::Success, {}},
                 bytes({0x70, 0x02, 0x00, 0x05}));
    // 5: short form for Success without properties, reason-only form, full form.
    requireExact(ProtocolVersion::V5, PubResponse{PacketType::Puback, 5, ReasonCode::Success, {}},
                 bytes({0x40, 0x02, 0x00, 0x05}));
    requireExact(ProtocolVersion::V5, PubResponse{PacketType::Puback, 5, ReasonCode::NoMatchingSubscribers, {}},
                 bytes({0x40, 0x03, 0x00, 0x05, 0x10}));
    PubResponse full{PacketType::Pubrec, 5, ReasonCode::Success, {}};
    full.props.reason_string = "r";
    requireExact(ProtocolVersion::V5, full, bytes({0x50, 0x08, 0x00, 0x05, 0x00, 0x04, 0x1F, 0x00, 0x01, 'r'}));
    // 3.1.1 drops a 5-only reason code.
    CHECK(encode(ProtocolVersion::V311, PubResponse{PacketType::Puback, 5, ReasonCode::QuotaExceeded, {}}) ==
          bytes({0x40, 0x02, 0x00, 0x05}));
    // A decoder accepts the long form of Success too.
    const DecodeResult r = decodeOne(ProtocolVersion::V5, bytes({0x40, 0x04, 0x00, 0x05, 0x00, 0x00}));
    REQUIRE(r.ok);
    CHECK(r.packet == Packet(PubResponse{PacketType::Puback, 5, ReasonCode::Success, {}}));
}

TEST_CASE("SUBSCRIBE bytes", "[codec]") {
    Subscribe s;
    s.packet_id = 1;
    s.props.subscription_identifiers = {7};
    s.subscriptions = {{"a/#", 1, true, true, 2}, {"b", 2, false, false, 0}};
    requireExact(ProtocolVersion::V5, s,
                 bytes({0x82, 0x0F, 0x00, 0x01, 0x02, 0x0B, 0x07,  //
                        0x00, 0x03, 'a', '/', '#', 0x2D, 0x00, 0x01, 'b', 0x02}));
    Subscribe s3;
    s3.packet_id = 2;
    s3.subscriptions = {{"a", 1, false, false, 0}};
    requireExact(ProtocolVersion::V311, s3, bytes({0x82, 0x06, 0x00, 0x02, 0x00, 0x01, 'a', 0x01}));
    // 3.1.1 drops the 5-only option bits.
    s3.subscriptions[0].no_local = true;
    s3.subscriptions[0].retain_handling = 2;
    CHECK(encode(ProtocolVersion::V311, s3) == bytes({0x82, 0x06, 0x00, 0x02, 0x00, 0x01, 'a', 0x01}));
}

TEST_CASE("SUBACK bytes", "[codec]") {
    requireExact(ProtocolVersion::V311, Suback{1, {}, {ReasonCode::Success, ReasonCode::UnspecifiedError}},
                 bytes({0x90, 0x04, 0x00, 0x01, 0x00, 0x80}));
    requireExact(ProtocolVersion::V5, Suback{1, {}, {ReasonCode::GrantedQoS1, ReasonCode::NotAuthorized}},
                 bytes({0x90, 0x05, 0x00, 0x01, 0x00, 0x01, 0x87}));
    // 3.1.1 writes 0x80 for every failure code.
    CHECK(encode(ProtocolVersion::V311,
                 Suback{1, {}, {ReasonCode::GrantedQoS2, ReasonCode::NotAuthorized, ReasonCode::QuotaExceeded}}) ==
          bytes({0x90, 0x05, 0x00, 0x01, 0x02, 0x80, 0x80}));
}

TEST_CASE("UNSUBSCRIBE and UNSUBACK bytes", "[codec]") {
    requireExact(ProtocolVersion::V311, Unsubscribe{3, {}, {"a", "b/c"}},
                 bytes({0xA2, 0x0A, 0x00, 0x03, 0x00, 0x01, 'a', 0x00, 0x03, 'b', '/', 'c'}));
    requireExact(ProtocolVersion::V311, Unsuback{3, {}, {}}, bytes({0xB0, 0x02, 0x00, 0x03}));
    requireExact(ProtocolVersion::V5, Unsuback{3, {}, {ReasonCode::Success, ReasonCode::NoSubscriptionExisted}},
                 bytes({0xB0, 0x05, 0x00, 0x03, 0x00, 0x00, 0x11}));
    // 3.1.1 has no UNSUBACK reason codes.
    CHECK(encode(ProtocolVersion::V311, Unsuback{3, {}, {ReasonCode::Success}}) == bytes({0xB0, 0x02, 0x00, 0x03}));
}

TEST_CASE("PINGREQ, PINGRESP bytes", "[codec]") {
    for (ProtocolVersion v : {ProtocolVersion::V31, ProtocolVersion::V311, ProtocolVersion::V5}) {
        requireExact(v, Pingreq{}, bytes({0xC0, 0x00}));
        requireExact(v, Pingresp{}, bytes({0xD0, 0x00}));
    }
}

TEST_CASE("DISCONNECT bytes", "[codec]") {
    requireExact(ProtocolVersion::V311, Disconnect{}, bytes({0xE0, 0x00}));
    CHECK(encode(ProtocolVersion::V311, Disconnect{ReasonCode::ServerBusy, {}}) == bytes({0xE0, 0x00}));
    requireExact(ProtocolVersion::V5, Disconnect{}, bytes({0xE0, 0x00}));
    requireExact(ProtocolVersion::V5, Disconnect{ReasonCode::DisconnectWithWill, {}}, bytes({0xE0, 0x01, 0x04}));
    Disconnect d;
    d.props.session_expiry_interval = 0;
    d.props.reason_string = "bye";
    requireExact(ProtocolVersion::V5, d,
                 bytes({0xE0, 0x0D, 0x00, 0x0B, 0x11, 0x00, 0x00, 0x00, 0x00, 0x1F, 0x00, 0x03, 'b', 'y', 'e'}));
}

TEST_CASE("AUTH bytes", "[codec]") {
    requireExact(ProtocolVersion::V5, Auth{}, bytes({0xF0, 0x00}));
    Auth a{ReasonCode::ContinueAuthentication, {}};
    a.props.authentication_method = "m";
    requireExact(ProtocolVersion::V5, a, bytes({0xF0, 0x06, 0x18, 0x04, 0x15, 0x00, 0x01, 'm'}));
    // Remaining length 1 (reason only) is accepted as EMQX does.
    const DecodeResult r = decodeOne(ProtocolVersion::V5, bytes({0xF0, 0x01, 0x19}));
    REQUIRE(r.ok);
    CHECK(r.packet == Packet(Auth{ReasonCode::ReAuthenticate, {}}));
}

TEST_CASE("decoded PUBLISH topic and payload are views into the body", "[codec]") {
    const std::string wire = bytes({0x30, 0x07, 0x00, 0x03, 'a', '/', 'b', 'h', 'i'});
    const DecodeResult r = decodeOne(ProtocolVersion::V311, wire);
    REQUIRE(r.ok);
    const auto& p = std::get<Publish>(r.packet);
    CHECK(p.topic.data() == wire.data() + 4);
    CHECK(p.payload.data() == wire.data() + 7);
    CHECK(p.payload.size() == 2);
}

TEST_CASE("toConnackV3 and reasonCodeName", "[codec]") {
    CHECK(toConnackV3(ReasonCode::Success) == ConnackCodeV3::Accepted);
    CHECK(toConnackV3(ReasonCode::UnsupportedProtocolVersion) == ConnackCodeV3::UnacceptableProtocolVersion);
    CHECK(toConnackV3(ReasonCode::MalformedPacket) == ConnackCodeV3::UnacceptableProtocolVersion);
    CHECK(toConnackV3(ReasonCode::ClientIdentifierNotValid) == ConnackCodeV3::IdentifierRejected);
    CHECK(toConnackV3(ReasonCode::ServerUnavailable) == ConnackCodeV3::ServerUnavailable);
    CHECK(toConnackV3(ReasonCode::ServerBusy) == ConnackCodeV3::ServerUnavailable);
    CHECK(toConnackV3(ReasonCode::BadUserNameOrPassword) == ConnackCodeV3::BadUserNameOrPassword);
    CHECK(toConnackV3(ReasonCode::NotAuthorized) == ConnackCodeV3::NotAuthorized);
    CHECK(toConnackV3(ReasonCode::Banned) == ConnackCodeV3::NotAuthorized);
    CHECK(toConnackV3(ReasonCode::BadAuthenticationMethod) == ConnackCodeV3::NotAuthorized);
    CHECK(reasonCodeName(ReasonCode::MalformedPacket) == "Malformed Packet");
    CHECK(reasonCodeName(ReasonCode::Success) == "Success");
    CHECK(reasonCodeName(ReasonCode::WildcardSubscriptionsNotSupported) == "Wildcard Subscriptions not supported");
    CHECK(reasonCodeName(static_cast<ReasonCode>(0x03)) == "Unknown error");
    CHECK(packetTypeName(PacketType::Unsubscribe) == "UNSUBSCRIBE");
    CHECK(packetType(Packet(PubResponse{PacketType::Pubcomp, 1, ReasonCode::Success, {}})) == PacketType::Pubcomp);
}
