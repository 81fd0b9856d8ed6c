#pragma once
// The encoded PUBLISH headers of the message a worker is delivering, one per
// variant: a message that goes to many subscribers on one worker is encoded
// once per variant, and each recipient gets a copy with its own packet id.
// Owner: the worker thread. It holds the message it caches for (so no other
// message can take its address) until the next message or clear(); the
// worker clears it once per loop iteration.
#include <array>
#include <cstddef>
#include <cstdint>

#include "common/mqtt/packet.h"
#include "common/mqtt/publish_template.h"
#include "emqxd/message/message.h"

namespace emqx {

// Everything that makes two recipients' PUBLISH headers differ, the packet id aside.
struct PublishVariant {
    bool v5 = false;  // MQTT 3.1 and 3.1.1 encode a PUBLISH alike
    uint8_t qos = 0;
    bool retain = false;
    bool dup = false;
    // MQTT 5 only:
    uint32_t subscription_id = 0;     // 0: none
    uint16_t topic_alias = 0;         // 0: none
    bool topic_omitted = false;       // the client already knows the alias
    int64_t remaining_expiry_s = -1;  // Message Expiry Interval left; -1: none
    bool operator==(const PublishVariant&) const = default;
};

class PublishHeaderCache {
public:
    // The header of `msg` in variant `v`, encoded on first use for this message.
    const mqtt::PublishTemplate& get(const MessagePtr& msg, const PublishVariant& v);
    void clear();

private:
    // More variants than this for one message (per-client topic aliases)
    // replace one another in turn.
    static constexpr size_t kSlots = 8;
    struct Slot {
        PublishVariant variant;
        mqtt::PublishTemplate header;
    };
    void encode(const Message& msg, const PublishVariant& v, mqtt::PublishTemplate& out);

    MessagePtr msg_;
    std::array<Slot, kSlots> slots_;
    size_t used_ = 0;
    size_t next_victim_ = 0;
    mqtt::Publish scratch_;  // reused: a Publish holds a large Properties struct
};

}  // namespace emqx
