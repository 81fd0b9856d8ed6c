#include "common/mqtt/publish_template.h"

#include "common/mqtt/byte_writer.h"
#include "common/mqtt/codec.h"

namespace emqx::mqtt {

void encodePublishTemplate(ProtocolVersion version, const Publish& publish, size_t payload_size, PublishTemplate& out) {
    out.header.clear();
    encodePublishHeader(version, publish, payload_size, out.header);
    out.packet_id_offset = 0;
    if (publish.qos == 0) return;
    // After the first byte, the remaining-length varint and the topic string.
    size_t varint_end = 1;
    while (static_cast<uint8_t>(out.header[varint_end]) & 0x80) ++varint_end;
    out.packet_id_offset = varint_end + 1 + stringSize(publish.topic);
}

}  // namespace emqx::mqtt
