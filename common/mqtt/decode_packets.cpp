// Bodies of every packet type but CONNECT/CONNACK (spec 3.3 - 3.15).
#include <string>

#include "common/mqtt/decoder_internal.h"
#include "common/mqtt/properties_codec.h"

namespace emqx::mqtt::detail {

namespace {

bool isV5(ProtocolVersion v) { return v == ProtocolVersion::V5; }

// Reason codes the spec allows per packet type (spec 2.4 and the per-packet tables).
bool reasonAllowed(PacketType type, uint8_t rc) {
    switch (type) {
        case PacketType::Puback:
        case PacketType::Pubrec:
            switch (rc) {
                case 0x00:
                case 0x10:
                case 0x80:
                case 0x83:
                case 0x87:
                case 0x90:
                case 0x91:
                case 0x97:
                case 0x99: return true;
                default: return false;
            }
        case PacketType::Pubrel:
        case PacketType::Pubcomp: return rc == 0x00 || rc == 0x92;
        case PacketType::Suback:
            switch (rc) {
                case 0x00:
                case 0x01:
                case 0x02:
                case 0x80:
                case 0x83:
                case 0x87:
                case 0x8F:
                case 0x91:
                case 0x97:
                case 0x9E:
                case 0xA1:
                case 0xA2: return true;
                default: return false;
            }
        case PacketType::Unsuback:
            switch (rc) {
                case 0x00:
                case 0x11:
                case 0x80:
                case 0x83:
                case 0x87:
                case 0x8F:
                case 0x91: return true;
                default: return false;
            }
        case PacketType::Disconnect:
            switch (rc) {
                case 0x00:
                case 0x04:
                case 0x80:
                case 0x81:
                case 0x82:
                case 0x83:
                case 0x87:
                case 0x89:
                case 0x8B:
                case 0x8D:
                case 0x8E:
                case 0x8F:
                case 0x90:
                case 0x93:
                case 0x94:
                case 0x95:
                case 0x96:
                case 0x97:
                case 0x98:
                case 0x99:
                case 0x9A:
                case 0x9B:
                case 0x9C:
                case 0x9D:
                case 0x9E:
                case 0x9F:
                case 0xA0:
                case 0xA1:
                case 0xA2: return true;
                default: return false;
            }
        case PacketType::Auth: return rc == 0x00 || rc == 0x18 || rc == 0x19;
        default: return false;
    }
}

bool readReason(ByteReader& r, PacketType type, ReasonCode& reason, ProtocolError& err) {
    uint8_t rc;
    if (!r.u8(rc)) return malformed(err, "missing reason code");
    if (!reasonAllowed(type, rc)) {
        return malformed(err,
                         "reason code " + std::to_string(rc) + " not allowed in " + std::string(packetTypeName(type)));
    }
    reason = static_cast<ReasonCode>(rc);
    return true;
}

bool noFilters(ProtocolError& err, std::string detail) {
    return fail(err, ReasonCode::TopicFilterInvalid, ShutdownReason::ProtocolError, std::move(detail));
}

}  // namespace

bool decodePublish(ProtocolVersion v, uint8_t flags, std::span<const uint8_t> body, Packet& out, ProtocolError& err,
                   bool strict_mode) {
    ByteReader r(body);
    Publish& p = out.emplace<Publish>();  // decoded in place: a Publish holds a large Properties
    p.retain = flags & 0x01;
    p.qos = (flags >> 1) & 3;
    p.dup = flags & 0x08;
    if (!readUtf8(r, p.topic, err, "topic name")) return false;
    if (p.qos > 0 && !readPacketId(r, p.packet_id, err)) return false;
    if (isV5(v) && !readProperties(r, PropertyContext::Publish, p.props, err)) return false;
    p.payload = r.rest();
    return !strict_mode || checkPayloadFormat(p.props, p.payload, err);
}

bool decodePubResponse(ProtocolVersion v, PacketType type, std::span<const uint8_t> body, Packet& out,
                       ProtocolError& err) {
    ByteReader r(body);
    PubResponse& p = out.emplace<PubResponse>();
    p.type = type;
    if (!isV5(v) && body.size() != 2) {
        return malformed(err, std::string(packetTypeName(type)) + " must have remaining length 2");
    }
    if (!readPacketId(r, p.packet_id, err)) return false;
    if (isV5(v) && !r.atEnd()) {
        if (!readReason(r, type, p.reason, err)) return false;
        if (!r.atEnd() && !readProperties(r, PropertyContext::PubResponse, p.props, err)) return false;
    }
    return expectEnd(r, err);
}

bool decodeSubscribe(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err) {
    ByteReader r(body);
    Subscribe s;
    if (!readPacketId(r, s.packet_id, err)) return false;
    if (isV5(v) && !readProperties(r, PropertyContext::Subscribe, s.props, err)) return false;
    while (!r.atEnd()) {
        SubscriptionRequest req;
        if (!readUtf8(r, req.filter, err, "topic filter")) return false;
        uint8_t opts;
        if (!r.u8(opts)) return malformed(err, "missing subscription options");
        req.qos = opts & 0x03;
        if (req.qos == 3) return malformed(err, "subscription QoS 3");
        if (isV5(v)) {
            if (opts & 0xC0) return malformed(err, "subscription options reserved bits set");
            req.no_local = opts & 0x04;
            req.retain_as_published = opts & 0x08;
            req.retain_handling = (opts >> 4) & 0x03;
            if (req.retain_handling == 3) return protocolError(err, "retain handling 3");
        } else if (opts & 0xFC) {
            return malformed(err, "subscription options reserved bits set");
        }
        s.subscriptions.push_back(std::move(req));
    }
    if (s.subscriptions.empty()) return noFilters(err, "SUBSCRIBE without topic filters");
    out = std::move(s);
    return true;
}

bool decodeSuback(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err) {
    ByteReader r(body);
    Suback s;
    if (!readPacketId(r, s.packet_id, err)) return false;
    if (isV5(v) && !readProperties(r, PropertyContext::Suback, s.props, err)) return false;
    while (!r.atEnd()) {
        uint8_t rc = 0;
        if (!r.u8(rc)) break;
        const bool ok = isV5(v) ? reasonAllowed(PacketType::Suback, rc) : (rc <= 2 || rc == 0x80);
        if (!ok) return malformed(err, "invalid SUBACK return code " + std::to_string(rc));
        s.reasons.push_back(static_cast<ReasonCode>(rc));
    }
    if (s.reasons.empty()) return malformed(err, "SUBACK without return codes");
    out = std::move(s);
    return true;
}

bool decodeUnsubscribe(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err) {
    ByteReader r(body);
    Unsubscribe u;
    if (!readPacketId(r, u.packet_id, err)) return false;
    if (isV5(v) && !readProperties(r, PropertyContext::Unsubscribe, u.props, err)) return false;
    while (!r.atEnd()) {
        if (!readUtf8(r, u.filters.emplace_back(), err, "topic filter")) return false;
    }
    if (u.filters.empty()) return noFilters(err, "UNSUBSCRIBE without topic filters");
    out = std::move(u);
    return true;
}

bool decodeUnsuback(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err) {
    ByteReader r(body);
    Unsuback u;
    if (!isV5(v) && body.size() != 2) return malformed(err, "UNSUBACK must have remaining length 2");
    if (!readPacketId(r, u.packet_id, err)) return false;
    if (isV5(v)) {
        if (!readProperties(r, PropertyContext::Unsuback, u.props, err)) return false;
        while (!r.atEnd()) {
            ReasonCode rc;
            if (!readReason(r, PacketType::Unsuback, rc, err)) return false;
            u.reasons.push_back(rc);
        }
        if (u.reasons.empty()) return malformed(err, "UNSUBACK without reason codes");
    }
    out = std::move(u);
    return true;
}

bool decodeDisconnect(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err) {
    ByteReader r(body);
    Disconnect d;
    if (!isV5(v)) {
        if (!body.empty()) return malformed(err, "DISCONNECT must have remaining length 0");
    } else if (!r.atEnd()) {
        if (!readReason(r, PacketType::Disconnect, d.reason, err)) return false;
        if (!r.atEnd() && !readProperties(r, PropertyContext::Disconnect, d.props, err)) return false;
        if (!expectEnd(r, err)) return false;
    }
    out = std::move(d);
    return true;
}

bool decodeAuth(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err) {
    if (!isV5(v)) {
        return fail(err, ReasonCode::MalformedPacket, ShutdownReason::UnexpectedPacket, "AUTH before MQTT 5");
    }
    ByteReader r(body);
    Auth a;
    if (!r.atEnd()) {
        if (!readReason(r, PacketType::Auth, a.reason, err)) return false;
        if (!r.atEnd() && !readProperties(r, PropertyContext::Auth, a.props, err)) return false;
        if (!expectEnd(r, err)) return false;
    }
    out = std::move(a);
    return true;
}

}  // namespace emqx::mqtt::detail
