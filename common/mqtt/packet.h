#pragma once
// Typed MQTT control packets for protocol levels 3 (3.1), 4 (3.1.1) and 5.
// Decoded packets own their strings, except Publish, whose topic and payload
// are views into the buffer they were decoded from (valid until that buffer
// is reused), so the payload is copied only once: into the broker's message.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/mqtt/properties.h"
#include "common/mqtt/reason_code.h"

namespace emqx::mqtt {

enum class PacketType : uint8_t {
    Connect = 1,
    Connack = 2,
    Publish = 3,
    Puback = 4,
    Pubrec = 5,
    Pubrel = 6,
    Pubcomp = 7,
    Subscribe = 8,
    Suback = 9,
    Unsubscribe = 10,
    Unsuback = 11,
    Pingreq = 12,
    Pingresp = 13,
    Disconnect = 14,
    Auth = 15,
};

enum class ProtocolVersion : uint8_t { V31 = 3, V311 = 4, V5 = 5 };

std::string_view packetTypeName(PacketType type);  // "CONNECT", "PUBLISH", ...

struct Will {
    std::string topic;
    std::string payload;
    uint8_t qos = 0;
    bool retain = false;
    Properties props;  // MQTT 5 will properties
    bool operator==(const Will&) const = default;
};

struct Connect {
    ProtocolVersion version = ProtocolVersion::V311;
    std::string protocol_name = "MQTT";  // "MQIsdp" for 3.1
    bool clean_start = true;
    uint16_t keepalive = 0;
    std::string client_id;
    std::optional<Will> will;
    std::optional<std::string> username;
    std::optional<std::string> password;  // binary data
    Properties props;
    bool operator==(const Connect&) const = default;
};

struct Connack {
    bool session_present = false;
    // MQTT 5 reason code; for 3.1/3.1.1 the encoder writes toConnackV3(reason).
    ReasonCode reason = ReasonCode::Success;
    Properties props;
    bool operator==(const Connack&) const = default;
};

struct Publish {
    uint8_t qos = 0;
    bool retain = false;
    bool dup = false;
    std::string_view topic;
    uint16_t packet_id = 0;  // present only when qos > 0
    Properties props;
    std::string_view payload;
    bool operator==(const Publish&) const = default;
};

// PUBACK, PUBREC, PUBREL and PUBCOMP share one shape.
struct PubResponse {
    PacketType type = PacketType::Puback;
    uint16_t packet_id = 0;
    ReasonCode reason = ReasonCode::Success;
    Properties props;
    bool operator==(const PubResponse&) const = default;
};

struct SubscriptionRequest {
    std::string filter;
    uint8_t qos = 0;
    bool no_local = false;
    bool retain_as_published = false;
    uint8_t retain_handling = 0;
    bool operator==(const SubscriptionRequest&) const = default;
};

struct Subscribe {
    uint16_t packet_id = 0;
    Properties props;
    std::vector<SubscriptionRequest> subscriptions;
    bool operator==(const Subscribe&) const = default;
};

struct Suback {
    uint16_t packet_id = 0;
    Properties props;
    std::vector<ReasonCode> reasons;  // 3.1.1 writes 0x00-0x02 or 0x80
    bool operator==(const Suback&) const = default;
};

struct Unsubscribe {
    uint16_t packet_id = 0;
    Properties props;
    std::vector<std::string> filters;
    bool operator==(const Unsubscribe&) const = default;
};

struct Unsuback {
    uint16_t packet_id = 0;
    Properties props;
    std::vector<ReasonCode> reasons;  // MQTT 5 only; empty for 3.1.1
    bool operator==(const Unsuback&) const = default;
};

struct Pingreq {
    bool operator==(const Pingreq&) const = default;
};
struct Pingresp {
    bool operator==(const Pingresp&) const = default;
};

struct Disconnect {
    ReasonCode reason = ReasonCode::Success;
    Properties props;
    bool operator==(const Disconnect&) const = default;
};

struct Auth {
    ReasonCode reason = ReasonCode::Success;
    Properties props;
    bool operator==(const Auth&) const = default;
};

using Packet = std::variant<Connect, Connack, Publish, PubResponse, Subscribe, Suback, Unsubscribe, Unsuback, Pingreq,
                            Pingresp, Disconnect, Auth>;

PacketType packetType(const Packet& packet);

}  // namespace emqx::mqtt
