#pragma once
// The broker's work on one worker (EMQX's broker + session manager for the
// sessions this worker owns): the session table, subscriptions, publish and
// dispatch, session expiry and wills, and the gate that holds acks for the
// durable store. It runs on its worker's runtime (loop, inbox, timers);
// `Channel` calls this shard for everything past the protocol.
// Owner: the worker thread; other threads reach it through the worker's inbox.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "emqxd/message/message.h"
#include "emqxd/peer/node_id.h"
#include "emqxd/router/route_memo.h"
#include "emqxd/router/subscription_options.h"
#include "emqxd/runtime/delivery.h"
#include "emqxd/runtime/worker_runtime.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/ack_gate.h"
#include "emqxd/storage/durable_writes.h"

namespace emqx {

struct BrokerContext;
struct Subscriber;
class SessionManager;

// What a publish did: how many targets it was routed to (subscriptions here,
// other nodes each once), and what it queued in the durable store (the
// publisher's ack waits for that).
struct PublishResult {
    size_t targets = 0;
    DurableWrites durable;
};

class BrokerShard {
public:
    // `connection_open`: whether a connection of this worker is still open
    // (the ack gate's question).
    BrokerShard(WorkerRuntime& runtime, BrokerContext& ctx,
                std::function<bool(uint64_t connection_id)> connection_open);
    ~BrokerShard();
    BrokerShard(const BrokerShard&) = delete;
    BrokerShard& operator=(const BrokerShard&) = delete;

    WorkerRuntime& runtime() { return runtime_; }
    BrokerContext& ctx() { return ctx_; }

    // --- publish and dispatch ---
    // Routes a message published on this worker: local subscribers are served
    // at once, every other worker and every other node with a matching route
    // gets its share at the end of the loop iteration, batched with the
    // iteration's other messages (flushOutgoing).
    // `memo`: the publisher's remembered route (see route_memo.h), or null.
    PublishResult publish(const MessagePtr& msg, RouteMemo* memo = nullptr);
    // A message another node published and forwarded here (its link delivers
    // it on this worker): dispatched to this node's subscribers as publish()
    // dispatches, journal included, and never forwarded to a node again (two
    // nodes would loop). As EMQX's dispatch of a forwarded message, the
    // publishing node alone ran message.publish, retained it and counted it
    // in messages.publish. `msg` is this node's copy, with no publisher
    // session (session ids are per node; No Local is the publishing node's).
    PublishResult publishFromNode(const MessagePtr& msg);
    // Sends a will (at disconnect, after its delay, or at the session's end)
    // once it passes the client's publish authorization and ban check then;
    // a refused will is counted and traced, never published, retained or queued.
    void publishWill(const MessagePtr& will, std::string_view username, std::string_view peer, bool superuser);
    // A delivery another worker routed to a session of this one.
    void deliver(Delivery& d);
    // Hands each other worker the deliveries this iteration routed to it: one
    // inbox push and at most one wakeup per worker per iteration, not per
    // message; and each other node its batch, through this worker's NodeLinks.
    void flushOutgoing();

    // The sessions this worker owns (their life cycle and hand-over).
    SessionManager& sessions() { return *sessions_; }
    const SessionManager& sessions() const { return *sessions_; }
    AckGate& acks() { return acks_; }
    const AckGate& acks() const { return acks_; }

    // Publishes a message made off the workers (the control loop's $SYS
    // topics; the HTTP API and bridges to come) through the same dispatch as a
    // client's: worker 0's shard routes it, so retain_available, metrics and the
    // journal apply, and messages from one caller keep their order. Any thread.
    // `done`, when given, gets what the publish did (whether it reached
    // anyone: the HTTP API's 200 or 202); it runs on worker 0's thread, so it
    // must only hand the result on (e.g. post it to the control loop), never
    // touch that worker's state. False when there is no worker to publish on
    // (the message was dropped and `done` will not run).
    using PublishDone = std::function<void(const PublishResult&)>;
    static bool publishFromOutside(BrokerContext& ctx, MessagePtr msg, PublishDone done = nullptr);

private:
    // Routes `msg` (within `scope`) and serves this worker's targets; counts
    // and reports a message reaching nobody.
    void dispatch(const MessagePtr& msg, RouteMemo* memo, RouteScope scope, PublishResult& result);
    // Queues `msg` for `to`: here, or in the batch of `to`'s worker.
    void target(const MessagePtr& msg, const Subscriber& to, uint64_t shared_group, DurableWrites& writes);
    // Queues `msg` in the batch of another node.
    void target(const MessagePtr& msg, NodeId node);
    // Writes `msg` to the durable journal of a durable subscriber (QoS 1/2),
    // before the publisher's acknowledgement (which waits for the commit).
    void journal(const Message& msg, const Subscriber& to, DurableWrites& writes);

    WorkerRuntime& runtime_;
    BrokerContext& ctx_;
    const uint32_t index_;
    std::unique_ptr<SessionManager> sessions_;
    std::vector<std::vector<Delivery>> outgoing_;    // per target worker, reused
    std::vector<std::vector<MessagePtr>> to_nodes_;  // per peer node (by NodeId), reused; empty on a single node
    std::vector<Delivery> local_;
    AckGate acks_;
};

}  // namespace emqx
