#include "emqxd/log/protocol_error_log.h"

#include <string>

#include "common/trace/trace_format.h"
#include "emqxd/log/log.h"

namespace emqx {

namespace {

// Client ids, forwarded-for peers and some details (a protocol name) come
// from the client: control bytes are escaped so that no one can forge a line.
constexpr size_t kMaxFieldBytes = 256;

}  // namespace

int64_t ProtocolErrorLog::report(int64_t now_ms, const ProtocolErrorEvent& e) {
    const bool debug = log::default_logger_raw()->should_log(log::level::debug);
    if (!debug) {
        if (throttle_.windowEnd() != LogThrottle::kNoWindow && now_ms >= throttle_.windowEnd()) windowEnded();
        if (!throttle_.admit(now_ms)) return throttle_.windowEnd();
    }
    std::string who;
    if (!e.client_id.empty()) who = "clientid: " + trace::escapePrefix(e.client_id, kMaxFieldBytes) + ", ";
    log::warn("tag: {}, {}peername: {}, msg: {}, reason: {}, detail: {}", e.tag, who,
              trace::escapePrefix(e.peer, kMaxFieldBytes), e.msg, e.reason,
              trace::escapePrefix(e.detail, kMaxFieldBytes));
    return throttle_.windowEnd();
}

void ProtocolErrorLog::windowEnded() {
    uint64_t held_back = throttle_.closeWindow();
    if (held_back == 0) return;
    log::warn(
        "tag: MQTT, msg: log_events_throttled_during_last_period, dropped: {}, period: {} ms ({} similar "
        "messages suppressed)",
        held_back, throttle_.windowMs(), held_back);
}

}  // namespace emqx
