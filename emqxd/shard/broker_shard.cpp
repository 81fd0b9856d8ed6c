#include "emqxd/shard/broker_shard.h"

#include <cassert>

#include "common/clock/wall_clock.h"
#include "common/topic/topic.h"
#include "emqxd/auth/security.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/peer/node_links.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/session_manager.h"
#include "emqxd/storage/durable_store.h"
#include "emqxd/storage/record_codec.h"

namespace emqx {

BrokerShard::BrokerShard(WorkerRuntime& runtime, BrokerContext& ctx, std::function<bool(uint64_t)> connection_open)
    : runtime_(runtime),
      ctx_(ctx),
      index_(runtime.index()),
      sessions_(std::make_unique<SessionManager>(runtime, *this)),
      acks_(ctx_.durable.get(), std::move(connection_open)) {
    outgoing_.resize(ctx_.worker_count);
    // The worker's thread owns the shard, its sessions and its ack gate.
    acks_.bindOwner(runtime.owner());
}

BrokerShard::~BrokerShard() = default;

PublishResult BrokerShard::publish(const MessagePtr& published, RouteMemo* memo) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    MessagePtr rewritten;
    const MessagePtr& msg = ctx_.hooks.publish(published, rewritten);  // message.publish: null when dropped
    if (!msg) return {};
    Metrics& metrics = runtime_.metrics();
    PublishResult result;
    if (msg->retain && ctx_.cfg.mqtt.retain_available) {
        result.durable.add(ctx_.retain->put(msg));
        metrics.add(Metric::MessagesRetained);
    }
    // As EMQX: the broker's own $SYS messages are not in messages.publish (nor,
    // in dispatch, in messages.dropped).
    if (!topic::isSys(msg->topic)) metrics.add(Metric::MessagesPublish);
    dispatch(msg, memo, RouteScope::Cluster, result);
    return result;
}

PublishResult BrokerShard::publishFromNode(const MessagePtr& msg) {
    PublishResult result;
    dispatch(msg, nullptr, RouteScope::ThisNode, result);
    return result;
}

void BrokerShard::dispatch(const MessagePtr& msg, RouteMemo* memo, RouteScope scope, PublishResult& result) {
    uint64_t generation = ctx_.router.generation();
    if (const RouteMemo::Route* remembered = memo ? memo->lookup(generation, msg->topic) : nullptr) {
        for (const Subscriber& s : remembered->sessions) target(msg, s, 0, result.durable);
        for (NodeId node : remembered->nodes) target(msg, node);
        result.targets = remembered->size();
    } else {
        if (memo) memo->begin();
        ctx_.router.route(
            *msg, index_,
            [&](const RouteTarget& t) {
                ++result.targets;
                if (t.remote()) target(msg, t.node);
                else target(msg, *t.subscriber, t.shared_group, result.durable);
                if (memo) memo->add(t);
            },
            scope);
        if (memo) memo->finish(generation, msg->topic);
    }
    if (result.targets == 0) {
        ctx_.hooks.run(hooks::MessageDropped::noSubscribers(*msg));
        if (!topic::isSys(msg->topic)) {
            runtime_.metrics().add(Metric::MessagesDroppedNoSubscribers);
            runtime_.metrics().add(Metric::MessagesDropped);
        }
        return;
    }
    // Local deliveries may publish again (a will, an event): take the batch first.
    std::vector<Delivery> local;
    local.swap(local_);
    for (Delivery& d : local) deliver(d);
    local.clear();
    if (local_.empty()) local_.swap(local);
}

bool BrokerShard::publishFromOutside(BrokerContext& ctx, MessagePtr msg, PublishDone done) {
    if (ctx.shards.empty()) return false;
    BrokerShard* shard = ctx.shards.front();
    shard->runtime_.post([shard, msg = std::move(msg), done = std::move(done)] {
        PublishResult result = shard->publish(msg);
        if (done) done(result);
    });
    return true;
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

void BrokerShard::target(const MessagePtr& msg, NodeId node) {
    if (node >= to_nodes_.size()) to_nodes_.resize(node + 1);
    to_nodes_[node].push_back(msg);
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
        ctx_.runtimes[w]->postDeliveries(std::make_move_iterator(out.begin()), std::make_move_iterator(out.end()));
        out.clear();
    }
    for (size_t node = 0; node < to_nodes_.size(); ++node) {
        std::vector<MessagePtr>& batch = to_nodes_[node];
        if (batch.empty()) continue;
        // Node routes exist only where the cluster gave this worker its links.
        assert(index_ < ctx_.node_links.size() && ctx_.node_links[index_]);
        ctx_.node_links[index_]->send(static_cast<NodeId>(node), batch);
        runtime_.metrics().add(Metric::MessagesForward, batch.size());
        batch.clear();
    }
}

void BrokerShard::deliver(Delivery& d) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    Session* s = sessions_->find(d.session_id);
    if (!s && sessions_->holdForHandOver(d)) return;
    if (d.shared_group != 0 && (!s || !s->connected())) {
        // The chosen member has gone: give the message to another live member.
        Subscriber other;
        if (ctx_.router.repick(d.shared_group, *d.msg, d.session_id, other) &&
            (other.worker != index_ ||
             (sessions_->find(other.session_id) && sessions_->find(other.session_id)->connected()))) {
            // The journal follows the message to its new member.
            if (ctx_.durable && journalIdOf(d.msg, std::min(d.msg->qos, d.options.qos), d.options) != 0)
                ctx_.durable->finished(d.session_id, d.msg->durable_id);
            DurableWrites ignored;  // the publisher was acknowledged long ago
            journal(*d.msg, other, ignored);
            Delivery next{d.msg, other.session_id, other.options, 0};
            if (other.worker == index_) {
                if (Session* o = sessions_->find(other.session_id))
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

void BrokerShard::publishWill(const MessagePtr& will, std::string_view username, std::string_view peer,
                              bool superuser) {
    EMQX_ASSERT_OWNER(runtime_.owner());
    if (ctx_.security) {
        authz::ClientInfo who{will->publisher, username, peer};
        if (auto why = ctx_.security->willRefusal(who, superuser, will->topic, runtime_.metrics(), wallClockMs())) {
            ctx_.hooks.run(hooks::MessageDropped::willRefused(will.get(), will->publisher, peer, will->topic, *why));
            return;
        }
    }
    publish(will);
}

}  // namespace emqx
