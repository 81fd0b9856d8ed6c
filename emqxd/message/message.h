#pragma once
// One application message as the broker routes it: built once from a PUBLISH,
// immutable afterwards, shared by every subscriber that receives it (by
// reference count, across workers). Nothing downstream copies the payload.
//
// Message::make puts the reference count, the Message and the bytes of its
// topic, payload and publisher in one allocation (the views below point into
// it): one malloc and one free per message instead of four (control block and
// Message, payload, a client id too long for the small-string buffer, a long
// topic). A Message cannot be copied: the copy's views would point into the
// original.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/mqtt/properties.h"

namespace emqx {

struct Message {
    std::string_view topic;
    std::string_view payload;
    uint8_t qos = 0;
    bool retain = false;
    std::string_view publisher;      // client id, or "" for the broker itself ($SYS, wills are the client's)
    uint64_t publisher_session = 0;  // for No Local; 0 = the broker
    int64_t received_at_ms = 0;      // wall clock, for Message Expiry and $SYS
    // With durable storage on: unique and increasing in publish order on this
    // node (across restarts); names the message in session journals. 0: none
    // (no durable storage, QoS 0, or made by the broker).
    uint64_t durable_id = 0;
    // Publish properties forwarded to subscribers (payload format, message
    // expiry, content type, response topic, correlation data, user
    // properties); null when the PUBLISH carried none, so v3 traffic pays nothing.
    std::unique_ptr<const mqtt::Properties> props;

    // A message holding copies of `topic`, `payload` and `publisher`; the
    // other fields are set by the caller before the message is shared.
    static std::shared_ptr<Message> make(std::string_view topic, std::string_view payload,
                                         std::string_view publisher = {});

    Message() = default;
    Message(const Message&) = delete;
    Message& operator=(const Message&) = delete;

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
