#pragma once
// A PUBLISH header encoded once and sent to many clients: the fixed header,
// topic and properties are the same for every recipient of one variant; only
// the packet id (QoS > 0) differs, and it is written into each copy.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/mqtt/packet.h"

namespace emqx::mqtt {

struct PublishTemplate {
    std::string header;           // what encodePublishHeader appends
    size_t packet_id_offset = 0;  // where the packet id sits in header; 0 for QoS 0
};

// Encodes `publish` (its payload ignored) for a payload of payload_size bytes
// into `out`, reusing out's capacity. The header carries publish.packet_id;
// each copy gets its own with writePacketId.
void encodePublishTemplate(ProtocolVersion version, const Publish& publish, size_t payload_size, PublishTemplate& out);

// Writes a packet id (big-endian, two bytes) at `at`: a copy of a template's
// header plus its packet_id_offset.
inline void writePacketId(char* at, uint16_t packet_id) {
    at[0] = static_cast<char>(packet_id >> 8);
    at[1] = static_cast<char>(packet_id & 0xFF);
}

}  // namespace emqx::mqtt
