#pragma once
// What every thread of the broker shares. Each member is either immutable after
// start (config, names) or safe for concurrent use by itself (router,
// registry, retain store, listener counters).
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/config/broker_config.h"
#include "emqxd/broker/username_quota.h"
#include "emqxd/hooks/hook_bus.h"
#include "emqxd/metrics/gauge.h"
#include "emqxd/net/listener_stats.h"
#include "emqxd/retain/retain_store.h"
#include "emqxd/router/router.h"
#include "emqxd/session/session_registry.h"

namespace emqx {

class Worker;
namespace trace {
class TraceRegistry;
}
namespace license {
class LicenseManager;
}
namespace storage {
class DurableStore;
}
namespace auth {
class Security;
}

struct BrokerContext {
    BrokerContext(config::BrokerConfig c, unsigned worker_count);
    ~BrokerContext();

    const config::BrokerConfig cfg;
    const unsigned worker_count;
    Router router;
    SessionRegistry registry;
    UsernameQuota username_quota;  // mqtt.max_conn_per_username
    std::unique_ptr<RetainStore> retain;
    std::vector<std::unique_ptr<Worker>> workers;
    std::vector<std::unique_ptr<ListenerStats>> listeners;
    int64_t started_at_ms = 0;  // wall clock
    std::atomic<uint64_t> next_session_id{1};
    std::atomic<bool> stopping{false};
    // Sessions, online or not (EMQX's channels and sessions), counted by the
    // workers as they create and end them.
    Gauge channels;
    // High-water marks of the stats that are counted elsewhere, raised when
    // the stats are read (emqxctl broker stats, $SYS).
    std::atomic<uint64_t> connections_max{0};
    std::atomic<uint64_t> topics_max{0};
    std::atomic<uint64_t> retained_max{0};
    // The hook bus (emqxd/hooks): subscribed by BrokerApp before the workers
    // start, read-only while they run but for the switch `traces` turns.
    // Declared before `traces`, whose switch counts in it, so it outlives it.
    hooks::HookBus hooks;
    std::unique_ptr<trace::TraceRegistry> traces;
    // The license in force; connects are admitted through it.
    std::unique_ptr<license::LicenseManager> license;
    // The durable store (RocksDB) when durable.enable; null: memory only.
    // Set by BrokerApp before the workers start.
    std::shared_ptr<storage::DurableStore> durable;
    // Authentication, banned clients, flapping detection and authorization
    // (emqxd/auth, emqxd/authz); set by BrokerApp before the workers start;
    // null: everyone is let in and allowed everything.
    std::shared_ptr<auth::Security> security;
};

}  // namespace emqx
