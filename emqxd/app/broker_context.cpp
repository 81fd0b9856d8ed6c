#include "emqxd/app/broker_context.h"

#include "emqxd/retain/memory_retain_store.h"
#include "emqxd/worker/worker.h"

namespace emqx {

BrokerContext::BrokerContext(config::BrokerConfig c, unsigned count)
    : cfg(std::move(c)),
      worker_count(count),
      router(count, sharedStrategyFromName(cfg.mqtt.shared_subscription_strategy)),
      retain(std::make_unique<MemoryRetainStore>()) {}

}  // namespace emqx
