#pragma once
// Why a connection ended, in EMQX's words (the one table of them): the codec's
// errors name one, `emqxctl listeners` prints them as shutdown_count, the $SYS
// disconnected event carries them, and MQTT 5 clients get the matching
// DISCONNECT reason code where one exists.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/mqtt/reason_code.h"

namespace emqx {

#define EMQX_SHUTDOWN_REASONS(X)                               \
    X(Normal, "normal")                                        \
    X(Closed, "closed")                                        \
    X(KeepaliveTimeout, "keepalive_timeout")                   \
    X(IdleTimeout, "idle_timeout")                             \
    X(ProtoUnexpectedC, "proto_unexpected_c")                  \
    X(MalformedPacket, "malformed_packet")                     \
    X(FrameTooLarge, "frame_too_large")                        \
    X(ZeroRemainingLen, "zero_remaining_len")                  \
    X(InvalidTopic, "invalid_topic")                           \
    X(InvalidProtoName, "invalid_proto_name")                  \
    X(UnexpectedPacket, "unexpected_packet")                   \
    X(ProtocolError, "protocol_error")                         \
    X(ReceiveMaximumExceeded, "receive_maximum_exceeded")      \
    X(TopicAliasInvalid, "topic_alias_invalid")                \
    X(PayloadFormatInvalid, "payload_format_invalid")          \
    X(Einval, "einval")                                        \
    X(Etimedout, "etimedout")                                  \
    X(Takenover, "takenover")                                  \
    X(Discarded, "discarded")                                  \
    X(Kicked, "kicked")                                        \
    X(Banned, "banned")                                        \
    X(NotAuthorized, "not_authorized")                         \
    X(BadUsernameOrPassword, "bad_username_or_password")       \
    X(ClientIdentifierNotValid, "client_identifier_not_valid") \
    X(UnsupportedProtoVer, "unsupported_proto_ver")            \
    X(QuotaExceeded, "quota_exceeded")                         \
    X(ServerBusy, "server_busy")                               \
    X(Shutdown, "shutdown")                                    \
    X(CertificateExpired, "certificate_expired")               \
    X(NoSuitableCipher, "no_suitable_cipher")                  \
    X(HandshakeFailure, "handshake_failure")                   \
    X(UnknownCa, "unknown_ca")                                 \
    X(CertificateRevoked, "certificate_revoked")               \
    X(ProtocolVersion, "protocol_version")                     \
    X(SslError, "ssl_error")                                   \
    X(SslClosed, "ssl_closed")                                 \
    X(SslHandshakeTimeout, "ssl_handshake_timeout")            \
    X(WsBadRequest, "websocket_bad_request")                   \
    X(WsProtocolError, "websocket_protocol_error")

enum class ShutdownReason : uint8_t {
#define EMQX_SR_ENUM(id, name) id,
    EMQX_SHUTDOWN_REASONS(EMQX_SR_ENUM)
#undef EMQX_SR_ENUM
        Count
};

inline constexpr size_t kShutdownReasonCount = static_cast<size_t>(ShutdownReason::Count);

constexpr std::string_view shutdownReasonName(ShutdownReason r) {
    constexpr std::string_view names[] = {
#define EMQX_SR_NAME(id, name) name,
        EMQX_SHUTDOWN_REASONS(EMQX_SR_NAME)
#undef EMQX_SR_NAME
    };
    return names[static_cast<unsigned>(r)];
}

// The DISCONNECT reason code an MQTT 5 client is sent when the broker closes
// its connection for `r`; nullopt when no DISCONNECT is sent (the peer is gone
// or the reason is the peer's own).
std::optional<mqtt::ReasonCode> disconnectCodeFor(ShutdownReason r);

}  // namespace emqx
