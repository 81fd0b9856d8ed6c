#pragma once
// What a session needs from the connection it is attached to, so the session's
// delivery rules do not depend on sockets or protocol versions.
#include <cstdint>
#include <string>

#include "emqxd/message/message.h"
#include "emqxd/router/subscription_options.h"

namespace emqx {

// NotAuthorized: the receiver may not read the topic (authorization.check_on_delivery).
enum class SendResult { Sent, TooLarge, OutputFull, NotAuthorized };

class DeliverySink {
public:
    virtual ~DeliverySink() = default;
    // Writes a PUBLISH (qos already downgraded; packet_id 0 for QoS 0).
    virtual SendResult sendPublish(const MessagePtr& msg, uint8_t qos, uint16_t packet_id, bool dup,
                                   const SubscriptionOptions& options) = 0;
    virtual void sendPubrel(uint16_t packet_id) = 0;
    // The client's Receive Maximum (MQTT 5) or 65535.
    virtual uint16_t clientReceiveMaximum() const = 0;
    // Pending output over the bound: QoS 0 is dropped, QoS 1/2 waits in the session.
    virtual bool outputFull() const = 0;
    // Another connection takes the session: close this one (MQTT 5: 0x8E,
    // or 0x8E as `discarded` for a clean start), leaving the session to it.
    virtual void takeOver(bool discard) = 0;
    // The address at the other end ("127.0.0.1:53012"), for trace lines about
    // the session's deliveries; a sink without a socket has none.
    virtual const std::string& peer() const {
        static const std::string none;
        return none;
    }
};

}  // namespace emqx
