#include "emqxd/broker/broker_context.h"

#include "emqxd/license/license.h"
#include "emqxd/retain/memory_retain_store.h"
#include "emqxd/storage/durable_store.h"
#include "emqxd/trace/trace_registry.h"
#include "emqxd/worker/worker.h"

namespace emqx {

BrokerContext::BrokerContext(config::BrokerConfig c, unsigned count)
    : cfg(std::move(c)),
      worker_count(count),
      router(count, sharedStrategyFromName(cfg.mqtt.shared_subscription_strategy)),
      username_quota(cfg.mqtt.max_conn_per_username),
      retain(std::make_unique<MemoryRetainStore>()),
      traces(std::make_unique<trace::TraceRegistry>(cfg.trace.max_file_size)),
      license(std::make_unique<license::LicenseManager>()) {}

BrokerContext::~BrokerContext() = default;

}  // namespace emqx
