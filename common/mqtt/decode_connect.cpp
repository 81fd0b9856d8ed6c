// CONNECT and CONNACK bodies (spec 3.1, 3.2).
#include <string>

#include "common/mqtt/decoder_internal.h"
#include "common/mqtt/properties_codec.h"

namespace emqx::mqtt::detail {

namespace {

bool unsupportedVersion(ProtocolError& err, ShutdownReason reason, std::string detail) {
    return fail(err, ReasonCode::UnsupportedProtocolVersion, reason, std::move(detail));
}

bool connackReasonAllowedV5(uint8_t rc) {
    switch (rc) {
        case 0x00:
        case 0x80:
        case 0x81:
        case 0x82:
        case 0x83:
        case 0x84:
        case 0x85:
        case 0x86:
        case 0x87:
        case 0x88:
        case 0x89:
        case 0x8A:
        case 0x8C:
        case 0x90:
        case 0x95:
        case 0x97:
        case 0x99:
        case 0x9A:
        case 0x9B:
        case 0x9C:
        case 0x9D:
        case 0x9F: return true;
        default: return false;
    }
}

}  // namespace

bool decodeConnect(std::span<const uint8_t> body, Packet& out, ProtocolError& err, bool strict_mode) {
    ByteReader r(body);
    std::string_view name;
    if (!r.binary(name)) return malformed(err, "protocol name runs past the end of the packet");
    uint8_t level;
    if (!r.u8(level)) return malformed(err, "missing protocol level");
    err.protocol_level = level;
    if (name != "MQTT" && name != "MQIsdp") {
        return unsupportedVersion(err, ShutdownReason::InvalidProtoName, "invalid protocol name");
    }
    const bool known = (name == "MQTT" && (level == 4 || level == 5)) || (name == "MQIsdp" && level == 3);
    if (!known) {
        return unsupportedVersion(err, ShutdownReason::ProtocolError,
                                  "protocol name " + std::string(name) + " with level " + std::to_string(level));
    }
    Connect c;
    c.version = static_cast<ProtocolVersion>(level);
    c.protocol_name.assign(name);
    const bool v5 = c.version == ProtocolVersion::V5;

    uint8_t flags;
    if (!r.u8(flags)) return malformed(err, "missing connect flags");
    if (flags & 0x01) return malformed(err, "connect flags reserved bit set");
    const bool will_flag = flags & 0x04;
    const uint8_t will_qos = (flags >> 3) & 3;
    const bool will_retain = flags & 0x20;
    const bool has_password = flags & 0x40;
    const bool has_username = flags & 0x80;
    if (!will_flag && (will_qos != 0 || will_retain)) return malformed(err, "will QoS/retain set without will flag");
    if (will_qos == 3) return malformed(err, "will QoS 3");
    if (!v5 && has_password && !has_username) return malformed(err, "password flag without username flag");
    c.clean_start = flags & 0x02;
    if (!r.u16(c.keepalive)) return malformed(err, "missing keep alive");

    if (v5) {
        if (!readProperties(r, PropertyContext::Connect, c.props, err)) return false;
        if (c.props.authentication_data && !c.props.authentication_method) {
            return protocolError(err, "authentication data without authentication method");
        }
    }
    if (!readUtf8(r, c.client_id, err, "client identifier")) return false;
    if (will_flag) {
        Will& w = c.will.emplace();
        w.qos = will_qos;
        w.retain = will_retain;
        if (v5 && !readProperties(r, PropertyContext::Will, w.props, err)) return false;
        if (!readUtf8(r, w.topic, err, "will topic")) return false;
        if (!readBinary(r, w.payload, err, "will payload")) return false;
        if (strict_mode && !checkPayloadFormat(w.props, w.payload, err)) return false;
    }
    if (has_username && !readUtf8(r, c.username.emplace(), err, "user name")) return false;
    if (has_password && !readBinary(r, c.password.emplace(), err, "password")) return false;
    if (!expectEnd(r, err)) return false;
    out = std::move(c);
    return true;
}

bool decodeConnack(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err) {
    ByteReader r(body);
    Connack c;
    uint8_t flags, rc;
    if (!r.u8(flags) || !r.u8(rc)) return malformed(err, "CONNACK shorter than 2 bytes");
    if (flags & 0xFE) return malformed(err, "CONNACK flags reserved bits set");
    c.session_present = flags & 0x01;
    if (v == ProtocolVersion::V5) {
        if (!connackReasonAllowedV5(rc)) return malformed(err, "invalid CONNACK reason code");
        c.reason = static_cast<ReasonCode>(rc);
        if (!readProperties(r, PropertyContext::Connack, c.props, err)) return false;
    } else {
        static constexpr ReasonCode kFromV3[] = {
            ReasonCode::Success,           ReasonCode::UnsupportedProtocolVersion, ReasonCode::ClientIdentifierNotValid,
            ReasonCode::ServerUnavailable, ReasonCode::BadUserNameOrPassword,      ReasonCode::NotAuthorized,
        };
        if (rc > 5) return malformed(err, "invalid CONNACK return code");
        c.reason = kFromV3[rc];
    }
    if (!expectEnd(r, err)) return false;
    out = std::move(c);
    return true;
}

}  // namespace emqx::mqtt::detail
