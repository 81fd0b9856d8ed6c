#pragma once
// One listener's counters: written by the control loop (accepts) and by
// workers (closes), read by `emqxctl listeners`. Touched per connection, never
// per message, so plain atomics are enough.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/config/broker_config.h"
#include "common/config/value_parsers.h"
#include "common/mqtt/shutdown_reason.h"

namespace emqx {

class TlsContext;

struct ListenerStats {
    explicit ListenerStats(const config::ListenerConfig& c)
        : config(c),
          id(c.id()),
          bind(c.bind),
          max_connections(c.max_connections),
          max_conn_rate(config::parseRate(c.max_conn_rate, false).value_or(config::Rate{})),
          messages_rate(config::parseRate(c.messages_rate, false).value_or(config::Rate{})),
          bytes_rate(config::parseRate(c.bytes_rate, true).value_or(config::Rate{})) {}

    const config::ListenerConfig& config;
    std::string id;    // "tcp:default"
    std::string bind;  // "0.0.0.0:1883"
    uint64_t max_connections;
    // The rates, parsed once (the loader has checked them): per listener, per client, per client.
    config::Rate max_conn_rate;
    config::Rate messages_rate;
    config::Rate bytes_rate;
    std::atomic<bool> running{false};
    std::atomic<uint64_t> current{0};
    std::atomic<uint64_t> accepted{0};
    std::atomic<uint64_t> refused{0};  // over max_connections
    std::array<std::atomic<uint64_t>, kShutdownReasonCount> shutdown{};
    // ssl and wss: the OpenSSL context, built before the listener starts (shared by the workers).
    // `emqxctl pem_cache clean` (control loop) stores a new one while workers load it for each
    // accepted socket: an atomic shared_ptr, so a connection keeps the context it started with.
    std::atomic<std::shared_ptr<TlsContext>> tls;

    void countShutdown(ShutdownReason r) { shutdown[static_cast<size_t>(r)].fetch_add(1, std::memory_order_relaxed); }
};

}  // namespace emqx
