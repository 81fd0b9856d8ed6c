#include "emqxd/broker/broker_stats.h"

#include <algorithm>

#include "emqxd/runtime/worker_runtime.h"

namespace emqx {

namespace {

uint64_t raiseMax(std::atomic<uint64_t>& max, uint64_t value) {
    uint64_t seen = max.load();
    while (value > seen && !max.compare_exchange_weak(seen, value)) {
    }
    return std::max(seen, value);
}

}  // namespace

std::vector<std::pair<std::string, uint64_t>> collectStats(BrokerContext& ctx) {
    uint64_t connections = ctx.connectionCount();
    uint64_t topics = ctx.router.topicCount();
    uint64_t retained = ctx.retain->size();
    uint64_t connections_max = raiseMax(ctx.connections_max, connections);
    uint64_t topics_max = raiseMax(ctx.topics_max, topics);
    uint64_t retained_max = raiseMax(ctx.retained_max, retained);
    const Gauge& channels = ctx.channels;
    const Gauge& subscriptions = ctx.router.subscriptions();
    const Gauge& shared = ctx.router.sharedSubscriptions();
    // EMQX counts channels and sessions in one table, and subscribers,
    // subscriptions and suboptions once per (session, filter): so do we.
    return {
        {"channels.count", channels.value()},
        {"channels.max", channels.max()},
        {"connections.count", connections},
        {"connections.max", connections_max},
        {"live_connections.count", connections},
        {"live_connections.max", connections_max},
        {"sessions.count", channels.value()},
        {"sessions.max", channels.max()},
        {"topics.count", topics},
        {"topics.max", topics_max},
        {"subscribers.count", subscriptions.value()},
        {"subscribers.max", subscriptions.max()},
        {"subscriptions.count", subscriptions.value()},
        {"subscriptions.max", subscriptions.max()},
        {"subscriptions.shared.count", shared.value()},
        {"subscriptions.shared.max", shared.max()},
        {"suboptions.count", subscriptions.value()},
        {"suboptions.max", subscriptions.max()},
        {"retained.count", retained},
        {"retained.max", retained_max},
    };
}

uint64_t sumMetric(const BrokerContext& ctx, Metric m) {
    uint64_t total = 0;
    for (const WorkerRuntime* w : ctx.runtimes) total += w->metrics().get(m);
    return total;
}

}  // namespace emqx
