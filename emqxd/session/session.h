#pragma once
// An MQTT session: subscriptions, the outgoing inflight window, the message
// queue (mqueue) for what does not fit or arrives while offline, the retained
// backlog (retained messages a SUBSCRIBE matched that the connection has not
// taken yet), and the incoming QoS 2 packet ids awaiting PUBREL. Owner: one
// worker thread; it lives on that worker from creation to end (connections
// move to it, not it to them).
//
// Order of what waits: a session sends in arrival order. Retained messages
// found at a SUBSCRIBE go after what the mqueue held then; while a retained
// backlog is pending, live messages of any QoS wait in the mqueue behind it
// (QoS 0 too: sent ahead, a live message could reach the client before an
// older retained message on the same topic, which would then overwrite it in
// the client's view). So during a retained burst live QoS 0 is bounded by
// max_mqueue_len (drop oldest) and needs mqueue_store_qos0, like QoS 1/2.
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/config/broker_config.h"
#include "common/thread/owner_thread.h"
#include "emqxd/message/message.h"
#include "emqxd/metrics/metrics.h"
#include "emqxd/router/subscription_options.h"
#include "emqxd/runtime/deadline_queue.h"
#include "emqxd/session/delivery_sink.h"
#include "emqxd/session/fifo_queue.h"
#include "emqxd/session/session_journal.h"

namespace emqx {

struct Subscription {
    std::string filter;  // as the client wrote it, "$share/g/t" included
    SubscriptionOptions options;
};

struct InflightEntry {
    uint16_t packet_id;
    // Its place in the order the session's window took messages (Session::inflightSeqAfter);
    // in the padding after packet_id, so it costs no byte.
    uint32_t seq = 0;
    MessagePtr msg;
    uint8_t qos;
    SubscriptionOptions options;
    bool pubrec_received = false;  // QoS 2: PUBREL sent, waiting for PUBCOMP
    int64_t sent_at_ms = 0;
    uint64_t journal_id = 0;  // the message's durable_id when it is journaled for this session
};

struct QueuedMessage {
    MessagePtr msg;
    uint8_t qos;
    SubscriptionOptions options;
};

// Retained messages waiting for the connection, and where they stand against
// the mqueue. Not bounded by max_mqueue_len, and that is safe: an entry is a
// shared pointer to a message the retained store holds anyway, plus the
// subscription's options (40 bytes), so a burst of N costs 40·N bytes for as
// long as the client takes to read it. It exists only while non-empty (see
// Session::RareParts) and not in the session record: a session
// that disconnects drops it (see detach()).
struct RetainedBacklog {
    struct Entry {
        QueuedMessage message;  // qos already downgraded
        // The entry is due once mqueue_popped reaches this: the mqueue entries
        // that arrived before it (queued when its SUBSCRIBE came) are gone.
        uint64_t due_after_popped;
    };
    FifoQueue<Entry> entries;
    uint64_t mqueue_popped = 0;  // mqueue entries sent or dropped since the backlog began
};

// The durable_id under which a publisher journaled `msg` for a session (see
// session_journal.h), or 0 when it did not.
inline uint64_t journalIdOf(const MessagePtr& msg, uint8_t qos, const SubscriptionOptions& options) {
    return options.durable && qos > 0 && msg ? msg->durable_id : 0;
}

// Why a message meant for this session was not delivered.
enum class DropReason { NoLocal, Expired, QueueFull, Qos0Offline, TooLarge, OutputFull, NotAuthorized };
inline constexpr size_t kDropReasonCount = 7;
// EMQX's words: no_local, expired, queue_full, qos0_msg, too_large, output_full;
// ours: not_authorized (authorization.check_on_delivery).
std::string_view dropReasonName(DropReason r);

namespace hooks {
class HookBus;
}

// What the sessions of one worker share, held by each session as one pointer
// (an idle session's size matters): the MQTT limits, the worker's counters,
// the durable journal (null: nothing is journaled) and the hook bus told of
// delivery drops and acknowledgements (null: nobody is), and the worker's
// thread that the session's methods assert (bound by the shard; sessions are
// restored on the main thread before that worker's loop runs, which the owner
// allows; unbound in unit tests).
struct SessionServices {
    const config::MqttConfig& cfg;
    Metrics& metrics;
    SessionJournal* journal = nullptr;
    const hooks::HookBus* hooks = nullptr;
    OwnerRef owner{};
};

class Session {
public:
    static constexpr uint32_t kNeverExpire = 0xFFFFFFFF;

