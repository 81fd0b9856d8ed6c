#pragma once
// A broker context whose workers are made but never started: a test drives
// their shards and channels on its own thread, without sockets or loops running.
#include <memory>
#include <vector>

#include "common/config/config_keys.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/worker/worker.h"

namespace emqx::test {

struct UnstartedBroker {
    BrokerContext ctx;
    std::vector<std::unique_ptr<Worker>> workers;

    explicit UnstartedBroker(unsigned count = 1) : ctx(config::defaultConfig(), count) {
        for (unsigned i = 0; i < count; ++i) workers.push_back(std::make_unique<Worker>(ctx, i, nullptr));
    }
};

}  // namespace emqx::test
