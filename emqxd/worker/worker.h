#pragma once
// One I/O worker: a thread running its own libuv loop that owns a set of
// connections and the sessions living on it. Other threads reach it only
// through its inbox (post / postDeliveries / adoptSocket); everything else is
// called on the worker's own thread.
#include <uv.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/mqtt/packet.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/log/protocol_error_log.h"
#include "emqxd/metrics/metrics.h"
#include "emqxd/net/write_request.h"
#include "emqxd/protocol/publish_header_cache.h"
#include "emqxd/router/route_memo.h"
#include "emqxd/worker/deadline_queue.h"
#include "emqxd/worker/delivery.h"
#include "emqxd/worker/inbox.h"

namespace emqx {

class Connection;
class Session;
namespace auth {
class PasswordVerifier;
}
namespace storage {
struct StoredSession;
}
class Transport;
struct ListenerStats;

// A connection on its way to the worker that owns its client id's session:
// the socket, what it had read past the CONNECT, and the CONNECT itself.
struct MigratingConnection {
    int fd = -1;
    ListenerStats* listener = nullptr;
    std::string peer;
    int64_t connected_at_ms = 0;
    mqtt::Connect connect;
    std::string unread;
    int hops = 0;
    std::unique_ptr<Transport> transport;  // TLS / WebSocket state (nullptr: plain TCP)
    std::string wire;                      // transport bytes not yet written
};

class Worker {
public:
    using Task = std::function<void()>;
    using InboxItem = std::variant<Delivery, Task>;

    Worker(BrokerContext& ctx, uint32_t index);
    ~Worker();

    // --- any thread ---
    void start();
    void join();
    uint32_t index() const { return index_; }
    void post(Task task);
    template <class It>
    void postDeliveries(It first, It last) {
        inbox_.pushRange(first, last);
    }
    void adoptSocket(int fd, ListenerStats* listener, std::string peer);
    void adoptMigrating(MigratingConnection m);
    // Closes every connection with reason `shutdown` and stops the loop.
    void requestStop();
    const Metrics& metrics() const { return metrics_; }
    size_t connectionCount() const { return connection_count_.load(std::memory_order_relaxed); }
    size_t sessionCount() const { return session_count_.load(std::memory_order_relaxed); }

    // --- the worker's own thread ---
    BrokerContext& ctx() { return ctx_; }
    uv_loop_t* loop() { return &loop_; }
    Metrics& metrics() { return metrics_; }
    int64_t nowMs() const { return static_cast<int64_t>(uv_now(const_cast<uv_loop_t*>(&loop_))); }
    static int64_t wallMs();
    // The wall clock as of this loop iteration: the loop's time plus an offset
    // taken once per iteration, so the per-message path reads no clock.
    int64_t loopWallMs() const { return nowMs() + wall_offset_ms_; }

    // Routes a message published on this worker: local subscribers are served
    // at once, every other worker gets its share at the end of the loop
    // iteration, batched with the iteration's other messages (postOutgoing).
    // Returns how many subscriptions it was routed to.
    // `memo`: the publisher's remembered route (see route_memo.h), or null.
    size_t publish(const MessagePtr& msg, RouteMemo* memo = nullptr);

    Session* findSession(uint64_t id);
    // For the control plane (`emqxctl clients`, `subscriptions`): visits every
    // session of this worker, connected or not.
    void forEachSession(const std::function<void(Session&)>& visit);
    Session* findSessionByClientId(std::string_view client_id);
    // `id` 0: a new id; otherwise a restored session's own (journals are keyed by it).
    // Claims the client id for this worker (SessionRegistry's invariant).
    Session& createSession(std::string client_id, uint64_t id = 0);
    // Sends a will (at disconnect, after its delay, or at the session's end)
    // once it passes the client's publish authorization and ban check then;
    // a refused will is counted and traced, never published, retained or queued.
    void publishWill(const MessagePtr& will, std::string_view username, std::string_view peer);
    // Terminates: routes, pending will, journal, and the client id's registry
    // entry unless a newer session of the same id here has replaced this one.
    void endSession(Session& s);
    // Adds or replaces `filter` in the session and the router (every path that
    // subscribes comes here): marked durable when the session is persistent and
    // durable storage is on, so publishers journal what they route to it.
    void addSubscription(Session& s, const std::string& filter, SubscriptionOptions options);
    // False when the session had no such subscription.
    bool removeSubscription(Session& s, const std::string& filter);
    // After CONNECT or a change of subscriptions: the subscriptions follow the
    // session's persistence, and a persistent session's record is rewritten so
    // a crash keeps it.
    void sessionChanged(Session& s);
    // Schedules an offline session's end (expiry) and its pending will.
    void scheduleSession(Session& s);
    // A connection of this worker by id; null once it is gone (asynchronous
    // completions hold ids, never pointers).
    Connection* findConnection(uint64_t id);
    // Slow password checks (bcrypt, pbkdf2) of this worker's CONNECTs.
    auth::PasswordVerifier& passwordVerifier() { return *verifier_; }
    // The connection currently attached to a session, if any.
    Connection* connectionOf(uint64_t session_id);
    void setConnectionOf(uint64_t session_id, Connection* c);

