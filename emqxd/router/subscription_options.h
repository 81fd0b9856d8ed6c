#pragma once
#include <cstdint>

namespace emqx {

// The options a client gave for one subscription (MQTT 5 3.8.3.1).
struct SubscriptionOptions {
    uint8_t qos = 0;
    bool no_local = false;
    bool retain_as_published = false;
    uint8_t retain_handling = 0;
    uint32_t subscription_id = 0;  // 0: none
    // Not the client's: set by the broker for a persistent session when durable
    // storage is on. A publisher journals what it routes to such a
    // subscription before acknowledging it (docs/storage.md).
    bool durable = false;
    bool operator==(const SubscriptionOptions&) const = default;
};

}  // namespace emqx
