// PUBLISH in (with topic aliases and the QoS 1/2 handshakes) and PUBLISH out.
#include "common/topic/topic.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/protocol/connection_port.h"
#include "emqxd/protocol/publish_header_cache.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/storage/durable_store.h"

namespace emqx {

using mqtt::PacketType;
using mqtt::ProtocolVersion;
using mqtt::ReasonCode;

MessagePtr Channel::makeMessage(const mqtt::Publish& p, std::string_view topic) const {
    auto m = Message::make(topic, p.payload, clientId());
    m->qos = p.qos;
    m->retain = p.retain;
    m->publisher_session = session_ ? session_->id() : 0;
    m->received_at_ms = runtime().loopWallMs();
    if (storage::DurableStore* d = ctx().durable.get()) m->durable_id = d->idForNewMessage(p.qos);
    if (version_ == ProtocolVersion::V5) {
        mqtt::Properties props = p.props;
        props.topic_alias.reset();
        props.subscription_identifiers.clear();
        if (!(props == mqtt::Properties{})) m->props = std::make_unique<mqtt::Properties>(std::move(props));
    }
    return m;
}

void Channel::refusePublish(ReasonCode code, ShutdownReason reason) {
    runtime().metrics().add(Metric::PacketsPublishError);
    disconnect(code, reason);
}

void Channel::onPublish(mqtt::Publish& p) {
    Metrics& metrics = runtime().metrics();
    const auto& cfg = ctx().cfg.mqtt;
    metrics.add(Metric::PacketsPublishReceived);
    // In EMQX's order: the packet's own rules (emqx_packet:check), the topic
    // alias, then the broker's limits (QoS, retain).
    std::string_view topic = p.topic;
    if (topic.empty() && p.props.topic_alias.value_or(0) == 0) {
        refusePublish(ReasonCode::ProtocolError, ShutdownReason::ProtocolError);
        return;
    }
    if (p.props.topic_alias) {
        uint16_t alias = *p.props.topic_alias;
        if (alias == 0 || alias > cfg.max_topic_alias) {
            refusePublish(ReasonCode::TopicAliasInvalid, ShutdownReason::TopicAliasInvalid);
            return;
        }
        if (topic.empty()) {
            auto it = aliases().inbound.find(alias);
            if (it == aliases().inbound.end()) {
                refusePublish(ReasonCode::ProtocolError, ShutdownReason::ProtocolError);
                return;
            }
            topic = it->second;
        } else {
            aliases().inbound[alias].assign(topic);
        }
    }
    if (!topic::isValidTopicName(topic, cfg.max_topic_levels)) {
        refusePublish(ReasonCode::TopicNameInvalid, ShutdownReason::InvalidTopic);
        return;
    }
    if (p.props.response_topic && !topic::isValidTopicName(*p.props.response_topic)) {
        refusePublish(ReasonCode::ProtocolError, ShutdownReason::ProtocolError);
        return;
    }
    if (p.qos > cfg.max_qos_allowed) {  // QoS 3 too: without mqtt.strict_mode the decoder takes it
        refusePublish(ReasonCode::QoSNotSupported, ShutdownReason::ProtocolError);
        return;
    }
    if (p.retain && !cfg.retain_available) {
        refusePublish(ReasonCode::RetainNotSupported, ShutdownReason::ProtocolError);
        return;
    }
    if (!publishAllowed(p, topic)) return;  // authorization (channel_authz.cpp)
    if (p.qos == 2) {
        if (session_->awaitingRelCount() >= cfg.max_awaiting_rel && cfg.max_awaiting_rel != 0) {
            disconnect(ReasonCode::ReceiveMaximumExceeded, ShutdownReason::ReceiveMaximumExceeded);
            return;
        }
        if (!session_->awaitRel(p.packet_id, runtime().loopWallMs())) {
            // A duplicate of a QoS 2 message already received: acknowledge, do not route again.
            mqtt::PubResponse rec{
                PacketType::Pubrec, p.packet_id, p.dup ? ReasonCode::Success : ReasonCode::PacketIdentifierInUse, {}};
            acknowledge(rec, {});  // behind acks still waiting for a durable commit, if any
            return;
        }
        checkNoLaterThan(runtime().nowMs() + cfg.await_rel_timeout);
    }
    metrics.add(Metric::MessagesReceived);
    metrics.add(p.qos == 0   ? Metric::MessagesQos0Received
                : p.qos == 1 ? Metric::MessagesQos1Received
                             : Metric::MessagesQos2Received);
    MessagePtr msg = makeMessage(p, topic);
    if (!route_memo_) route_memo_ = std::make_unique<RouteMemo>();
    PublishResult routed = shard_.publish(msg, route_memo_.get());
    if (p.qos == 0) return;
    ReasonCode rc = routed.targets == 0 && version_ == ProtocolVersion::V5 ? ReasonCode::NoMatchingSubscribers
                                                                           : ReasonCode::Success;
    // What the publish wrote durably (a retained message, journal entries) is
    // committed before the publisher is told (durable.fsync always|batch).
    acknowledge(mqtt::PubResponse{p.qos == 1 ? PacketType::Puback : PacketType::Pubrec, p.packet_id, rc, {}},
                routed.durable);
}

void Channel::acknowledge(const mqtt::PubResponse& ack, const DurableWrites& writes) {
    AckGate& gate = shard_.acks();
    // A refused write (a full disk) is not waited for: the publisher is told
    // "not stored" once the acks before it have gone.
    ReasonCode not_stored = writes.refused ? ReasonCode::QuotaExceeded : ReasonCode::UnspecifiedError;
    DurableWrites depends_on = writes.refused ? DurableWrites{} : writes;
    // Checked first so the common case builds no closure (no allocation per publish).
    if (gate.mustWait(conn_.id(), depends_on)) {
        // Runs only while the connection (so this channel) is open: AckGate asks first.
        gate.defer(conn_.id(), depends_on, [this, ack, not_stored, refused = writes.refused](bool stored) {
            answerPublish(ack, stored && !refused, not_stored);
        });
        return;
    }
    answerPublish(ack, !writes.refused && !gate.anyFailed(depends_on), not_stored);
}

void Channel::answerPublish(const mqtt::PubResponse& ack, bool stored, ReasonCode not_stored) {
    if (stored) send(ack);
    else ackNotStored(ack, not_stored);
}

void Channel::ackNotStored(mqtt::PubResponse ack, ReasonCode reason) {
    runtime().metrics().add(Metric::MessagesDurableRefused);
    if (version_ != ProtocolVersion::V5) return;
    if (ack.type == PacketType::Pubrec && session_) session_->release(ack.packet_id);
    ack.reason = reason;
    send(ack);
}

void Channel::onPubResponse(const mqtt::PubResponse& r) {
    Metrics& metrics = runtime().metrics();
    int64_t now = runtime().loopWallMs();
    switch (r.type) {
        case PacketType::Puback:
            metrics.add(Metric::PacketsPubackReceived);
            if (!session_->onPuback(r.packet_id, now)) metrics.add(Metric::PacketsPubackMissed);
            break;
        case PacketType::Pubrec:
            metrics.add(Metric::PacketsPubrecReceived);
            if (r.reason >= ReasonCode::UnspecifiedError) {
                // The client refused the message: the exchange ends here (spec 4.3.3).
                session_->onPubrec(r.packet_id, now);
                session_->onPubcomp(r.packet_id, now);
                break;
            }
            if (session_->onPubrec(r.packet_id, now)) {
                sendPubrel(r.packet_id);
            } else {
                metrics.add(Metric::PacketsPubrecMissed);
                sendPubrelNotFound(r.packet_id);
            }
            break;
        case PacketType::Pubrel: {
            metrics.add(Metric::PacketsPubrelReceived);
            bool known = session_->release(r.packet_id);
            if (!known) metrics.add(Metric::PacketsPubrelMissed);
            send(mqtt::PubResponse{
                PacketType::Pubcomp,
                r.packet_id,
                known || version_ != ProtocolVersion::V5 ? ReasonCode::Success : ReasonCode::PacketIdentifierNotFound,
                {}});
            break;
        }
        case PacketType::Pubcomp:
            metrics.add(Metric::PacketsPubcompReceived);
            if (!session_->onPubcomp(r.packet_id, now)) metrics.add(Metric::PacketsPubcompMissed);
            break;
        default: break;
    }
}

void Channel::sendPubrelNotFound(uint16_t packet_id) {
    send(mqtt::PubResponse{PacketType::Pubrel,
                           packet_id,
                           version_ == ProtocolVersion::V5 ? ReasonCode::PacketIdentifierNotFound : ReasonCode::Success,
                           {}});
}

void Channel::sendPubrel(uint16_t packet_id) {
    send(mqtt::PubResponse{PacketType::Pubrel, packet_id, ReasonCode::Success, {}});
}

SendResult Channel::sendPublish(const MessagePtr& msg, uint8_t qos, uint16_t packet_id, bool dup,
                                const SubscriptionOptions& options) {
    if (state_ != State::Connected) return SendResult::OutputFull;
    // A resend (dup) was allowed when first sent.
    if (!dup && ctx().cfg.authorization.check_on_delivery && !authorize(authz::Action::Subscribe, msg->topic))
        return SendResult::NotAuthorized;
    PublishVariant variant;
    variant.qos = qos;
    variant.dup = dup;
    variant.retain = msg->retain && options.retain_as_published;
    uint16_t new_alias = 0;
    if (version_ == ProtocolVersion::V5) {
        variant.v5 = true;
        variant.subscription_id = options.subscription_id;
        variant.remaining_expiry_s = msg->remainingExpirySeconds(runtime().loopWallMs());
        if (client_topic_alias_max_ > 0) {
            auto& outbound = aliases().outbound;
            auto it = outbound.find(msg->topic);
            if (it != outbound.end()) {
                variant.topic_alias = it->second;
                variant.topic_omitted = true;
            } else if (outbound.size() < client_topic_alias_max_) {
                new_alias = static_cast<uint16_t>(outbound.size() + 1);
                variant.topic_alias = new_alias;
            }
        }
    }
    // Encoded once per variant for all the subscribers of this worker; each gets its packet id.
    const mqtt::PublishTemplate& header = runtime().local<PublishHeaderCache>().get(msg, variant);
    if (client_max_packet_size_ > 0 && header.header.size() + msg->payload.size() > client_max_packet_size_)
        return SendResult::TooLarge;
    // Only an alias the client is told about (with the topic) may stand for the topic later.
    if (new_alias != 0) aliases().outbound.emplace(msg->topic, new_alias);
    conn_.output().appendPublish(header, packet_id, msg);
    ctx().hooks.run(hooks::MessageDelivered{view(), *msg, qos, packet_id, dup, variant.retain});
    Metrics& metrics = runtime().metrics();
    countSent(PacketType::Publish);
    if (!dup) {
        metrics.add(Metric::MessagesSent);
        metrics.add(Metric::MessagesDelivered);
        metrics.add(qos == 0   ? Metric::MessagesQos0Sent
                    : qos == 1 ? Metric::MessagesQos1Sent
                               : Metric::MessagesQos2Sent);
    }
    if (qos > 0) checkNoLaterThan(runtime().nowMs() + ctx().cfg.mqtt.retry_interval);
    conn_.wantFlush();
    return SendResult::Sent;
}

}  // namespace emqx
