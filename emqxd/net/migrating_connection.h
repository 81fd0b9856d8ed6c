#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/mqtt/packet.h"
#include "emqxd/net/transport.h"

namespace emqx {

struct ListenerStats;

// A connection on its way to the worker that owns its client id's session:
// the socket, what it had read past the CONNECT, and the CONNECT itself.
struct MigratingConnection {
    int fd = -1;
    ListenerStats* listener = nullptr;
    std::string peer;
    int64_t connected_at_ms = 0;
    mqtt::Connect connect;
    std::string unread;
    int hops = 0;
    bool superuser = false;                // as the CONNECT was admitted
    std::unique_ptr<Transport> transport;  // TLS / WebSocket state (nullptr: plain TCP)
    std::string wire;                      // transport bytes not yet written
};

// Hands a migrating connection to worker `owner` (any thread to that worker's).
using SendToOwner = std::function<void(MigratingConnection, uint32_t owner)>;

}  // namespace emqx
