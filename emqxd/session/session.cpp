#include "emqxd/session/session.h"

#include <algorithm>

#include "emqxd/hooks/hook_bus.h"

namespace emqx {

Session::Session(uint64_t id, std::string client_id, const SessionServices& services)
    : id_(id), client_id_(std::move(client_id)), services_(services) {}

void Session::attach(DeliverySink* sink, int64_t now_ms) {
    EMQX_ASSERT_OWNER(services_.owner);
    sink_ = sink;
    for (auto& e : inflight_) {
        if (e.pubrec_received) {
            sink_->sendPubrel(e.packet_id);
        } else {
            sink_->sendPublish(e.msg, e.qos, e.packet_id, true, e.options);
        }
        e.sent_at_ms = now_ms;
    }
    sendPending(now_ms);
}

void Session::detach() {
    EMQX_ASSERT_OWNER(services_.owner);
    sink_ = nullptr;
    if (rare_) {
        rare_->retained.reset();
        trimRareParts();
    }
}

Session::RareParts& Session::rare() {
    if (!rare_) rare_ = std::make_unique<RareParts>();
    return *rare_;
}

void Session::trimRareParts() {
    if (rare_ && !rare_->retained && !rare_->awaiting_rel && !rare_->drops && !rare_->pending_will &&
        !rare_->deadline_slot.scheduled())
        rare_.reset();
}

DeadlineSlot& Session::deadlineSlot() { return rare().deadline_slot; }

void Session::setPendingWill(std::unique_ptr<PendingWill> will) { rare().pending_will = std::move(will); }

std::unique_ptr<Session::PendingWill> Session::takePendingWill() {
    if (!rare_) return nullptr;
    std::unique_ptr<PendingWill> will = std::move(rare_->pending_will);
    trimRareParts();
    return will;
}

std::string_view dropReasonName(DropReason r) {
    switch (r) {
        case DropReason::NoLocal: return "no_local";
        case DropReason::Expired: return "expired";
        case DropReason::QueueFull: return "queue_full";
        case DropReason::Qos0Offline: return "qos0_msg";
        case DropReason::TooLarge: return "too_large";
        case DropReason::OutputFull: return "output_full";
        case DropReason::NotAuthorized: return "not_authorized";
    }
    return "unknown";
}

namespace {

uint64_t msgBytes(const MessagePtr& m) {
    return m ? sizeof(Message) + m->topic.size() + m->payload.size() + m->publisher.size() : 0;
}

// What RetainedBacklog's comment promises per pending retained message.
static_assert(sizeof(RetainedBacklog::Entry) <= 40);

}  // namespace

uint64_t Session::memoryBytes() const {
    EMQX_ASSERT_OWNER(services_.owner);
    uint64_t n = sizeof(Session) + client_id_.capacity() + username.capacity();
    for (const auto& [filter, sub] : subscriptions_) n += 64 + filter.capacity() + sub.filter.capacity() + sizeof(sub);
    for (const auto& e : inflight_) n += sizeof(e) + msgBytes(e.msg);
    n += mqueue_.size() * sizeof(QueuedMessage) + mqueue_msg_bytes_;
    if (!rare_) return n;
    n += sizeof(RareParts);
    if (const RetainedBacklog* r = retainedBacklog())
        n += sizeof(RetainedBacklog) + r->entries.size() * sizeof(RetainedBacklog::Entry);
    n += awaitingRelCount() * 32;
    if (const PendingWill* w = pendingWill()) n += sizeof(PendingWill) + w->peer.capacity() + msgBytes(w->message);
    if (rare_->drops) n += sizeof(*rare_->drops);
    return n;
}

uint64_t Session::droppedCount() const {
    uint64_t n = 0;
    if (rare_ && rare_->drops)
        for (uint64_t d : *rare_->drops) n += d;
    return n;
}

void Session::drop(DropReason reason, const Message* msg) {
    auto& drops = rare().drops;
    if (!drops) drops = std::make_unique<std::array<uint64_t, kDropReasonCount>>();
    ++(*drops)[static_cast<size_t>(reason)];
    services_.metrics.add(Metric::DeliveryDropped);
    switch (reason) {
        case DropReason::NoLocal: services_.metrics.add(Metric::DeliveryDroppedNoLocal); break;
        case DropReason::Expired:
            services_.metrics.add(Metric::DeliveryDroppedExpired);
            services_.metrics.add(Metric::MessagesDroppedExpired);
            break;
        case DropReason::QueueFull: services_.metrics.add(Metric::DeliveryDroppedQueueFull); break;
        case DropReason::Qos0Offline: services_.metrics.add(Metric::DeliveryDroppedQos0Msg); break;
        case DropReason::TooLarge: services_.metrics.add(Metric::DeliveryDroppedTooLarge); break;
        case DropReason::OutputFull: services_.metrics.add(Metric::DeliveryDroppedQos0Msg); break;
        case DropReason::NotAuthorized: services_.metrics.add(Metric::DeliveryDroppedNotAuthorized); break;
    }
    services_.metrics.add(Metric::MessagesDropped);
    if (services_.hooks) services_.hooks->run(hooks::DeliveryDropped{*this, msg, reason});
}

bool Session::windowOpen() const {
    size_t limit = std::min<size_t>(services_.cfg.max_inflight,
                                    sink_ ? sink_->clientReceiveMaximum() : services_.cfg.max_inflight);
    return inflight_.size() < limit;
}

uint16_t Session::nextPacketId() {
    for (;;) {
        last_packet_id_ = static_cast<uint16_t>(last_packet_id_ == 65535 ? 1 : last_packet_id_ + 1);
        bool used = std::any_of(inflight_.begin(), inflight_.end(),
                                [&](const InflightEntry& e) { return e.packet_id == last_packet_id_; });
        if (!used) return last_packet_id_;
    }
}

void Session::enqueue(const MessagePtr& msg, uint8_t qos, const SubscriptionOptions& options) {
    if (qos == 0 && !services_.cfg.mqueue_store_qos0) {
        drop(DropReason::Qos0Offline, msg.get());
        return;
    }
    if (services_.cfg.max_mqueue_len != 0 && mqueue_.size() >= services_.cfg.max_mqueue_len) {
        QueuedMessage oldest = popQueued();  // EMQX drops the oldest to keep the newest
        drop(DropReason::QueueFull, oldest.msg.get());
        finish(journalIdOf(oldest.msg, oldest.qos, oldest.options));
    }
    mqueue_msg_bytes_ += msgBytes(msg);
    mqueue_.push_back(QueuedMessage{msg, qos, options});
    ++enqueued_;
}

bool Session::sendNew(const MessagePtr& msg, uint8_t qos, const SubscriptionOptions& options, int64_t now_ms) {
    uint16_t pid = qos > 0 ? nextPacketId() : 0;
    SendResult r = sink_->sendPublish(msg, qos, pid, false, options);
    uint64_t journal_id = journalIdOf(msg, qos, options);
    if (r == SendResult::TooLarge || r == SendResult::NotAuthorized) {
        drop(r == SendResult::TooLarge ? DropReason::TooLarge : DropReason::NotAuthorized, msg.get());
        finish(journal_id);
        return true;  // consumed: it can never be sent to this client
    }
    if (r == SendResult::OutputFull) {
        // The connection cannot take it now: QoS 1/2 waits in the session, QoS 0 is lost.
        if (qos > 0) enqueue(msg, qos, options);
        else drop(DropReason::OutputFull, msg.get());
        return true;
    }
    ++delivered_;
    if (qos > 0)
        inflight_.push_back(InflightEntry{.packet_id = pid,
                                          .seq = ++inflight_seq_,
                                          .msg = msg,
                                          .qos = qos,
                                          .options = options,
                                          .sent_at_ms = now_ms,
                                          .journal_id = journal_id});
    // A restart must resend a QoS 2 message under the packet id the client may have seen.
    if (qos == 2 && journal_id != 0 && services_.journal) services_.journal->inflightQos2(id_, journal_id, pid, false);
    return true;
}

void Session::deliver(const MessagePtr& msg, const SubscriptionOptions& options, int64_t now_ms) {
    EMQX_ASSERT_OWNER(services_.owner);
    uint8_t qos = std::min(msg->qos, options.qos);
    if (options.no_local && msg->publisher_session == id_) {
        drop(DropReason::NoLocal, msg.get());
        finish(journalIdOf(msg, qos, options));
        return;
    }
    if (msg->remainingExpirySeconds(now_ms) == 0) {
        drop(DropReason::Expired, msg.get());
        finish(journalIdOf(msg, qos, options));
        return;
    }
    if (!sink_ || retainedBacklog()) {
        // Offline, or behind a retained backlog (the order rule in session.h).
        enqueue(msg, qos, options);
        return;
    }
    if (qos == 0) {
        if (sink_->outputFull()) {
            drop(DropReason::OutputFull, msg.get());
            return;
        }
        sendNew(msg, qos, options, now_ms);
        return;
    }
    if (mqueue_.empty() && windowOpen() && !sink_->outputFull()) {
        sendNew(msg, qos, options, now_ms);
        return;
    }
    enqueue(msg, qos, options);
}

void Session::deliverRetained(const std::vector<MessagePtr>& found, const SubscriptionOptions& options,
                              int64_t now_ms) {
    EMQX_ASSERT_OWNER(services_.owner);
    if (found.empty()) return;
    auto& backlog = rare().retained;
    if (!backlog) backlog = std::make_unique<RetainedBacklog>();
    // What the mqueue holds now arrived before these and goes first.
    uint64_t due_after = backlog->mqueue_popped + mqueue_.size();
    for (const MessagePtr& m : found)
        backlog->entries.push_back({QueuedMessage{m, std::min(m->qos, options.qos), options}, due_after});
    sendPending(now_ms);
}

void Session::sendPending(int64_t now_ms) {
    while (sink_) {
        bool retained = retainedDue();
        if (!retained && mqueue_.empty()) return;
        const QueuedMessage& next = retained ? retainedBacklog()->entries.front().message : mqueue_.front();
        if (next.msg->remainingExpirySeconds(now_ms) == 0) {
            QueuedMessage expired = popPending(retained);
            drop(DropReason::Expired, expired.msg.get());
            finish(journalIdOf(expired.msg, expired.qos, expired.options));
            continue;
        }
        if (next.qos > 0 && !windowOpen()) return;
        if (sink_->outputFull()) return;
        QueuedMessage q = popPending(retained);
        sendNew(q.msg, q.qos, q.options, now_ms);
    }
}

bool Session::retainedDue() const {
    const RetainedBacklog* backlog = retainedBacklog();
    return backlog && backlog->mqueue_popped >= backlog->entries.front().due_after_popped;
}

QueuedMessage Session::popPending(bool retained) {
    if (!retained) return popQueued();
    auto& backlog = rare_->retained;
    QueuedMessage q = std::move(backlog->entries.front().message);
    backlog->entries.pop_front();
    if (backlog->entries.empty()) {
        backlog.reset();
        trimRareParts();
    }
    return q;
}

QueuedMessage Session::popQueued() {
    QueuedMessage q = std::move(mqueue_.front());
    mqueue_.pop_front();
    mqueue_msg_bytes_ -= msgBytes(q.msg);
    if (RetainedBacklog* backlog = retainedBacklog()) ++backlog->mqueue_popped;
    return q;
}

bool Session::onPuback(uint16_t packet_id, int64_t now_ms) {
    EMQX_ASSERT_OWNER(services_.owner);
    auto it = std::find_if(inflight_.begin(), inflight_.end(),
                           [&](const InflightEntry& e) { return e.packet_id == packet_id && e.qos == 1; });
    if (it == inflight_.end()) return false;
    MessagePtr acked = std::move(it->msg);
    finish(it->journal_id);
    inflight_.erase(it);
    services_.metrics.add(Metric::MessagesAcked);
    if (services_.hooks && acked) services_.hooks->run(hooks::MessageAcked{*this, *acked, packet_id});
    sendPending(now_ms);
    return true;
}

bool Session::onPubrec(uint16_t packet_id, int64_t now_ms) {
    EMQX_ASSERT_OWNER(services_.owner);
    auto it = std::find_if(inflight_.begin(), inflight_.end(),
                           [&](const InflightEntry& e) { return e.packet_id == packet_id && e.qos == 2; });
    if (it == inflight_.end()) return false;
    MessagePtr acked;
    if (!it->pubrec_received) {
        it->pubrec_received = true;
        acked = std::move(it->msg);  // the payload is no longer needed, only the id
        if (it->journal_id != 0 && services_.journal)
            services_.journal->inflightQos2(id_, it->journal_id, packet_id, true);
    }
    it->sent_at_ms = now_ms;
    if (services_.hooks && acked) services_.hooks->run(hooks::MessageAcked{*this, *acked, packet_id});
    return true;
}

bool Session::onPubcomp(uint16_t packet_id, int64_t now_ms) {
    EMQX_ASSERT_OWNER(services_.owner);
    auto it = std::find_if(inflight_.begin(), inflight_.end(),
                           [&](const InflightEntry& e) { return e.packet_id == packet_id && e.pubrec_received; });
    if (it == inflight_.end()) return false;
    finish(it->journal_id);
    inflight_.erase(it);
    services_.metrics.add(Metric::MessagesAcked);
    sendPending(now_ms);
    return true;
}

int64_t Session::retryDue(int64_t now_ms) {
    EMQX_ASSERT_OWNER(services_.owner);
    if (!sink_ || inflight_.empty()) return -1;
    int64_t next = -1;
    for (auto& e : inflight_) {
        if (e.sent_at_ms + services_.cfg.retry_interval <= now_ms) {
            if (e.pubrec_received) {
                sink_->sendPubrel(e.packet_id);
            } else {
                sink_->sendPublish(e.msg, e.qos, e.packet_id, true, e.options);
            }
            e.sent_at_ms = now_ms;
        }
        int64_t due = e.sent_at_ms + services_.cfg.retry_interval;
        if (next < 0 || due < next) next = due;
    }
    return next;
}

const Session::AwaitingRel& Session::awaitingRel() const {
    static const AwaitingRel none;
    return rare_ && rare_->awaiting_rel ? *rare_->awaiting_rel : none;
}

bool Session::awaitRel(uint16_t packet_id, int64_t now_ms) {
    EMQX_ASSERT_OWNER(services_.owner);
    auto& awaiting = rare().awaiting_rel;
    if (!awaiting) awaiting = std::make_unique<AwaitingRel>();
    return awaiting->try_emplace(packet_id, now_ms).second;
}

bool Session::release(uint16_t packet_id) {
    EMQX_ASSERT_OWNER(services_.owner);
    return rare_ && rare_->awaiting_rel && rare_->awaiting_rel->erase(packet_id) > 0;
}

size_t Session::expireAwaitingRel(int64_t now_ms) {
    EMQX_ASSERT_OWNER(services_.owner);
    if (!rare_ || !rare_->awaiting_rel) return 0;
    return std::erase_if(*rare_->awaiting_rel,
                         [&](const auto& kv) { return kv.second + services_.cfg.await_rel_timeout <= now_ms; });
}

int64_t Session::nextAwaitRelExpiry() const {
    EMQX_ASSERT_OWNER(services_.owner);
    int64_t next = -1;
    for (auto& [pid, at] : awaitingRel()) {
        int64_t due = at + services_.cfg.await_rel_timeout;
        if (next < 0 || due < next) next = due;
    }
    return next;
}

std::vector<uint16_t> Session::awaitingRelIds() const {
    EMQX_ASSERT_OWNER(services_.owner);
    std::vector<uint16_t> ids;
    ids.reserve(awaitingRel().size());
    for (const auto& [pid, at] : awaitingRel()) ids.push_back(pid);
    std::sort(ids.begin(), ids.end());
    return ids;
}

void Session::restoreInflight(InflightEntry e) {
    EMQX_ASSERT_OWNER(services_.owner);
    last_packet_id_ = std::max(last_packet_id_, e.packet_id);
    e.seq = ++inflight_seq_;
    inflight_.push_back(std::move(e));
}

void Session::restoreQueued(QueuedMessage q) {
    EMQX_ASSERT_OWNER(services_.owner);
    mqueue_msg_bytes_ += msgBytes(q.msg);
    mqueue_.push_back(std::move(q));
    ++enqueued_;  // firstQueuedSeq() counts it
}

}  // namespace emqx
