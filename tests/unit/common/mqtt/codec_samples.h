#pragma once
// Sample packets of every type for a protocol level, with every property kind
// at level 5. Used by the round-trip tests and the fuzz corpus generator
// (tests/fuzz/gen_codec_corpus.cpp), so it has no test-framework dependency.
#include <string>
#include <vector>

#include "common/mqtt/packet.h"

namespace emqx::mqtt::samples {

inline UserProperties userProps() { return {{"k1", "v1"}, {"k1", "v2"}, {"", ""}, {"ключ", "значение ✓"}}; }

inline std::vector<Packet> all(ProtocolVersion v) {
    const bool v5 = v == ProtocolVersion::V5;
    std::vector<Packet> out;

    // CONNECT: minimal, then everything.
    {
        Connect c;
        c.version = v;
        c.protocol_name = v == ProtocolVersion::V31 ? "MQIsdp" : "MQTT";
        c.clean_start = false;
        out.push_back(c);

        c.clean_start = true;
        c.keepalive = 65535;
        c.client_id = "client-1";
        Will w;
        w.topic = "will/topic";
        w.payload = std::string("bye\0\xff", 5);
        w.qos = 2;
        w.retain = true;
        if (v5) {
            w.props.payload_format_indicator = 1;
            w.props.message_expiry_interval = 3600;
            w.props.content_type = "text/plain";
            w.props.response_topic = "resp/topic";
            w.props.correlation_data = std::string("\x00\x01\xfe", 3);
            w.props.will_delay_interval = 30;
            w.props.user_properties = userProps();
            c.props.session_expiry_interval = 0xFFFFFFFF;
            c.props.authentication_method = "SCRAM-SHA-256";
            c.props.authentication_data = std::string("\x00\xff", 2);
            c.props.request_problem_information = 0;
            c.props.request_response_information = 1;
            c.props.receive_maximum = 100;
            c.props.topic_alias_maximum = 10;
            c.props.maximum_packet_size = 1048576;
            c.props.user_properties = userProps();
        }
        c.will = w;
        c.username = "user";
        c.password = std::string("p\0ss\xc0", 5);
        out.push_back(c);

        Connect q1;  // will QoS 1, no retain, username only
        q1.version = v;
        q1.protocol_name = c.protocol_name;
        q1.client_id = "c2";
        q1.will = Will{"t", "", 1, false, {}};
        q1.username = "";
        out.push_back(q1);
        if (v5) {  // password without username is fine in 5
            Connect p;
            p.version = v;
            p.password = "secret";
            out.push_back(p);
        }
    }

    // CONNACK
    {
        Connack a;
        a.session_present = true;
        out.push_back(a);
        for (ReasonCode rc :
             {ReasonCode::UnsupportedProtocolVersion, ReasonCode::ClientIdentifierNotValid,
              ReasonCode::ServerUnavailable, ReasonCode::BadUserNameOrPassword, ReasonCode::NotAuthorized}) {
            out.push_back(Connack{false, rc, {}});
        }
        if (v5) {
            Connack b;
            b.reason = ReasonCode::Banned;
            b.props.session_expiry_interval = 7;
            b.props.assigned_client_identifier = "auto-123";
            b.props.server_keep_alive = 120;
            b.props.authentication_method = "m";
            b.props.authentication_data = "d";
            b.props.response_information = "info";
            b.props.server_reference = "other:1883";
            b.props.reason_string = "go away";
            b.props.receive_maximum = 65535;
            b.props.topic_alias_maximum = 0;
            b.props.maximum_qos = 1;
            b.props.retain_available = 0;
            b.props.maximum_packet_size = 1;
            b.props.wildcard_subscription_available = 1;
            b.props.subscription_identifier_available = 0;
            b.props.shared_subscription_available = 1;
            b.props.user_properties = userProps();
            out.push_back(b);
        }
    }

    // PUBLISH
    {
        Publish p0;
        p0.topic = "a/b";
        p0.payload = "hello";
        out.push_back(p0);
        Publish empty;  // empty topic and payload: the broker decides
        out.push_back(empty);
        Publish p1;
        p1.qos = 1;
        p1.dup = true;
        p1.retain = true;
        p1.packet_id = 1;
        p1.topic = "ünïcødé/𝄞";
        p1.payload = std::string_view("\0\x01\x02\xff", 4);
        out.push_back(p1);
        Publish p2;
        p2.qos = 2;
        p2.packet_id = 65535;
        p2.topic = "x";
        p2.payload = "payload";
        if (v5) {
            p2.props.payload_format_indicator = 0;
            p2.props.message_expiry_interval = 0;
            p2.props.content_type = "application/json";
            p2.props.response_topic = "r";
            p2.props.correlation_data = std::string("\x00", 1);
            p2.props.subscription_identifiers = {1, 127, 128, 16383, 16384, 268435455};
            p2.props.topic_alias = 3;
            p2.props.user_properties = userProps();
        }
        out.push_back(p2);
    }

    // PUBACK, PUBREC, PUBREL, PUBCOMP
    for (PacketType t : {PacketType::Puback, PacketType::Pubrec, PacketType::Pubrel, PacketType::Pubcomp}) {
        out.push_back(PubResponse{t, 42, ReasonCode::Success, {}});
        if (v5) {
            const bool rel = t == PacketType::Pubrel || t == PacketType::Pubcomp;
            const ReasonCode rc = rel ? ReasonCode::PacketIdentifierNotFound : ReasonCode::NoMatchingSubscribers;
            out.push_back(PubResponse{t, 43, rc, {}});
            PubResponse full{t, 44, rel ? ReasonCode::Success : ReasonCode::QuotaExceeded, {}};
            full.props.reason_string = "why";
            full.props.user_properties = userProps();
            out.push_back(full);
            PubResponse success_props{t, 45, ReasonCode::Success, {}};
            success_props.props.user_properties = {{"a", "b"}};
            out.push_back(success_props);
        }
    }

    // SUBSCRIBE
    {
        Subscribe s;
        s.packet_id = 7;
        s.subscriptions.push_back({"a/+/c", 0, false, false, 0});
        s.subscriptions.push_back({"$share/g/x/#", 1, false, false, 0});
        s.subscriptions.push_back({"#", 2, false, false, 0});
        if (v5) {
            s.subscriptions.push_back({"nl", 1, true, true, 2});
            s.subscriptions.push_back({"rh1", 0, false, true, 1});
            s.props.subscription_identifiers = {268435455};
            s.props.user_properties = userProps();
        }
        out.push_back(s);
    }

    // SUBACK
    {
        Suback s;
        s.packet_id = 7;
        s.reasons = {ReasonCode::Success, ReasonCode::GrantedQoS1, ReasonCode::GrantedQoS2,
                     ReasonCode::UnspecifiedError};
        if (v5) {
            s.reasons.push_back(ReasonCode::NotAuthorized);
            s.reasons.push_back(ReasonCode::WildcardSubscriptionsNotSupported);
            s.props.reason_string = "partly";
            s.props.user_properties = userProps();
        }
        out.push_back(s);
    }

    // UNSUBSCRIBE, UNSUBACK
    {
        Unsubscribe u;
        u.packet_id = 9;
        u.filters = {"a/b", "$share/g/c", ""};
        if (v5) u.props.user_properties = userProps();
        out.push_back(u);
        Unsuback a;
        a.packet_id = 9;
        if (v5) {
            a.reasons = {ReasonCode::Success, ReasonCode::NoSubscriptionExisted, ReasonCode::TopicFilterInvalid};
            a.props.reason_string = "done";
            a.props.user_properties = userProps();
        }
        out.push_back(a);
    }

    out.push_back(Pingreq{});
    out.push_back(Pingresp{});

    // DISCONNECT
    out.push_back(Disconnect{});
    if (v5) {
        out.push_back(Disconnect{ReasonCode::DisconnectWithWill, {}});
        Disconnect d;
        d.reason = ReasonCode::ServerMoved;
        d.props.session_expiry_interval = 0;
        d.props.reason_string = "moved";
        d.props.server_reference = "b:1883";
        d.props.user_properties = userProps();
        out.push_back(d);
        Disconnect s;  // Success with properties: reason byte + properties
        s.props.session_expiry_interval = 60;
        out.push_back(s);
    }

    // AUTH (MQTT 5 only)
    if (v5) {
        out.push_back(Auth{});
        Auth a;
        a.reason = ReasonCode::ContinueAuthentication;
        a.props.authentication_method = "SCRAM-SHA-1";
        a.props.authentication_data = std::string("\x01\x00", 2);
        a.props.reason_string = "more";
        a.props.user_properties = userProps();
        out.push_back(a);
        out.push_back(Auth{ReasonCode::ReAuthenticate, {}});
    }
    return out;
}

}  // namespace emqx::mqtt::samples
