#include "emqxd/shard/broker_shard.h"

#include <cassert>

#include "common/clock/wall_clock.h"
#include "common/topic/topic.h"
#include "emqxd/auth/security.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/session/session.h"
#include "emqxd/storage/durable_store.h"
#include "emqxd/storage/record_codec.h"
#include "emqxd/worker/worker.h"

namespace emqx {

BrokerShard::BrokerShard(Worker& runtime)
    : runtime_(runtime),
      ctx_(runtime.ctx()),
      index_(runtime.index()),
      session_services_{ctx_.cfg.mqtt, runtime.metrics(), ctx_.durable.get(), &ctx_.hooks},
      acks_(runtime.ctx().durable.get(), [&runtime](uint64_t id) { return runtime.connectionOpen(id); }) {
    outgoing_.resize(ctx_.worker_count);
    // The worker's thread owns the shard, its sessions and its ack gate.
    session_services_.owner.bind(runtime.owner());
    acks_.bindOwner(runtime.owner());
}

BrokerShard::~BrokerShard() = default;

PublishResult BrokerShard::publish(const MessagePtr& published, RouteMemo* memo) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    MessagePtr rewritten;
    const MessagePtr& msg = ctx_.hooks.publish(published, rewritten);  // message.publish: null when dropped
    if (!msg) return {};
    Metrics& metrics = runtime_.metrics();
    // As EMQX: the broker's own $SYS messages are not in messages.publish or messages.dropped.
    const bool counted = !topic::isSys(msg->topic);
    PublishResult result;
    if (msg->retain && ctx_.cfg.mqtt.retain_available) {
        result.durable.add(ctx_.retain->put(msg));
        metrics.add(Metric::MessagesRetained);
    }
    if (counted) metrics.add(Metric::MessagesPublish);
    uint64_t generation = ctx_.router.generation();
    if (const std::vector<Subscriber>* remembered = memo ? memo->lookup(generation, msg->topic) : nullptr) {
        for (const Subscriber& s : *remembered) target(msg, s, 0, result.durable);
        result.targets = remembered->size();
    } else {
        if (memo) memo->begin();
        ctx_.router.route(*msg, index_, [&](const RouteTarget& t) {
            ++result.targets;
            target(msg, *t.subscriber, t.shared_group, result.durable);
            if (memo) memo->add(*t.subscriber, t.shared_group);
        });
        if (memo) memo->finish(generation, msg->topic);
    }
    if (result.targets == 0) {
        ctx_.hooks.run(hooks::MessageDropped::noSubscribers(*msg));
        if (counted) {
            metrics.add(Metric::MessagesDroppedNoSubscribers);
            metrics.add(Metric::MessagesDropped);
        }
        return result;
    }
    // Local deliveries may publish again (a will, an event): take the batch first.
    std::vector<Delivery> local;
    local.swap(local_);
    for (Delivery& d : local) deliver(d);
    local.clear();
    if (local_.empty()) local_.swap(local);
    return result;
}

void BrokerShard::publishFromOutside(BrokerContext& ctx, MessagePtr msg) {
    if (ctx.workers.empty()) return;
    Worker* w = ctx.workers.front().get();
    w->post([w, msg = std::move(msg)] { w->shard().publish(msg); });
}

void BrokerShard::target(const MessagePtr& msg, const Subscriber& to, uint64_t shared_group, DurableWrites& writes) {
    journal(*msg, to, writes);
    Delivery d{msg, to.session_id, to.options, shared_group};
    if (to.worker == index_) {
        local_.push_back(std::move(d));
    } else {
        outgoing_[to.worker].push_back(std::move(d));
    }
}

void BrokerShard::journal(const Message& msg, const Subscriber& to, DurableWrites& writes) {
    uint8_t qos = std::min(msg.qos, to.options.qos);
    if (!to.options.durable || qos == 0 || msg.durable_id == 0 || !ctx_.durable) return;
    writes.add(
        ctx_.durable->putJournaled(to.session_id, msg.durable_id, storage::encodeJournaled(msg, qos, to.options)));
}

void BrokerShard::flushOutgoing() {
    EMQX_ASSERT_OWNER(runtime_.owner());
    for (uint32_t w = 0; w < outgoing_.size(); ++w) {
        auto& out = outgoing_[w];
        if (out.empty()) continue;
        ctx_.workers[w]->postDeliveries(std::make_move_iterator(out.begin()), std::make_move_iterator(out.end()));
        out.clear();
    }
}

