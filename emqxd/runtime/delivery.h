#pragma once
#include <cstdint>

#include "emqxd/message/message.h"
#include "emqxd/router/subscription_options.h"

namespace emqx {

// One message for one session, passed to the session's worker.
struct Delivery {
    MessagePtr msg;
    uint64_t session_id = 0;
    SubscriptionOptions options;
    uint64_t shared_group = 0;  // 0: not a shared subscription
};

}  // namespace emqx
