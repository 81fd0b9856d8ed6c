// Shutdown reasons: EMQX's words and the MQTT 5 DISCONNECT codes.
#include <catch2/catch.hpp>

#include <set>
#include <string_view>

#include "common/mqtt/shutdown_reason.h"

using namespace emqx;

TEST_CASE("shutdown reason: names are EMQX's words", "[core][shutdown_reason]") {
    CHECK(shutdownReasonName(ShutdownReason::Normal) == "normal");
    CHECK(shutdownReasonName(ShutdownReason::Closed) == "closed");
    CHECK(shutdownReasonName(ShutdownReason::KeepaliveTimeout) == "keepalive_timeout");
    CHECK(shutdownReasonName(ShutdownReason::IdleTimeout) == "idle_timeout");
    CHECK(shutdownReasonName(ShutdownReason::ProtoUnexpectedC) == "proto_unexpected_c");
    CHECK(shutdownReasonName(ShutdownReason::MalformedPacket) == "malformed_packet");
    CHECK(shutdownReasonName(ShutdownReason::FrameTooLarge) == "frame_too_large");
    CHECK(shutdownReasonName(ShutdownReason::ZeroRemainingLen) == "zero_remaining_len");
    CHECK(shutdownReasonName(ShutdownReason::InvalidTopic) == "invalid_topic");
    CHECK(shutdownReasonName(ShutdownReason::InvalidProtoName) == "invalid_proto_name");
    CHECK(shutdownReasonName(ShutdownReason::UnexpectedPacket) == "unexpected_packet");
    CHECK(shutdownReasonName(ShutdownReason::ProtocolError) == "protocol_error");
    CHECK(shutdownReasonName(ShutdownReason::ReceiveMaximumExceeded) == "receive_maximum_exceeded");
    CHECK(shutdownReasonName(ShutdownReason::TopicAliasInvalid) == "topic_alias_invalid");
    CHECK(shutdownReasonName(ShutdownReason::PayloadFormatInvalid) == "payload_format_invalid");
    CHECK(shutdownReasonName(ShutdownReason::Einval) == "einval");
    CHECK(shutdownReasonName(ShutdownReason::Etimedout) == "etimedout");
    CHECK(shutdownReasonName(ShutdownReason::Takenover) == "takenover");
    CHECK(shutdownReasonName(ShutdownReason::Discarded) == "discarded");
    CHECK(shutdownReasonName(ShutdownReason::Kicked) == "kicked");
    CHECK(shutdownReasonName(ShutdownReason::Banned) == "banned");
    CHECK(shutdownReasonName(ShutdownReason::NotAuthorized) == "not_authorized");
    CHECK(shutdownReasonName(ShutdownReason::BadUsernameOrPassword) == "bad_username_or_password");
    CHECK(shutdownReasonName(ShutdownReason::ClientIdentifierNotValid) == "client_identifier_not_valid");
    CHECK(shutdownReasonName(ShutdownReason::UnsupportedProtoVer) == "unsupported_proto_ver");
    CHECK(shutdownReasonName(ShutdownReason::QuotaExceeded) == "quota_exceeded");
    CHECK(shutdownReasonName(ShutdownReason::ServerBusy) == "server_busy");
    CHECK(shutdownReasonName(ShutdownReason::Shutdown) == "shutdown");
    CHECK(shutdownReasonName(ShutdownReason::CertificateExpired) == "certificate_expired");
    CHECK(shutdownReasonName(ShutdownReason::NoSuitableCipher) == "no_suitable_cipher");
    CHECK(shutdownReasonName(ShutdownReason::HandshakeFailure) == "handshake_failure");
    CHECK(shutdownReasonName(ShutdownReason::UnknownCa) == "unknown_ca");
    CHECK(shutdownReasonName(ShutdownReason::CertificateRevoked) == "certificate_revoked");
    CHECK(shutdownReasonName(ShutdownReason::ProtocolVersion) == "protocol_version");
    CHECK(shutdownReasonName(ShutdownReason::SslError) == "ssl_error");
    CHECK(shutdownReasonName(ShutdownReason::SslClosed) == "ssl_closed");
    CHECK(kShutdownReasonCount == 39);
}

TEST_CASE("shutdown reason: names are unique", "[core][shutdown_reason]") {
    std::set<std::string_view> names;
    for (size_t i = 0; i < kShutdownReasonCount; ++i) {
        std::string_view name = shutdownReasonName(static_cast<ShutdownReason>(i));
        CHECK_FALSE(name.empty());
        names.insert(name);
    }
    CHECK(names.size() == kShutdownReasonCount);
}

TEST_CASE("shutdown reason: DISCONNECT reason codes", "[core][shutdown_reason]") {
    auto code = [](ShutdownReason r) -> int {
        auto c = disconnectCodeFor(r);
        return c ? static_cast<int>(*c) : -1;
    };
    CHECK(code(ShutdownReason::Takenover) == 0x8E);
    CHECK(code(ShutdownReason::Discarded) == 0x8E);
    CHECK(code(ShutdownReason::Kicked) == 0x98);
    CHECK(code(ShutdownReason::Shutdown) == 0x8B);
    CHECK(code(ShutdownReason::KeepaliveTimeout) == 0x8D);
    CHECK(code(ShutdownReason::MalformedPacket) == 0x81);
    CHECK(code(ShutdownReason::ZeroRemainingLen) == 0x81);
    CHECK(code(ShutdownReason::ProtocolError) == 0x82);
    CHECK(code(ShutdownReason::UnexpectedPacket) == 0x82);
    CHECK(code(ShutdownReason::ProtoUnexpectedC) == 0x82);
    CHECK(code(ShutdownReason::PayloadFormatInvalid) == 0x99);
    CHECK(code(ShutdownReason::NotAuthorized) == 0x87);
    CHECK(code(ShutdownReason::InvalidTopic) == 0x90);
    CHECK(code(ShutdownReason::ReceiveMaximumExceeded) == 0x93);
    CHECK(code(ShutdownReason::TopicAliasInvalid) == 0x94);
    CHECK(code(ShutdownReason::FrameTooLarge) == 0x95);
    CHECK(code(ShutdownReason::QuotaExceeded) == 0x97);

    // The peer's own doing or a gone peer: no DISCONNECT.
    CHECK_FALSE(disconnectCodeFor(ShutdownReason::Closed).has_value());
    CHECK_FALSE(disconnectCodeFor(ShutdownReason::Normal).has_value());
    CHECK_FALSE(disconnectCodeFor(ShutdownReason::Einval).has_value());
    CHECK_FALSE(disconnectCodeFor(ShutdownReason::Etimedout).has_value());
}
