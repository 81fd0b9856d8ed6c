#pragma once
// One application message as the broker routes it: built once from a PUBLISH,
// immutable afterwards, shared by every subscriber that receives it (by
// reference count, across workers). Nothing downstream copies the payload.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "common/mqtt/properties.h"

namespace emqx {

struct Message {
    std::string topic;
    std::string payload;
    uint8_t qos = 0;
    bool retain = false;
    std::string publisher;           // client id, or "" for the broker itself ($SYS, wills are the client's)
    uint64_t publisher_session = 0;  // for No Local; 0 = the broker
    int64_t received_at_ms = 0;      // wall clock, for Message Expiry and $SYS
    // With durable storage on: unique and increasing in publish order on this
    // node (across restarts); names the message in session journals. 0: none.
    uint64_t durable_id = 0;
    // Publish properties forwarded to subscribers (payload format, message
    // expiry, content type, response topic, correlation data, user
    // properties); null when the PUBLISH carried none, so v3 traffic pays nothing.
    std::unique_ptr<const mqtt::Properties> props;

    // The Message Expiry Interval left at `now_ms`, or -1 when the message has
    // none; 0 means it has expired.
    int64_t remainingExpirySeconds(int64_t now_ms) const {
        if (!props || !props->message_expiry_interval) return -1;
        // Clocks read on different threads (or stepped back) never make it younger than new.
        now_ms = std::max(now_ms, received_at_ms);
        int64_t end = received_at_ms + static_cast<int64_t>(*props->message_expiry_interval) * 1000;
        if (now_ms >= end) return 0;
        return (end - now_ms + 999) / 1000;
    }
};

using MessagePtr = std::shared_ptr<const Message>;

}  // namespace emqx
