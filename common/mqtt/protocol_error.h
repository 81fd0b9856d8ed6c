#pragma once
// An error in bytes a peer sent, carrying its own reaction: the MQTT 5 reason
// code to answer with and EMQX's shutdown-reason word that `emqxctl listeners`
// counts. The connection turns it into CONNACK, DISCONNECT or a close in one place.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/mqtt/reason_code.h"

namespace emqx::mqtt {

namespace shutdown_reason {
inline constexpr std::string_view kMalformedPacket = "malformed_packet";
inline constexpr std::string_view kFrameTooLarge = "frame_too_large";
inline constexpr std::string_view kZeroRemainingLen = "zero_remaining_len";
inline constexpr std::string_view kInvalidTopic = "invalid_topic";
inline constexpr std::string_view kInvalidProtoName = "invalid_proto_name";
inline constexpr std::string_view kUnexpectedPacket = "unexpected_packet";
inline constexpr std::string_view kProtocolError = "protocol_error";
inline constexpr std::string_view kPayloadFormatInvalid = "payload_format_invalid";
}  // namespace shutdown_reason

struct ProtocolError {
    ReasonCode code = ReasonCode::MalformedPacket;
    std::string_view shutdown_reason = shutdown_reason::kMalformedPacket;
    std::string detail;  // human text for logs and traces, e.g. "remaining length over 4 bytes"
    // The protocol level a CONNECT announced before it failed (0 when unknown),
    // so the broker can answer with a CONNACK of the right version.
    uint8_t protocol_level = 0;
};

}  // namespace emqx::mqtt
