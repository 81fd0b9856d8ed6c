#include "emqxd/shard/internal_subscriber.h"

#include "common/clock/wall_clock.h"
#include "common/topic/topic.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/session_manager.h"

namespace emqx {

InternalSubscriber::InternalSubscriber(SessionManager& sessions, std::string name, OnMessage on_message)
    : sessions_(sessions), session_(sessions.createInternal(std::move(name))), on_message_(std::move(on_message)) {
    session_.attach(this, wallClockMs());
}

InternalSubscriber::~InternalSubscriber() {
    session_.detach();
    sessions_.endInternal(session_);
}

bool InternalSubscriber::subscribe(const std::string& filter) {
    if (!topic::parseFilter(filter, sessions_.services().cfg.max_topic_levels)) return false;
    sessions_.addSubscription(session_, filter, SubscriptionOptions{});
    return true;
}

bool InternalSubscriber::unsubscribe(const std::string& filter) {
    return sessions_.removeSubscription(session_, filter);
}

SendResult InternalSubscriber::sendPublish(const MessagePtr& msg, uint8_t, uint16_t, bool, const SubscriptionOptions&) {
    on_message_(msg);
    return SendResult::Sent;
}

}  // namespace emqx
