#pragma once
// A TCP listener on the control loop: it accepts, enforces max_connections,
// counts, and hands each socket to the next worker (round robin). Stopping it
// stops accepting; existing connections stay.
#include <uv.h>

#include <string>

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

    uv_loop_t* loop_;
    BrokerContext& ctx_;
    ListenerStats& stats_;
    uv_poll_t* poll_ = nullptr;  // freed in its close callback
    int fd_ = -1;
    unsigned next_worker_ = 0;
};

// Parses "0.0.0.0:1883", "[::1]:1883" or "1883" into a socket address.
bool parseBindAddress(const std::string& bind, struct sockaddr_storage& out, std::string& error);

}  // namespace emqx