    // --- durable storage (emqxd/storage) ---
    // Before the worker starts (main thread): a stored session lives here
    // again: its registry entry, its subscriptions in the router (offline), its
    // expiry deadline.
    Session& restoreSession(storage::StoredSession&& stored);
    // After the worker stopped (main thread): writes every persistent session
    // to the durable store; returns how many.
    size_t saveSessions();
    // Whether a PUBACK/PUBREC to `connection_id` must wait: it depends on the
    // durable write `seq` (0: none), not yet committed under durable.fsync
    // always|batch, or acks deferred before it on that connection are still
    // waiting. Asked for every QoS 1/2 publish, so it is cheap, and the
    // waiting path (a closure) is built only when the answer is yes.
    bool ackMustWait(uint64_t connection_id, uint64_t seq) const;
    // Queues an ack for which ackMustWait() said yes: `send` runs on this
    // thread after the commit, if the connection is still open, told whether
    // the writes [first_seq, seq] it depends on were all committed.
    void deferUntilCommitted(uint64_t connection_id, uint64_t first_seq, uint64_t seq,
                             std::function<void(Connection&, bool stored)> send);
    // Any thread: whether deferred acks wait for a commit (the store's writer asks).
    bool waitingForCommit() const { return waiting_commit_.load(); }
    // This thread (posted by the store's commit listener).
    void onDurableCommitted(uint64_t seq);

    void schedule(DeadlineKind kind, uint64_t id, int64_t& slot, int64_t at_ms);
    // A warning about a peer's error (throttled: see ProtocolErrorLog).
    void logProtocolError(const ProtocolErrorEvent& e);
    void markDirty(Connection* c);
    void connectionClosed(uint64_t id);  // from the connection's uv_close callback
    void sendToOwner(MigratingConnection m, uint32_t owner);

    WriteRequestPool& writeRequests() { return write_requests_; }
    // PUBLISH headers of the message being delivered, shared by its subscribers here.
    PublishHeaderCache& publishHeaders() { return publish_headers_; }

    // A shared read buffer for every connection of this worker: an idle
    // connection holds no input buffer.
    char* readBuffer() { return read_buffer_.get(); }
    // Where a TLS / WebSocket connection's plaintext lands before parsing.
    std::string& transportScratch() { return transport_scratch_; }
    // Where a channel encodes a packet before appending it to its output
    // (one per worker, not one per connection: idle connections stay small).
    std::string& encodeScratch() { return encode_scratch_; }
    static constexpr size_t kReadBufferSize = config::kReadBufferLimit;

private:
    void run();
    void onWakeup();
    void onTimer();
    void armTimer();
    void flushDirty();
    // Hands each other worker the deliveries this iteration routed to it: one
    // inbox push and at most one wakeup per worker per iteration, not per message.
    void postOutgoing();
    void refreshWallOffset();
    void handle(Delivery& d);
    // Writes `msg` to the durable journal of a durable subscriber (QoS 1/2),
    // before the publisher's acknowledgement (which waits for the commit).
    void journal(const Message& msg, const Subscriber& to);
    void deliverLocal(const Delivery& d);
    void onSessionDeadline(uint64_t id);
    Connection& newConnection(int fd, ListenerStats* listener, std::string peer, std::unique_ptr<Transport> transport,
                              std::string wire = {});

    BrokerContext& ctx_;
    const uint32_t index_;
    uv_loop_t loop_{};
    uv_async_t wakeup_{};
    uv_timer_t timer_{};
    uv_prepare_t prepare_{};
    uv_check_t check_{};
    Inbox<InboxItem> inbox_;
    std::vector<InboxItem> batch_;
    std::thread thread_;
    Metrics metrics_;
    DeadlineQueue deadlines_;
    ProtocolErrorLog protocol_errors_;
    int64_t log_window_slot_ = DeadlineQueue::kNone;
    int64_t timer_armed_at_ = -1;
    int64_t wall_offset_ms_ = 0;  // wallMs() - nowMs(), see loopWallMs()
    std::unique_ptr<char[]> read_buffer_;
    WriteRequestPool write_requests_;
    PublishHeaderCache publish_headers_;
    std::string transport_scratch_;
    std::string encode_scratch_;
    std::unique_ptr<auth::PasswordVerifier> verifier_;
    uint64_t next_connection_id_ = 1;
    std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
    std::unordered_map<uint64_t, std::unique_ptr<Session>> sessions_;
    std::unordered_map<std::string, uint64_t> session_ids_by_client_;
    std::unordered_map<uint64_t, Connection*> attached_;
    std::vector<Connection*> dirty_;
    std::vector<std::vector<Delivery>> outgoing_;  // per target worker, reused
    std::vector<Delivery> local_;
    std::atomic<size_t> connection_count_{0};
    std::atomic<size_t> session_count_{0};
    // Acks waiting for a durable commit, in the order they are to be sent.
    struct DeferredAck {
        uint64_t seq;        // sent once this is committed (acks of a connection keep their order)
        uint64_t first_seq;  // the writes it depends on: [first_seq, own_seq]; 0: none
        uint64_t own_seq;
        uint64_t connection_id;
        std::function<void(Connection&, bool stored)> send;
    };
    std::deque<DeferredAck> deferred_acks_;
    std::unordered_map<uint64_t, size_t> deferred_per_connection_;
    std::atomic<bool> waiting_commit_{false};
    bool stopping_ = false;
};

}  // namespace emqx
