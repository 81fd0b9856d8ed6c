#include "emqxd/broker/broker_context.h"

#include "emqxd/license/license.h"
#include "emqxd/retain/memory_retain_store.h"
#include "emqxd/storage/durable_store.h"

namespace emqx {

BrokerContext::BrokerContext(config::BrokerConfig c, unsigned count)
    : cfg(std::move(c)),
      worker_count(count),
      router(count, sharedStrategyFromName(cfg.mqtt.shared_subscription_strategy)),
      username_quota(cfg.mqtt.max_conn_per_username),
      retain(std::make_unique<MemoryRetainStore>()),
      license(std::make_unique<license::LicenseManager>()) {}

BrokerContext::~BrokerContext() = default;

uint64_t BrokerContext::connectionCount() const {
    uint64_t connections = 0;
    for (auto& l : listeners) connections += l->current.load(std::memory_order_relaxed);
    return connections;
}

}  // namespace emqx