    // `services` outlives the session.
    Session(uint64_t id, std::string client_id, const SessionServices& services);

    uint64_t id() const { return id_; }
    const std::string& clientId() const { return client_id_; }
    bool connected() const { return sink_ != nullptr; }

    // Attach a connection: resends the inflight window (DUP, or PUBREL where a
    // PUBREC came) then fills it from the mqueue. Detach keeps everything but
    // the retained backlog: retained messages answer a SUBSCRIBE and are not
    // part of the session record, so what the client had not taken yet is
    // gone, for a persistent session too (the client gets them again by
    // subscribing again). Not counted as delivery drops, as a clean session's
    // mqueue at its end is not.
    void attach(DeliverySink* sink, int64_t now_ms);
    void detach();

    // A message routed to this session (already matched, not yet downgraded).
    void deliver(const MessagePtr& msg, const SubscriptionOptions& options, int64_t now_ms);
    // The retained messages a SUBSCRIBE matched (not yet downgraded): sent as
    // the connection takes them, paced by onOutputDrained and acks, never
    // dropped for a full output or mqueue.
    void deliverRetained(const std::vector<MessagePtr>& found, const SubscriptionOptions& options, int64_t now_ms);

    // Acknowledgements from the client; false when the packet id is unknown.
    bool onPuback(uint16_t packet_id, int64_t now_ms);
    bool onPubrec(uint16_t packet_id, int64_t now_ms);  // then the caller sends PUBREL
    bool onPubcomp(uint16_t packet_id, int64_t now_ms);

    // The connection's output drained: continue from the mqueue and the retained backlog.
    void onOutputDrained(int64_t now_ms) { sendPending(now_ms); }

    // Resends what has waited retry_interval; returns the next retry time or -1.
    int64_t retryDue(int64_t now_ms);

    // Incoming QoS 2: a new packet id starts awaiting PUBREL; false when it is
    // a duplicate (already awaiting). Capacity is checked by the caller.
    bool awaitRel(uint16_t packet_id, int64_t now_ms);
    bool release(uint16_t packet_id);
    size_t awaitingRelCount() const { return awaitingRel().size(); }
    // Drops awaiting ids older than await_rel_timeout; returns how many.
    size_t expireAwaitingRel(int64_t now_ms);
    int64_t nextAwaitRelExpiry() const;

    std::map<std::string, Subscription, std::less<>>& subscriptions() { return subscriptions_; }
    const std::map<std::string, Subscription, std::less<>>& subscriptions() const { return subscriptions_; }

    size_t inflightCount() const { return inflight_.size(); }
    size_t queueLength() const { return mqueue_.size(); }
    size_t retainedBacklogLength() const { return retainedBacklog() ? retainedBacklog()->entries.size() : 0; }
    uint64_t deliveredCount() const { return delivered_; }
    uint64_t droppedCount() const;
    uint64_t enqueuedCount() const { return enqueued_; }
    uint64_t droppedCount(DropReason r) const {
        return rare_ && rare_->drops ? (*rare_->drops)[static_cast<size_t>(r)] : 0;
    }
    // Bytes this session holds: itself, its subscriptions, its inflight window,
    // mqueue and awaiting-rel ids, counting each referenced message's topic and
    // payload in full (messages shared with other sessions count for each), and
    // its retained backlog's entries only (their messages are the retained
    // store's, which holds them with or without this session). An estimate
    // for `emqxctl clients show`; O(subscriptions + inflight).
    uint64_t memoryBytes() const;
    // The connection's sink while one is attached.
    const DeliverySink* sink() const { return sink_; }
    DeliverySink* sink() { return sink_; }

    // Durable storage (emqxd/storage): the state a persistent session saves,
    // and the way it comes back into a new Session at start.
    const FifoQueue<InflightEntry>& inflight() const { return inflight_; }
    template <class F>
    void forEachQueued(F&& f) const {
        mqueue_.forEach(f);
    }

