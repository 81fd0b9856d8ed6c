#pragma once
// Pure parts of tracing (emqxctl trace / traces): the trace kinds and levels,
// what an event must match, and the text of one trace line. No I/O here; the
// daemon's registry (emqxd/trace/) writes the lines.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/mqtt/packet.h"

namespace emqx::trace {

// What a trace follows, with EMQX's words: clientid, topic, ip_address.
enum class TraceType { ClientId, Topic, IpAddress };
std::string_view typeName(TraceType t);  // "clientid", "topic", "ip_address"
// Accepts EMQX's ctl words: "client"/"clientid", "topic", "ip_address".
std::optional<TraceType> parseType(std::string_view word);

// Level of an event; a trace keeps events at its level and above.
enum class Level { Debug = 0, Info = 1, Warning = 2, Error = 3 };
std::string_view levelName(Level l);
std::optional<Level> parseLevel(std::string_view word);  // debug, info, warning, error

// ISO-8601 local time with milliseconds and offset: 2024-05-10T10:29:12.123+02:00.
std::string isoTimestamp(int64_t wall_ms);

// At most `max` bytes of `payload`, printable ASCII kept, '"' and '\' escaped,
// other bytes as \xNN; "..." appended when cut.
std::string escapePrefix(std::string_view payload, size_t max = 64);

// "127.0.0.1" from "127.0.0.1:5555", "::1" from "[::1]:5555".
std::string_view peerHost(std::string_view peer);

// EMQX-like one-line description of a packet:
//   PUBLISH(Q1, R0, D0, Topic=t/1, PacketId=7, Payload(5 bytes)="hello")
std::string describePacket(const mqtt::Packet& p);
// The same for a PUBLISH built from parts (a delivery to a client).
std::string describePublish(std::string_view topic, std::string_view payload, uint8_t qos, bool retain, bool dup,
                            uint16_t packet_id);

// One trace line (LF included):
//   <ts> [<level>] clientid=<id> peername=<peer> msg: <msg>[, <detail>]
std::string formatLine(int64_t wall_ms, Level level, std::string_view clientid, std::string_view peer,
                       std::string_view msg, std::string_view detail);

}  // namespace emqx::trace
