#pragma once
// Warnings about what peers get wrong: a malformed packet, a frame over
// max_packet_size, a send timeout. One line each at warning (the default
// level) naming the client id, the peer and the reason, in the words of EMQX's
// `frame_parse_error` and `socket_error` lines; throttled (LogThrottle) so that
// a flood of bad clients cannot fill the disk. Not throttled while the log
// level is debug, as in EMQX.
// Owner: one worker thread (each worker has its own).
#include <cstdint>
#include <string_view>

#include "emqxd/log/log_throttle.h"

namespace emqx {

struct ProtocolErrorEvent {
    std::string_view msg;           // "frame_parse_error", "socket_error"
    std::string_view client_id;     // empty before the CONNECT is decoded
    std::string_view peer;          // "127.0.0.1:5555"
    std::string_view reason;        // the shutdown reason word, e.g. "malformed_packet"
    std::string_view detail;        // what exactly, e.g. "remaining length over 4 bytes"
    std::string_view tag = "MQTT";  // "HTTP" for the HTTP API's connections
};

class ProtocolErrorLog {
public:
    // Lines written per window before the rest are only counted.
    static constexpr uint32_t kBurst = 10;

    explicit ProtocolErrorLog(int64_t window_ms) : throttle_(window_ms, kBurst) {}

    // Writes `e`, or counts it. Returns when windowEnded() is due: the end of
    // the open window (LogThrottle::kNoWindow: none).
    int64_t report(int64_t now_ms, const ProtocolErrorEvent& e);
    // The window is over: writes "N similar messages suppressed" if it held any back.
    void windowEnded();

private:
    LogThrottle throttle_;
};

}  // namespace emqx
