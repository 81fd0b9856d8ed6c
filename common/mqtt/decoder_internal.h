#pragma once
// Per-packet-type decoders behind decodePacket (decoder.cpp). Each takes the
// body (exactly remaining_length bytes) of a packet whose fixed-header flags
// decodePacket has already checked, and returns false with err set on any violation.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/mqtt/byte_reader.h"
#include "common/mqtt/codec.h"
#include "common/mqtt/decode_error.h"

namespace emqx::mqtt::detail {

bool decodeConnect(std::span<const uint8_t> body, Packet& out, ProtocolError& err, bool strict_mode);
bool decodeConnack(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err);
bool decodePublish(ProtocolVersion v, uint8_t flags, std::span<const uint8_t> body, Packet& out, ProtocolError& err,
                   bool strict_mode);
bool decodePubResponse(ProtocolVersion v, PacketType type, std::span<const uint8_t> body, Packet& out,
                       ProtocolError& err);
bool decodeSubscribe(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err);
bool decodeSuback(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err);
bool decodeUnsubscribe(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err);
bool decodeUnsuback(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err);
bool decodeDisconnect(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err);
bool decodeAuth(ProtocolVersion v, std::span<const uint8_t> body, Packet& out, ProtocolError& err);

// A UTF-8 string field: malformed when it runs past the end or is not valid MQTT UTF-8.
inline bool readUtf8(ByteReader& r, std::string_view& v, ProtocolError& err, std::string_view what) {
    if (!r.binary(v)) return malformed(err, std::string(what) + " runs past the end of the packet");
    if (!isValidMqttUtf8(v)) return malformed(err, "invalid UTF-8 in " + std::string(what));
    return true;
}
inline bool readUtf8(ByteReader& r, std::string& v, ProtocolError& err, std::string_view what) {
    std::string_view sv;
    if (!readUtf8(r, sv, err, what)) return false;
    v.assign(sv);
    return true;
}
inline bool readBinary(ByteReader& r, std::string& v, ProtocolError& err, std::string_view what) {
    std::string_view sv;
    if (!r.binary(sv)) return malformed(err, std::string(what) + " runs past the end of the packet");
    v.assign(sv);
    return true;
}
// mqtt.strict_mode's look at a message (a PUBLISH or a will): its Payload
// Format Indicator is 0 or 1, and a payload it marks UTF-8 is well-formed
// UTF-8 (spec 3.3.2.3.2: RFC 3629's, where U+0000 is a character; else 0x99
// Payload format invalid).
inline bool checkPayloadFormat(const Properties& props, std::string_view payload, ProtocolError& err) {
    if (!props.payload_format_indicator) return true;
    const uint8_t indicator = *props.payload_format_indicator;
    if (indicator > 1) return malformed(err, "payload format indicator " + std::to_string(indicator));
    if (indicator == 1 && !isValidMqttUtf8(payload, /*allow_nul=*/true)) {
        return fail(err, ReasonCode::PayloadFormatInvalid, ShutdownReason::PayloadFormatInvalid,
                    "payload marked UTF-8 is not valid UTF-8");
    }
    return true;
}
// A two-byte packet identifier that must be non-zero (0 is a protocol error).
inline bool readPacketId(ByteReader& r, uint16_t& id, ProtocolError& err) {
    if (!r.u16(id)) return malformed(err, "missing packet identifier");
    if (id == 0) return protocolError(err, "packet identifier 0");
    return true;
}
inline bool expectEnd(const ByteReader& r, ProtocolError& err) {
    if (!r.atEnd()) return malformed(err, std::to_string(r.remaining()) + " unexpected trailing bytes");
    return true;
}

}  // namespace emqx::mqtt::detail
