#include "emqxd/shard/ack_gate.h"

#include <algorithm>

#include "emqxd/storage/durable_store.h"

namespace emqx {

bool AckGate::mustWait(uint64_t connection_id, const DurableWrites& writes) const {
    EMQX_ASSERT_OWNER(owner_);
    if (!deferred_per_connection_.empty() && deferred_per_connection_.contains(connection_id)) return true;
    if (writes.last_seq == 0) return false;
    return store_ && store_->ackWaitsForCommit() && store_->committedSeq() < writes.last_seq;
}

bool AckGate::anyFailed(const DurableWrites& writes) const {
    EMQX_ASSERT_OWNER(owner_);
    return writes.last_seq != 0 && store_ && store_->anyFailed(writes.first_seq, writes.last_seq);
}

void AckGate::defer(uint64_t connection_id, const DurableWrites& writes, Send send) {
    EMQX_ASSERT_OWNER(owner_);
    uint64_t wait_for = std::max(writes.last_seq, deferred_.empty() ? uint64_t{0} : deferred_.back().wait_for);
    deferred_.push_back(Deferred{wait_for, writes, connection_id, std::move(send)});
    ++deferred_per_connection_[connection_id];
    // Set the flag before reading the committed sequence: the writer stores the
    // sequence before reading the flag, so one of us sees the other.
    waiting_commit_.store(true);
    if (store_ && store_->committedSeq() >= wait_for) onCommitted(store_->committedSeq());
}

void AckGate::onCommitted(uint64_t seq) {
    EMQX_ASSERT_OWNER(owner_);
    while (!deferred_.empty() && deferred_.front().wait_for <= seq) {
        Deferred a = std::move(deferred_.front());
        deferred_.pop_front();
        auto n = deferred_per_connection_.find(a.connection_id);
        if (n != deferred_per_connection_.end() && --n->second == 0) deferred_per_connection_.erase(n);
        if (!is_open_(a.connection_id)) continue;
        a.send(!anyFailed(a.writes));
    }
    if (deferred_.empty()) waiting_commit_.store(false);
}

}  // namespace emqx
