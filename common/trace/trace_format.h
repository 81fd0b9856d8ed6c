#pragma once
// Pure parts of tracing (emqxctl trace / traces): the trace kinds and levels,
// what an event must match, and the text of one trace line (the JSON line is
// in trace_json.h). No I/O here; the daemon's registry (emqxd/trace/) writes
// the lines.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/mqtt/packet.h"

namespace emqx::trace {

// What a trace follows, with EMQX's words: clientid, topic, ip_address.
enum class TraceType { ClientId, Topic, IpAddress };
std::string_view typeName(TraceType t);  // "clientid", "topic", "ip_address"
// Accepts EMQX's ctl words: "client"/"clientid", "topic", "ip_address".
std::optional<TraceType> parseType(std::string_view word);

// Level of an event (the syslog levels, as EMQX's logger has them); a trace
// keeps events at its level and above.
enum class Level { Debug, Info, Notice, Warning, Error, Critical, Alert, Emergency };
std::string_view levelName(Level l);
// debug ... emergency, and EMQX's default "all", which keeps every event (debug).
std::optional<Level> parseLevel(std::string_view word);

// How a trace file is written: EMQX's formatter argument, text or json.
enum class Format { Text, Json };
std::string_view formatName(Format f);
std::optional<Format> parseFormat(std::string_view word);

// One part of an event's detail, in the order the text line shows them.
// Values are kept as they are; each format escapes them its own way.
struct Field {
    enum class Kind {
        Plain,        // our own words and numbers, shown as they are
        ClientBytes,  // a string the client chose (topic, username): the text line escapes it
        Payload,      // a message's bytes: text shows their size and an escaped prefix,
                      // JSON EMQX's payload and payload_encode
    };
    std::string_view key;
    nlohmann::json value;
    Kind kind = Kind::Plain;
};

// What happened, to whom. `topic` is what a topic trace matches; it is shown
// only through the fields.
struct Event {
    Level level = Level::Debug;
    std::string_view clientid;
    std::string_view peer;
    std::string_view topic;
    std::string_view msg;
    std::vector<Field> fields;
};

// ISO-8601 local time with milliseconds and offset: 2024-05-10T10:29:12.123+02:00.
std::string isoTimestamp(int64_t wall_ms);

// At most `max` bytes of `payload`, printable ASCII kept, '"' and '\' escaped,
// other bytes as \xNN; "..." appended when cut.
std::string escapePrefix(std::string_view payload, size_t max = 64);

// EMQX-like one-line description of a packet:
//   PUBLISH(Q1, R0, D0, Topic=t/1, PacketId=7, Payload(5 bytes)="hello")
std::string describePacket(const mqtt::Packet& p);
// The same for a PUBLISH built from parts (a delivery to a client).
std::string describePublish(std::string_view topic, std::string_view payload, uint8_t qos, bool retain, bool dup,
                            uint16_t packet_id);

// One text trace line (LF included):
//   <ts> [<level>] clientid=<id> peername=<peer> msg: <msg>[, <key>: <value>]...
std::string formatLine(int64_t wall_ms, const Event& e);

// The line of `e` in `format` (text: formatLine; json: formatJsonLine).
std::string formatEvent(int64_t wall_ms, Format format, const Event& e);

// A line about the trace itself, not an event (LF included): text
// `<ts> [<level>] <text>`, or a JSON object with time, level and msg.
std::string formatNote(int64_t wall_ms, Format format, Level level, std::string_view text);

}  // namespace emqx::trace