void BrokerShard::deliver(Delivery& d) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    Session* s = findSession(d.session_id);
    if (d.shared_group != 0 && (!s || !s->connected())) {
        // The chosen member has gone: give the message to another live member.
        Subscriber other;
        if (ctx_.router.repick(d.shared_group, *d.msg, d.session_id, other) &&
            (other.worker != index_ || (findSession(other.session_id) && findSession(other.session_id)->connected()))) {
            // The journal follows the message to its new member.
            if (ctx_.durable && journalIdOf(d.msg, std::min(d.msg->qos, d.options.qos), d.options) != 0)
                ctx_.durable->finished(d.session_id, d.msg->durable_id);
            DurableWrites ignored;  // the publisher was acknowledged long ago
            journal(*d.msg, other, ignored);
            Delivery next{d.msg, other.session_id, other.options, 0};
            if (other.worker == index_) {
                if (Session* o = findSession(other.session_id))
                    o->deliver(next.msg, next.options, runtime_.loopWallMs());
            } else {
                outgoing_[other.worker].push_back(std::move(next));
            }
            return;
        }
    }
    if (!s) return;  // the session ended while the message was on its way
    s->deliver(d.msg, d.options, runtime_.loopWallMs());
}

Session* BrokerShard::findSession(uint64_t id) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : it->second.get();
}

Session* BrokerShard::findSessionByClientId(std::string_view client_id) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    auto it = session_ids_by_client_.find(std::string(client_id));
    return it == session_ids_by_client_.end() ? nullptr : findSession(it->second);
}

void BrokerShard::forEachSession(const std::function<void(Session&)>& visit) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    for (auto& [id, s] : sessions_) visit(*s);
}

Session& BrokerShard::createSession(std::string client_id, uint64_t id) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    // The session owns its client id (SessionRegistry's invariant). A CONNECT
    // claimed it before coming here (Channel::admitted); a restored one claims it now.
    [[maybe_unused]] uint32_t owner = ctx_.registry.claim(client_id, index_);
    assert(owner == index_);
    if (id == 0) id = ctx_.next_session_id.fetch_add(1, std::memory_order_relaxed);
    auto s = std::make_unique<Session>(id, client_id, session_services_);
    s->created_at_ms = wallClockMs();
    Session& ref = *s;
    session_ids_by_client_[std::move(client_id)] = id;
    sessions_.emplace(id, std::move(s));
    session_count_.store(sessions_.size(), std::memory_order_relaxed);
    ctx_.channels.add();
    return ref;
}

void BrokerShard::publishWill(const MessagePtr& will, std::string_view username, std::string_view peer) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    if (ctx_.security) {
        authz::ClientInfo who{will->publisher, username, peer};
        if (auto why = ctx_.security->willRefusal(who, will->topic, runtime_.metrics(), wallClockMs())) {
            ctx_.hooks.run(hooks::MessageDropped::willRefused(will.get(), will->publisher, peer, will->topic, *why));
            return;
        }
    }
    publish(will);
}

void BrokerShard::endSession(Session& s) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    for (auto& [filter, sub] : s.subscriptions()) ctx_.router.unsubscribe(filter, s.id());
    if (s.deadline_slot != DeadlineQueue::kNone)
        runtime_.schedule(DeadlineKind::Session, s.id(), s.deadline_slot, DeadlineQueue::kNone);
    std::unique_ptr<Session::PendingWill> will = std::move(s.pending_will);
    std::string username = will ? s.username : std::string();
    if (s.stored && ctx_.durable) {
        ctx_.durable->deleteSession(s.clientId());
        ctx_.durable->deleteJournal(s.id());
    }
    // A session replaced by a clean start's new one (created first) leaves the
    // client id, here and in the registry, to it.
    if (auto it = session_ids_by_client_.find(s.clientId());
        it != session_ids_by_client_.end() && it->second == s.id()) {
        session_ids_by_client_.erase(it);
        ctx_.registry.release(s.clientId(), index_);
    }
    runtime_.metrics().add(Metric::SessionTerminated);
    runtime_.setChannelOf(s.id(), nullptr);
    sessions_.erase(s.id());
    session_count_.store(sessions_.size(), std::memory_order_relaxed);
    ctx_.channels.sub();
    if (will) publishWill(will->message, username, will->peer);
}

