#include "emqxd/net/transport.h"

#include <algorithm>

#include "emqxd/net/listener_stats.h"
#include "emqxd/net/tls/tls_transport.h"
#include "emqxd/net/ws/ws_transport.h"

namespace emqx {

std::unique_ptr<Transport> makeTransport(ListenerStats& stats, int64_t now_ms, uint64_t max_packet_size) {
    const config::ListenerConfig& lc = stats.config;
    std::unique_ptr<Transport> tls;
    if (lc.type == "ssl" || lc.type == "wss") {
        tls = std::make_unique<TlsTransport>(stats.tls.load(), stats.id, now_ms + lc.ssl_options.handshake_timeout);
        if (lc.type == "ssl") return tls;
    }
    if (lc.type == "ws" || lc.type == "wss") {
        // A frame holds at most one maximum-size MQTT packet (plus room for a few small ones).
        uint64_t bound = max_packet_size + 64 * 1024;
        uint64_t max_frame = lc.websocket.max_frame_size > 0 ? std::min<uint64_t>(lc.websocket.max_frame_size, bound)
                                                             : bound;
        return std::make_unique<WsTransport>(lc, max_frame, stats.id, std::move(tls));
    }
    return nullptr;
}

}  // namespace emqx
