// SUBSCRIBE and UNSUBSCRIBE, shared subscriptions and retained delivery.
#include "common/clock/wall_clock.h"
#include "common/topic/topic.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/protocol/connection_port.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/shard/session_manager.h"

namespace emqx {

using mqtt::ProtocolVersion;
using mqtt::ReasonCode;

void Channel::onSubscribe(const mqtt::Subscribe& s) {
    runtime().metrics().add(Metric::PacketsSubscribeReceived);
    if (version_ == ProtocolVersion::V5) {
        // As EMQX does, a filter that can never be valid ends the connection
        // rather than failing in the SUBACK.
        for (const auto& r : s.subscriptions) {
            ReasonCode fatal = fatalSubscribeError(r);
            if (fatal != ReasonCode::Success) {
                runtime().metrics().add(Metric::PacketsSubscribeError);
                disconnect(fatal, fatal == ReasonCode::TopicFilterInvalid ? ShutdownReason::InvalidTopic
                                                                          : ShutdownReason::ProtocolError);
                return;
            }
        }
    }
    mqtt::Suback ack;
    ack.packet_id = s.packet_id;
    std::vector<bool> retain_skip;
    ack.reasons = subscribeAll(s, true, retain_skip);
    shard_.sessions().changed(*session_);
    send(ack);
    deliverRetainedAfterSubscribe(s, ack.reasons, retain_skip);
}

ReasonCode Channel::fatalSubscribeError(const mqtt::SubscriptionRequest& r) const {
    auto parsed = topic::parseFilter(r.filter, ctx().cfg.mqtt.max_topic_levels);
    if (!parsed) return ReasonCode::TopicFilterInvalid;
    if (parsed->shared() && r.no_local) return ReasonCode::ProtocolError;  // spec 3.8.3.1
    return ReasonCode::Success;
}

void Channel::deliverRetainedAfterSubscribe(const mqtt::Subscribe& s, const std::vector<ReasonCode>& reasons,
                                            const std::vector<bool>& retain_skip) {
    uint32_t sub_id = s.props.subscription_identifiers.empty() ? 0 : s.props.subscription_identifiers[0];
    for (size_t i = 0; i < s.subscriptions.size(); ++i) {
        if (reasons[i] >= ReasonCode::UnspecifiedError) continue;
        const auto& r = s.subscriptions[i];
        if (r.retain_handling == 2 || retain_skip[i]) continue;
        SubscriptionOptions o{static_cast<uint8_t>(reasons[i]), r.no_local, r.retain_as_published, r.retain_handling,
                              sub_id};
        deliverRetained(r.filter, o);
    }
}

std::vector<ReasonCode> Channel::subscribeAll(const mqtt::Subscribe& s, bool from_client,
                                              std::vector<bool>& retain_skip) {
    const auto& cfg = ctx().cfg.mqtt;
    std::vector<ReasonCode> reasons;
    reasons.reserve(s.subscriptions.size());
    retain_skip.assign(s.subscriptions.size(), false);
    uint32_t sub_id = s.props.subscription_identifiers.empty() ? 0 : s.props.subscription_identifiers[0];
    RouteBatch routes;
    for (size_t i = 0; i < s.subscriptions.size(); ++i) {
        const auto& r = s.subscriptions[i];
        auto parsed = topic::parseFilter(r.filter, cfg.max_topic_levels);
        bool shared = parsed && parsed->shared();
        ReasonCode rc = static_cast<ReasonCode>(std::min<unsigned>(r.qos, cfg.max_qos_allowed));
        if (!parsed) {
            rc = ReasonCode::TopicFilterInvalid;
        } else if (shared && !cfg.shared_subscription) {
            rc = ReasonCode::SharedSubscriptionsNotSupported;
        } else if (!cfg.wildcard_subscription && topic::hasWildcard(parsed->filter)) {
            rc = ReasonCode::WildcardSubscriptionsNotSupported;
        } else if (shared && r.no_local && version_ == ProtocolVersion::V5) {
            rc = ReasonCode::ProtocolError;  // spec 3.8.3.1: No Local on a shared subscription
        } else if (cfg.max_subscriptions != 0 && session_->subscriptions().size() >= cfg.max_subscriptions &&
                   !session_->subscriptions().contains(r.filter)) {
            rc = ReasonCode::QuotaExceeded;
        } else if (from_client && !authorize(authz::Action::Subscribe, r.filter)) {
            rc = ReasonCode::NotAuthorized;  // 3.1.1: 0x80 (the encoder)
        }
        reasons.push_back(rc);
        if (rc >= ReasonCode::UnspecifiedError) {
            if (from_client) runtime().metrics().add(Metric::PacketsSubscribeError);
            continue;
        }
        // mqtt.ignore_loop_deliver: EMQX gives an MQTT 3 client's subscriptions No Local.
        bool no_local = r.no_local || (version_ != ProtocolVersion::V5 && cfg.ignore_loop_deliver);
        SubscriptionOptions options{static_cast<uint8_t>(rc), no_local, r.retain_as_published, r.retain_handling,
                                    sub_id};
        bool existed = session_->subscriptions().contains(r.filter);
        retain_skip[i] = shared || (existed && r.retain_handling == 1);
        shard_.sessions().addSubscription(*session_, r.filter, options, routes);
        ctx().hooks.run(hooks::SessionSubscribed{*session_, r.filter, options});
        runtime().metrics().add(Metric::ClientSubscribe);
    }
    shard_.sessions().applyRoutes(routes);
    return reasons;
}

void Channel::deliverRetained(const std::string& filter, const SubscriptionOptions& options) {
    if (!ctx().cfg.mqtt.retain_available) return;
    std::vector<MessagePtr> found;
    ctx().retain->match(filter, [&](const MessagePtr& m) { found.push_back(m); });
    // Retained messages are sent with the retain flag set, whatever Retain As Published says (spec 3.3.1.3).
    SubscriptionOptions o = options;
    o.retain_as_published = true;
    o.no_local = false;
    o.durable = false;  // not journaled by a publisher
    session_->deliverRetained(found, o, wallClockMs());
}

void Channel::onUnsubscribe(const mqtt::Unsubscribe& u) {
    runtime().metrics().add(Metric::PacketsUnsubscribeReceived);
    mqtt::Unsuback ack;
    ack.packet_id = u.packet_id;
    RouteBatch routes;
    for (const std::string& filter : u.filters) {
        if (!shard_.sessions().removeSubscription(*session_, filter, routes)) {
            ack.reasons.push_back(ReasonCode::NoSubscriptionExisted);
            continue;
        }
        runtime().metrics().add(Metric::ClientUnsubscribe);
        ctx().hooks.run(hooks::SessionUnsubscribed{*session_, filter});
        ack.reasons.push_back(ReasonCode::Success);
    }
    shard_.sessions().applyRoutes(routes);
    shard_.sessions().changed(*session_);
    if (version_ != ProtocolVersion::V5) ack.reasons.clear();
    send(ack);
}

}  // namespace emqx
