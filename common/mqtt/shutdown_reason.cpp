#include "common/mqtt/shutdown_reason.h"

namespace emqx {

std::optional<mqtt::ReasonCode> disconnectCodeFor(ShutdownReason r) {
    using mqtt::ReasonCode;
    switch (r) {
        case ShutdownReason::KeepaliveTimeout: return ReasonCode::KeepAliveTimeout;
        case ShutdownReason::MalformedPacket:
        case ShutdownReason::ZeroRemainingLen: return ReasonCode::MalformedPacket;
        case ShutdownReason::FrameTooLarge: return ReasonCode::PacketTooLarge;
        case ShutdownReason::InvalidTopic: return ReasonCode::TopicNameInvalid;
        case ShutdownReason::ProtocolError:
        case ShutdownReason::UnexpectedPacket:
        case ShutdownReason::ProtoUnexpectedC: return ReasonCode::ProtocolError;
        case ShutdownReason::ReceiveMaximumExceeded: return ReasonCode::ReceiveMaximumExceeded;
        case ShutdownReason::TopicAliasInvalid: return ReasonCode::TopicAliasInvalid;
        case ShutdownReason::PayloadFormatInvalid: return ReasonCode::PayloadFormatInvalid;
        case ShutdownReason::Takenover: return ReasonCode::SessionTakenOver;
        case ShutdownReason::Discarded: return ReasonCode::SessionTakenOver;
        case ShutdownReason::Kicked: return ReasonCode::AdministrativeAction;
        case ShutdownReason::NotAuthorized: return ReasonCode::NotAuthorized;
        case ShutdownReason::QuotaExceeded: return ReasonCode::QuotaExceeded;
        case ShutdownReason::Shutdown: return ReasonCode::ServerShuttingDown;
        default: return std::nullopt;
    }
}

}  // namespace emqx
