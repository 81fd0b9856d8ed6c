#pragma once
// A subscriber inside the broker (the rule engine, a bridge, a webhook to
// come): a session without a socket on the worker that made it. It subscribes
// through the same router and gets messages by the same delivery rules as a
// client's session, at QoS 0 (the callback runs on delivery: nothing waits for
// an acknowledgement; the message keeps its own QoS). It is not a client: not
// in the session locator, `emqxctl clients` or sessions.count, and no CONNECT
// can take it over, whatever client id it uses.
// Owner: the worker thread of its session manager.
#include <functional>
#include <string>

#include "emqxd/message/message.h"
#include "emqxd/session/delivery_sink.h"

namespace emqx {

class Session;
class SessionManager;

class InternalSubscriber final : public DeliverySink {
public:
    using OnMessage = std::function<void(const MessagePtr&)>;

    // `name` is what traces and logs call it.
    InternalSubscriber(SessionManager& sessions, std::string name, OnMessage on_message);
    ~InternalSubscriber() override;
    InternalSubscriber(const InternalSubscriber&) = delete;
    InternalSubscriber& operator=(const InternalSubscriber&) = delete;

    // A filter as a client writes it ($share/ and $queue/ included); false for
    // one the router refuses.
    bool subscribe(const std::string& filter);
    bool unsubscribe(const std::string& filter);
    const Session& session() const { return session_; }

    // DeliverySink
    SendResult sendPublish(const MessagePtr& msg, uint8_t qos, uint16_t packet_id, bool dup,
                           const SubscriptionOptions& options) override;
    void sendPubrel(uint16_t) override {}
    uint16_t clientReceiveMaximum() const override { return 65535; }
    bool outputFull() const override { return false; }
    void takeOver(bool) override {}  // never: no client reaches an internal session

private:
    SessionManager& sessions_;
    Session& session_;
    OnMessage on_message_;
};

}  // namespace emqx
