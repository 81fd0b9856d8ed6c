// readFixedHeader and decodePacket: the fixed header, the per-type flag rules,
// then dispatch to the per-type decoders (decode_connect.cpp, decode_packets.cpp).
#include <string>

#include "common/mqtt/codec.h"
#include "common/mqtt/decoder_internal.h"

namespace emqx::mqtt {

FrameStatus readFixedHeader(std::span<const uint8_t> data, uint32_t max_packet_size, FixedHeader& header,
                            ProtocolError& err) {
    if (data.empty()) return FrameStatus::NeedMore;
    const uint8_t first = data[0];
    if ((first >> 4) == 0) {
        detail::malformed(err, "packet type 0 is reserved");
        return FrameStatus::Invalid;
    }
    uint32_t value = 0;
    for (size_t i = 0; i < 4; ++i) {
        if (1 + i >= data.size()) return FrameStatus::NeedMore;
        const uint8_t b = data[1 + i];
        value |= static_cast<uint32_t>(b & 0x7F) << (7 * i);
        if ((b & 0x80) == 0) {
            const uint8_t header_size = static_cast<uint8_t>(2 + i);
            if (static_cast<uint64_t>(header_size) + value > max_packet_size) {
                detail::fail(err, ReasonCode::PacketTooLarge, ShutdownReason::FrameTooLarge,
                             "packet of " + std::to_string(static_cast<uint64_t>(header_size) + value) +
                                 " bytes exceeds the maximum of " + std::to_string(max_packet_size));
                return FrameStatus::Invalid;
            }
            header.first_byte = first;
            header.remaining_length = value;
            header.header_size = header_size;
            return FrameStatus::Ready;
        }
    }
    detail::malformed(err, "remaining length over 4 bytes");
    return FrameStatus::Invalid;
}

namespace {

bool checkFlags(PacketType type, uint8_t flags, bool strict_mode, ProtocolError& err) {
    switch (type) {
        case PacketType::Publish: {
            // Without strict mode EMQX takes both: DUP is not forwarded, and
            // QoS 3 is refused by the broker (0x9B), not by the decoder.
            if (!strict_mode) return true;
            const uint8_t qos = (flags >> 1) & 3;
            if (qos == 3) return detail::malformed(err, "PUBLISH with QoS 3");
            if (qos == 0 && (flags & 0x08)) return detail::malformed(err, "PUBLISH with DUP set and QoS 0");
            return true;
        }
        case PacketType::Pubrel:
        case PacketType::Subscribe:
        case PacketType::Unsubscribe:
            if (flags != 0x02) {
                return detail::malformed(err, std::string(packetTypeName(type)) + " fixed-header flags must be 0010");
            }
            return true;
        default:
            if (flags != 0) {
                return detail::malformed(err, std::string(packetTypeName(type)) + " fixed-header flags must be 0000");
            }
            return true;
    }
}

// Types whose body can never be empty: EMQX reports those as zero_remaining_len.
bool needsBody(PacketType type) {
    switch (type) {
        case PacketType::Pingreq:
        case PacketType::Pingresp:
        case PacketType::Disconnect:
        case PacketType::Auth: return false;
        default: return true;
    }
}

}  // namespace

bool decodePacket(ProtocolVersion version, const FixedHeader& header, std::span<const uint8_t> body, Packet& out,
                  ProtocolError& err, DecodeOptions options) {
    err = ProtocolError{};
    const PacketType type = header.type();
    const uint8_t flags = header.first_byte & 0x0F;
    if (static_cast<uint8_t>(type) == 0) return detail::malformed(err, "packet type 0 is reserved");
    if (body.size() != header.remaining_length) {
        return detail::malformed(err, "body size does not match the remaining length");
    }
    if (!checkFlags(type, flags, options.strict_mode, err)) return false;
    if (body.empty() && needsBody(type)) {
        return detail::fail(err, ReasonCode::MalformedPacket, ShutdownReason::ZeroRemainingLen,
                            std::string(packetTypeName(type)) + " with remaining length 0");
    }
    switch (type) {
        case PacketType::Connect: return detail::decodeConnect(body, out, err, options.strict_mode);
        case PacketType::Connack: return detail::decodeConnack(version, body, out, err);
        case PacketType::Publish: return detail::decodePublish(version, flags, body, out, err, options.strict_mode);
        case PacketType::Puback:
        case PacketType::Pubrec:
        case PacketType::Pubrel:
        case PacketType::Pubcomp: return detail::decodePubResponse(version, type, body, out, err);
        case PacketType::Subscribe: return detail::decodeSubscribe(version, body, out, err);
        case PacketType::Suback: return detail::decodeSuback(version, body, out, err);
        case PacketType::Unsubscribe: return detail::decodeUnsubscribe(version, body, out, err);
        case PacketType::Unsuback: return detail::decodeUnsuback(version, body, out, err);
        case PacketType::Pingreq:
        case PacketType::Pingresp:
            if (!body.empty()) {
                return detail::malformed(err, std::string(packetTypeName(type)) + " with non-zero remaining length");
            }
            if (type == PacketType::Pingreq) {
                out = Pingreq{};
            } else {
                out = Pingresp{};
            }
            return true;
        case PacketType::Disconnect: return detail::decodeDisconnect(version, body, out, err);
        case PacketType::Auth: return detail::decodeAuth(version, body, out, err);
    }
    return detail::malformed(err, "unknown packet type");
}

}  // namespace emqx::mqtt