    // Where entries stand, for the paged views of the mqueue and the inflight
    // window (GET clients/:clientid/mqueue_messages, inflight_messages). The
    // mqueue only grows at the back and shrinks at the front, so its entries'
    // places are counted, not stored: the front one is the
    // firstQueuedSeq()-th message this session queued, the next one follows.
    // Inflight entries are acknowledged out of order, so each keeps its own
    // InflightEntry::seq, 32 bits that wrap: compare with inflightSeqAfter().
    uint64_t firstQueuedSeq() const { return enqueued_ - mqueue_.size() + 1; }
    const QueuedMessage& queuedAt(size_t i) const { return mqueue_[i]; }  // 0: the front; i < queueLength()
    static bool inflightSeqAfter(uint32_t seq, uint32_t position) {
        return static_cast<int32_t>(seq - position) > 0;  // the window is far shorter than 2^31
    }
    std::vector<uint16_t> awaitingRelIds() const;
    void restoreInflight(InflightEntry e);
    void restoreQueued(QueuedMessage q);
    // Set once this session has a record in the durable store (then its end deletes it).
    bool stored = false;
    // Lifetime, set by the channel from CONNECT / DISCONNECT.
    uint32_t expiry_interval_s = 0;
    int64_t created_at_ms = 0;
    int64_t disconnected_at_ms = 0;
    std::string username;

    // An offline session's end, or a pending will's publish time, in the
    // worker's DeadlineQueue: made on first use (a connected session has no
    // deadline); deadlineSlotIfMade() is null until then.
    DeadlineSlot& deadlineSlot();
    DeadlineSlot* deadlineSlotIfMade() { return rare_ ? &rare_->deadline_slot : nullptr; }

    // A will waiting for its Will Delay Interval. It keeps what its
    // authorization needs when it is sent, after the connection is gone.
    struct PendingWill {
        MessagePtr message;
        std::string peer;
        int64_t at_ms = 0;
        bool superuser = false;  // its client was one (auth::Security::Admission)
    };
    const PendingWill* pendingWill() const { return rare_ ? rare_->pending_will.get() : nullptr; }
    void setPendingWill(std::unique_ptr<PendingWill> will);
    std::unique_ptr<PendingWill> takePendingWill();  // null when there is none

    // Frees the rarely used parts once none is in use (after an unschedule).
    void trimRareParts();

private:
    // Packet id -> arrival of incoming QoS 2 messages awaiting PUBREL (up to
    // max_awaiting_rel, 65535: a hash map, not a list searched linearly).
    using AwaitingRel = std::unordered_map<uint16_t, int64_t>;
    // What most sessions never use, behind one pointer made on first use and
    // freed when nothing in it is used (trimRareParts): an idle connected
    // session pays 8 B for these 56. Each part is itself made only when needed
    // (a retained backlog only while non-empty) so that the part one session
    // uses does not cost it all the others. They are not freed while the
    // deadline slot is scheduled: the DeadlineQueue points to it.
    struct RareParts {
        std::unique_ptr<RetainedBacklog> retained;
        std::unique_ptr<AwaitingRel> awaiting_rel;                      // made at the first QoS 2 message in, then kept
        std::unique_ptr<std::array<uint64_t, kDropReasonCount>> drops;  // by reason, made at the first drop
        std::unique_ptr<PendingWill> pending_will;
        DeadlineSlot deadline_slot;
    };
    RareParts& rare();
    RetainedBacklog* retainedBacklog() const { return rare_ ? rare_->retained.get() : nullptr; }

    bool windowOpen() const;
    // Sends what waits, in arrival order, while the output and (for QoS 1/2) the window take it.
    void sendPending(int64_t now_ms);
    bool retainedDue() const;
    QueuedMessage popPending(bool retained);
    QueuedMessage popQueued();
    void enqueue(const MessagePtr& msg, uint8_t qos, const SubscriptionOptions& options);
    bool sendNew(const MessagePtr& msg, uint8_t qos, const SubscriptionOptions& options, int64_t now_ms);
    uint16_t nextPacketId();
    void drop(DropReason reason, const Message* msg = nullptr);
    void finish(uint64_t journal_id) {
        if (journal_id != 0 && services_.journal) services_.journal->finished(id_, journal_id);
    }

    uint64_t id_;
    std::string client_id_;
    const SessionServices& services_;
    DeliverySink* sink_ = nullptr;
    std::map<std::string, Subscription, std::less<>> subscriptions_;
    FifoQueue<InflightEntry> inflight_;  // in send order; at most max_inflight
    FifoQueue<QueuedMessage> mqueue_;
    std::unique_ptr<RareParts> rare_;
    const AwaitingRel& awaitingRel() const;
    uint16_t last_packet_id_ = 0;
    uint32_t inflight_seq_ = 0;  // the last InflightEntry::seq given; in padding after last_packet_id_
    uint64_t delivered_ = 0;
    uint64_t enqueued_ = 0;
    uint64_t mqueue_msg_bytes_ = 0;  // msgBytes() of every queued message, for memoryBytes()
};

}  // namespace emqx
