#pragma once
// Small helpers the decoder files share to fill a ProtocolError and return false.
#include <string>

#include "common/mqtt/protocol_error.h"

namespace emqx::mqtt::detail {

inline bool fail(ProtocolError& err, ReasonCode code, ShutdownReason reason, std::string detail) {
    err.code = code;
    err.shutdown_reason = reason;
    err.detail = std::move(detail);
    return false;
}

// 0x81 / malformed_packet.
inline bool malformed(ProtocolError& err, std::string detail) {
    return fail(err, ReasonCode::MalformedPacket, ShutdownReason::MalformedPacket, std::move(detail));
}

// 0x82 / protocol_error.
inline bool protocolError(ProtocolError& err, std::string detail) {
    return fail(err, ReasonCode::ProtocolError, ShutdownReason::ProtocolError, std::move(detail));
}

}  // namespace emqx::mqtt::detail
