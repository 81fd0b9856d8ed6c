#pragma once
// A broker context whose workers are made but never started: a test drives
// their shards and channels on its own thread, without sockets or loops running.
#include <memory>

#include "common/config/config_keys.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/worker/worker.h"

namespace emqx::test {

struct UnstartedBroker {
    BrokerContext ctx;

    explicit UnstartedBroker(unsigned workers = 1) : ctx(config::defaultConfig(), workers) {
        for (unsigned i = 0; i < workers; ++i) ctx.workers.push_back(std::make_unique<Worker>(ctx, i));
    }
};

}  // namespace emqx::test
