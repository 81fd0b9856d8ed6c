#pragma once
// A TCP listener on the control loop: it accepts, enforces max_connections
// and max_conn_rate, counts, and hands each socket to the next worker (round
// robin). Stopping it stops accepting; existing connections stay.
#include <uv.h>

#include <optional>
#include <string>

#include "emqxd/net/token_bucket.h"

namespace emqx {

struct BrokerContext;
struct ListenerStats;

class Listener {
public:
    Listener(uv_loop_t* loop, BrokerContext& ctx, ListenerStats& stats);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    // Binds and listens; on failure returns false with a message naming the
    // listener, the address and the error (e.g. eaddrinuse).
    bool start(std::string& error);
    void stop();
    ListenerStats& stats() { return stats_; }

private:
    static void onReadable(uv_poll_t* poll, int status, int events);
    void acceptAll();
    // Over max_conn_rate, or accept failing (no descriptors left): stop
    // polling the listening socket for `delay_ms` (new connections wait in the
    // kernel's backlog).
    void pauseAccepting(int64_t delay_ms);
    static constexpr int64_t kAcceptErrorPauseMs = 100;

    uv_loop_t* loop_;
    BrokerContext& ctx_;
    ListenerStats& stats_;
    uv_poll_t* poll_ = nullptr;             // freed in its close callback
    std::optional<TokenBucket> conn_rate_;  // max_conn_rate; none when infinity
    uv_timer_t* resume_timer_ = nullptr;    // freed in its close callback
    int fd_ = -1;
    unsigned next_worker_ = 0;
};

// Parses "0.0.0.0:1883", "[::1]:1883" or "1883" into a socket address.
bool parseBindAddress(const std::string& bind, struct sockaddr_storage& out, std::string& error);

}  // namespace emqx
