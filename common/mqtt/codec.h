#pragma once
// The MQTT codec: bytes in, typed packets out, and back. Pure code (no I/O, no
// globals, no exceptions) so it can be fuzzed and shared by the daemon, the
// admin tool and the load generator.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "common/mqtt/packet.h"
#include "common/mqtt/protocol_error.h"

namespace emqx::mqtt {

struct FixedHeader {
    uint8_t first_byte = 0;  // type << 4 | flags
    uint32_t remaining_length = 0;
    uint8_t header_size = 0;  // 2..5 bytes
    PacketType type() const { return static_cast<PacketType>(first_byte >> 4); }
    size_t packetSize() const { return header_size + static_cast<size_t>(remaining_length); }
};

enum class FrameStatus { NeedMore, Ready, Invalid };

// Reads the fixed header at the front of `data` without trusting it: Invalid
// (err set) when the type is 0, the remaining-length varint runs past 4 bytes,
// or the whole packet would exceed max_packet_size (frame_too_large, 0x95):
// limits are checked here, before any body is buffered. Ready means the header
// is complete; the body may still be incomplete (check packetSize()).
FrameStatus readFixedHeader(std::span<const uint8_t> data, uint32_t max_packet_size, FixedHeader& header,
                            ProtocolError& err);

// How strictly a PUBLISH (and a will) is judged: EMQX's mqtt.strict_mode.
// Off (the default, as in EMQX): DUP on a QoS 0 PUBLISH is accepted, a QoS 3
// PUBLISH decodes (the broker answers it with 0x9B), the Payload Format
// Indicator may hold any byte and the payload is not looked at. On: those are
// malformed (0x81), and a payload marked UTF-8 must be valid UTF-8 (0x99).
struct DecodeOptions {
    bool strict_mode = false;
};

// Decodes one whole packet (`body` is exactly remaining_length bytes after the
// fixed header). `version` is the connection's protocol level; CONNECT carries
// its own. Every rule of the spec about well-formedness is checked: reserved
// flags, UTF-8, property ids allowed per packet type, duplicates, value ranges,
// trailing bytes (the few that EMQX leaves to strict mode: see DecodeOptions).
// Returns false with err set on any violation (`out` then holds a partly
// decoded packet).
bool decodePacket(ProtocolVersion version, const FixedHeader& header, std::span<const uint8_t> body, Packet& out,
                  ProtocolError& err, DecodeOptions options = {});

// Appends the encoding of `packet` for `version` to `out`.
void encodePacket(ProtocolVersion version, const Packet& packet, std::string& out);

// Appends a PUBLISH's fixed header, topic, packet id and properties, for a
// payload of payload_size bytes that the caller writes after it (scatter-gather:
// the payload is shared between subscribers, never copied). publish.payload is ignored.
void encodePublishHeader(ProtocolVersion version, const Publish& publish, size_t payload_size, std::string& out);

// Size in bytes of the whole encoded packet (for Maximum Packet Size checks).
size_t encodedPublishSize(ProtocolVersion version, const Publish& publish);

}  // namespace emqx::mqtt
