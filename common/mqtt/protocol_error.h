#pragma once
// An error in bytes a peer sent, carrying its own reaction: the MQTT 5 reason
// code to answer with and EMQX's shutdown reason that `emqxctl listeners`
// counts. The connection turns it into CONNACK, DISCONNECT or a close in one place.
#include <cstdint>
#include <string>

#include "common/mqtt/reason_code.h"
#include "common/mqtt/shutdown_reason.h"

namespace emqx::mqtt {

struct ProtocolError {
    ReasonCode code = ReasonCode::MalformedPacket;
    ShutdownReason shutdown_reason = ShutdownReason::MalformedPacket;
    std::string detail;  // human text for logs and traces, e.g. "remaining length over 4 bytes"
    // The protocol level a CONNECT announced before it failed (0 when unknown),
    // so the broker can answer with a CONNACK of the right version.
    uint8_t protocol_level = 0;
};

}  // namespace emqx::mqtt
