#pragma once
// One I/O worker: a thread running its own libuv loop that owns a set of
// connections and the sessions living on it. Other threads reach it only
// through its inbox (post / postDeliveries / adoptSocket); everything else is
// called on the worker's own thread, and asserts so in debug builds (owner():
// set while run() runs the loop; before and after, the main thread may).
#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "common/mqtt/packet.h"
#include "common/thread/owner_thread.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/log/protocol_error_log.h"
#include "emqxd/metrics/metrics.h"
#include "emqxd/net/write_request.h"
#include "emqxd/protocol/publish_header_cache.h"
#include "emqxd/worker/deadline_queue.h"
#include "emqxd/worker/delivery.h"
#include "emqxd/worker/inbox.h"

namespace emqx {

class Connection;
class BrokerShard;
class Channel;
namespace auth {
class PasswordVerifier;
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
    // The thread running this worker's loop: every object the worker owns
    // (connections, channels, sessions, its shard) asserts it (EMQX_ASSERT_OWNER).
    const OwnerThread& owner() const { return owner_; }
    // Whether acks of this worker wait for a durable commit (the store's
    // writer thread asks, to wake only the workers that wait).
    bool acksWaitForCommit() const;

    // --- the worker's own thread ---
    BrokerContext& ctx() { return ctx_; }
    uv_loop_t* loop() {
        EMQX_ASSERT_OWNER(owner_);
        return &loop_;
    }
    Metrics& metrics() {
        EMQX_ASSERT_OWNER(owner_);
        return metrics_;
    }
    int64_t nowMs() const {
        EMQX_ASSERT_OWNER(owner_);
        return static_cast<int64_t>(uv_now(const_cast<uv_loop_t*>(&loop_)));
    }
    // The wall clock as of this loop iteration: the loop's time plus an offset
    // taken once per iteration, so the per-message path reads no clock.
    int64_t loopWallMs() const { return nowMs() + wall_offset_ms_; }

    // The broker's work on this worker: sessions, subscriptions, publish, acks.
    BrokerShard& shard() {
        EMQX_ASSERT_OWNER(owner_);
        return *shard_;
    }
    // A connection of this worker by id; null once it is gone (asynchronous
    // completions hold ids, never pointers).
    Connection* findConnection(uint64_t id);
    bool connectionOpen(uint64_t id);
    // Slow password checks (bcrypt, pbkdf2) of this worker's CONNECTs.
    auth::PasswordVerifier& passwordVerifier() {
        EMQX_ASSERT_OWNER(owner_);
        return *verifier_;
    }
    // The channel (of a connection) currently attached to a session, if any.
    Channel* channelOf(uint64_t session_id);
    void setChannelOf(uint64_t session_id, Channel* c);

    void schedule(DeadlineKind kind, uint64_t id, int64_t& slot, int64_t at_ms);
    // A warning about a peer's error (throttled: see ProtocolErrorLog).
    void logProtocolError(const ProtocolErrorEvent& e);
    void markDirty(Connection* c);
    void connectionClosed(uint64_t id);  // from the connection's uv_close callback
    void sendToOwner(MigratingConnection m, uint32_t owner);

    WriteRequestPool& writeRequests() {
        EMQX_ASSERT_OWNER(owner_);
        return write_requests_;
    }
    // PUBLISH headers of the message being delivered, shared by its subscribers here.
    PublishHeaderCache& publishHeaders() {
        EMQX_ASSERT_OWNER(owner_);
        return publish_headers_;
    }

    // A shared read buffer for every connection of this worker: an idle
    // connection holds no input buffer.
    char* readBuffer() {
        EMQX_ASSERT_OWNER(owner_);
        return read_buffer_.get();
    }
    // Where a TLS / WebSocket connection's plaintext lands before parsing.
    std::string& transportScratch() {
        EMQX_ASSERT_OWNER(owner_);
        return transport_scratch_;
    }
    // Where a channel encodes a packet before appending it to its output
    // (one per worker, not one per connection: idle connections stay small).
    std::string& encodeScratch() {
        EMQX_ASSERT_OWNER(owner_);
        return encode_scratch_;
    }
    static constexpr size_t kReadBufferSize = config::kReadBufferLimit;

private:
    void run();
    void onWakeup();
    void onTimer();
    void armTimer();
    void flushDirty();
    void refreshWallOffset();
    // The loop's own handles: closed once no connection is left at a stop.
    void closeLoopHandles();
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
    OwnerThread owner_;
    Metrics metrics_;
    DeadlineQueue deadlines_;
    ProtocolErrorLog protocol_errors_;
    int64_t log_window_slot_ = DeadlineQueue::kNone;
    int64_t timer_armed_at_ = -1;
    int64_t wall_offset_ms_ = 0;  // wallClockMs() - nowMs(), see loopWallMs()
    std::unique_ptr<char[]> read_buffer_;
    WriteRequestPool write_requests_;
    PublishHeaderCache publish_headers_;
    std::string transport_scratch_;
    std::string encode_scratch_;
    std::unique_ptr<auth::PasswordVerifier> verifier_;
    uint64_t next_connection_id_ = 1;
    std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
    std::unordered_map<uint64_t, Channel*> attached_;
    std::vector<Connection*> dirty_;
    std::atomic<size_t> connection_count_{0};
    std::unique_ptr<BrokerShard> shard_;
    bool stopping_ = false;
    bool started_ = false;
};

}  // namespace emqx
