#pragma once
// The JSON-lines trace file (EMQX's `json` formatter, emqx_trace_json_formatter):
// one object per line, built with nlohmann-json so every string is escaped
// and invalid UTF-8 is replaced rather than written.
//
//   {"time":"2024-05-10T10:29:12.123+02:00","level":"debug","msg":"mqtt_packet_received",
//    "meta":{"clientid":"c1","peername":"127.0.0.1:50712","packet":"PUBLISH(...)"}}
//
// As in EMQX, time, level and msg are at the top and what the event is about
// (clientid, peername and its fields: packet, reason, topic, payload with
// payload_encode...) is under "meta".
#include <cstdint>
#include <string>
#include <string_view>

#include "common/trace/trace_format.h"

namespace emqx::trace {

// One JSON line (LF included) for `e`.
std::string formatJsonLine(int64_t wall_ms, const Event& e);

// A JSON line about the trace itself: {"time","level","msg"}.
std::string formatJsonNote(int64_t wall_ms, Level level, std::string_view text);

// EMQX's payload in a JSON trace (emqx_packet:format_payload with the text
// encoding): up to 1 KiB of UTF-8 as it is; other bytes as upper-case hex
// (encode "hex"); a longer payload cut to its first 100 bytes and
// "...(<N> bytes)" for the N bytes left out.
struct JsonPayload {
    std::string text;
    std::string_view encode;  // "text" or "hex"
};
JsonPayload jsonPayload(std::string_view payload);

}  // namespace emqx::trace