void BrokerShard::scheduleSession(Session& s) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    // An offline persistent session: its state now is what a restart brings back.
    if (ctx_.durable && s.expiry_interval_s > 0) {
        ctx_.durable->putSession(s.clientId(), storage::encodeSession(s));
        s.stored = true;
    }
    int64_t wall = wallClockMs();
    int64_t at = -1;
    if (s.pending_will) at = s.pending_will->at_ms;
    if (s.expiry_interval_s != Session::kNeverExpire) {
        int64_t end = s.disconnected_at_ms + static_cast<int64_t>(s.expiry_interval_s) * 1000;
        if (at < 0 || end < at) at = end;
    }
    int64_t mono = at < 0 ? DeadlineQueue::kNone : runtime_.nowMs() + std::max<int64_t>(0, at - wall);
    runtime_.schedule(DeadlineKind::Session, s.id(), s.deadline_slot, mono);
}

void BrokerShard::onSessionDeadline(uint64_t id) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    Session* s = findSession(id);
    if (!s) return;
    s->deadline_slot = DeadlineQueue::kNone;
    if (s->connected()) return;
    int64_t wall = wallClockMs();
    if (s->pending_will && wall >= s->pending_will->at_ms) {
        std::unique_ptr<Session::PendingWill> will = std::move(s->pending_will);
        publishWill(will->message, s->username, will->peer);
        s = findSession(id);
        if (!s) return;
    }
    if (s->expiry_interval_s != Session::kNeverExpire &&
        wall >= s->disconnected_at_ms + static_cast<int64_t>(s->expiry_interval_s) * 1000) {
        endSession(*s);
        return;
    }
    scheduleSession(*s);
}

void BrokerShard::addSubscription(Session& s, const std::string& filter, SubscriptionOptions options) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    options.durable = ctx_.durable && s.expiry_interval_s > 0;
    s.subscriptions().insert_or_assign(filter, Subscription{filter, options});
    ctx_.router.subscribe(filter, Subscriber{index_, s.id(), options});
}

bool BrokerShard::removeSubscription(Session& s, const std::string& filter) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    auto it = s.subscriptions().find(filter);
    if (it == s.subscriptions().end()) return false;
    s.subscriptions().erase(it);
    ctx_.router.unsubscribe(filter, s.id());
    return true;
}

void BrokerShard::sessionChanged(Session& s) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    if (!ctx_.durable) return;
    bool durable = s.expiry_interval_s > 0;
    std::vector<Subscription> changed;
    for (auto& [filter, sub] : s.subscriptions())
        if (sub.options.durable != durable) changed.push_back(sub);
    for (Subscription& sub : changed) addSubscription(s, sub.filter, sub.options);
    if (durable) {
        ctx_.durable->putSession(s.clientId(), storage::encodeSession(s));
        s.stored = true;
    }
}

Session& BrokerShard::restoreSession(storage::StoredSession&& st) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    Session& s = createSession(st.client_id, st.id);
    s.expiry_interval_s = st.expiry_interval_s;
    s.created_at_ms = st.created_at_ms;
    s.disconnected_at_ms = st.disconnected_at_ms;
    s.username = std::move(st.username);
    s.stored = true;
    for (const Subscription& sub : st.subscriptions) addSubscription(s, sub.filter, sub.options);
    ctx_.router.setOnline(s.id(), false);
    for (InflightEntry& e : st.inflight) s.restoreInflight(std::move(e));
    for (QueuedMessage& q : st.mqueue) s.restoreQueued(std::move(q));
    int64_t wall = wallClockMs();
    for (uint16_t id : st.awaiting_rel) s.awaitRel(id, wall);
    int64_t at = DeadlineQueue::kNone;
    if (s.expiry_interval_s != Session::kNeverExpire) {
        int64_t end = s.disconnected_at_ms + static_cast<int64_t>(s.expiry_interval_s) * 1000;
        at = runtime_.nowMs() + std::max<int64_t>(0, end - wall);
    }
    runtime_.schedule(DeadlineKind::Session, s.id(), s.deadline_slot, at);
    return s;
}

size_t BrokerShard::saveSessions() {
    EMQX_ASSERT_OWNER(runtime_.owner());
    if (!ctx_.durable) return 0;
    size_t n = 0;
    for (auto& [id, s] : sessions_) {
        if (s->expiry_interval_s == 0) continue;
        ctx_.durable->putSession(s->clientId(), storage::encodeSession(*s));
        s->stored = true;
        ++n;
    }
    return n;
}

}  // namespace emqx
