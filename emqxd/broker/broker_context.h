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
#include "emqxd/broker/listener_stats.h"
#include "emqxd/broker/username_quota.h"
#include "emqxd/hooks/hook_bus.h"
#include "emqxd/metrics/gauge.h"
#include "emqxd/peer/node_links.h"
#include "emqxd/retain/retain_store.h"
#include "emqxd/router/router.h"
#include "emqxd/session/session_locator.h"

namespace emqx {

class WorkerRuntime;
class BrokerShard;
namespace license {
class LicenseManager;
}
namespace storage {
class DurableStore;
}
namespace alarm {
class AlarmRegistry;
}
namespace sys {
class HostCpuMeter;
}
namespace auth {
class Security;
class ApiKeyStore;
class AdminStore;
class DashboardTokens;
class LoginLock;
}  // namespace auth

struct BrokerContext {
    BrokerContext(config::BrokerConfig c, unsigned worker_count);
    ~BrokerContext();

    // The listeners' connections now (any thread).
    uint64_t connectionCount() const;

    const config::BrokerConfig cfg;
    const unsigned worker_count;
    Router router;
    SessionLocator locator;        // which worker owns a client id's session
    UsernameQuota username_quota;  // mqtt.max_conn_per_username
    std::unique_ptr<RetainStore> retain;
    // Each worker's runtime (its inbox, its counters) and shard, by worker
    // index: what the shards post to one another through. Set as each worker
    // is made, before any starts (BrokerApp owns the workers).
    std::vector<WorkerRuntime*> runtimes;
    std::vector<BrokerShard*> shards;
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
    // start, read-only while they run but for the switches subscribers turn
    // (the trace registry's, which BrokerApp owns).
    hooks::HookBus hooks;
    // The license in force; connects are admitted through it.
    std::unique_ptr<license::LicenseManager> license;
    // The durable store (RocksDB) when durable.enable; null: memory only.
    // Set by BrokerApp before the workers start.
    std::shared_ptr<storage::DurableStore> durable;
    // Each worker's links to the other nodes (emqxd/peer/node_links.h), by
    // worker index; empty on a single node. Set before the workers start by
    // the cluster (a later issue), which also writes the router's node routes.
    std::vector<std::unique_ptr<NodeLinks>> node_links;
    // Authentication, banned clients, flapping detection and authorization
    // (emqxd/auth, emqxd/authz); set by BrokerApp before the workers start;
    // null: everyone is let in and allowed everything.
    std::shared_ptr<auth::Security> security;
    // The HTTP API's keys (emqxd/auth/api_key_store.h); set by BrokerApp
    // before anything serves. Control loop only.
    std::shared_ptr<auth::ApiKeyStore> api_keys;
    // The dashboard's users, login tokens and failed-login lock-out
    // (emqxd/auth/admin_store.h, dashboard_token.h, login_lock.h); set by
    // BrokerApp before anything serves. Control loop only.
    std::shared_ptr<auth::AdminStore> admins;
    std::shared_ptr<auth::DashboardTokens> dashboard_tokens;
    std::shared_ptr<auth::LoginLock> login_lock;
    // The alarms (emqxd/alarm/alarm_registry.h); made by BrokerApp before
    // anything serves. Control loop only.
    std::shared_ptr<alarm::AlarmRegistry> alarms;
    // The host's CPU use since the previous scrape (emqx_vm_cpu_use of
    // /api/v5/prometheus/stats). Control loop only.
    std::shared_ptr<sys::HostCpuMeter> host_cpu;
};

}  // namespace emqx
