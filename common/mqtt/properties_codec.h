#pragma once
// Reading and writing the MQTT 5 property block (spec 2.2.2): a Variable Byte
// Integer length followed by (identifier, value) pairs. Reading validates the
// property against the packet type (spec table 2.2.2.2), duplicates and value ranges.
#include <cstddef>
#include <cstdint>

#include "common/mqtt/byte_reader.h"
#include "common/mqtt/byte_writer.h"
#include "common/mqtt/properties.h"
#include "common/mqtt/protocol_error.h"

namespace emqx::mqtt {

// Where a property block appears; decides which properties are allowed.
enum class PropertyContext : uint8_t {
    Connect,
    Will,  // the will properties inside CONNECT
    Connack,
    Publish,
    PubResponse,  // PUBACK, PUBREC, PUBREL, PUBCOMP
    Subscribe,
    Suback,
    Unsubscribe,
    Unsuback,
    Disconnect,
    Auth,
};

// Reads a property block (length + properties) from `r` into `out` (which is
// reset first). Errors: malformed (0x81) for an unknown id, a truncated value or a
// length past the packet; protocol error (0x82) for a property not allowed in
// `ctx`, a duplicate, or an out-of-range value.
bool readProperties(ByteReader& r, PropertyContext ctx, Properties& out, ProtocolError& err);

// Bytes of the properties themselves, without the length prefix.
size_t propertiesBodySize(const Properties& props);
// Bytes of the whole block: length prefix + properties.
size_t propertiesBlockSize(const Properties& props);
// Writes the whole block: ascending identifier order, user properties last in
// insertion order, subscription identifiers in vector order.
void writeProperties(ByteWriter& w, const Properties& props);

}  // namespace emqx::mqtt
