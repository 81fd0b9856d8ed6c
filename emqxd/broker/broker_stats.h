#pragma once
// Stats and metrics summed over the workers, read from the control loop.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "emqxd/broker/broker_context.h"
#include "emqxd/metrics/metrics.h"

namespace emqx {

// EMQX's stats: (name, value) in EMQX's order, e.g. ("connections.count", 3).
std::vector<std::pair<std::string, uint64_t>> collectStats(BrokerContext& ctx);

uint64_t sumMetric(const BrokerContext& ctx, Metric m);

}  // namespace emqx
