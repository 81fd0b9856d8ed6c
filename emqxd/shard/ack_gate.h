#pragma once
// The acknowledgements (PUBACK, PUBREC) a worker's publishers wait for: one
// that depends on a durable write is held until the store committed it
// (durable.fsync always|batch), and the acks of one connection leave in the
// order their publishes came. Owner: one worker thread (bound by its shard);
// only waitingForCommit() is read by the store's writer thread.
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <unordered_map>

#include "common/thread/owner_thread.h"
#include "emqxd/storage/durable_writes.h"

namespace emqx {

namespace storage {
class DurableStore;
}

class AckGate {
public:
    // `send` runs once the writes it depends on were committed (or failed),
    // told whether they were all stored; only if the connection is still open.
    using Send = std::function<void(bool stored)>;
    // Whether connection `id` is still open (asked before each deferred send).
    using IsOpen = std::function<bool(uint64_t connection_id)>;

    AckGate(storage::DurableStore* store, IsOpen is_open) : store_(store), is_open_(std::move(is_open)) {}
    void bindOwner(const OwnerThread& owner) { owner_.bind(owner); }

    // Whether an ack to `connection_id` must wait: it depends on `writes` not
    // yet committed, or acks deferred before it on that connection are still
    // waiting. Asked for every QoS 1/2 publish, so it is cheap, and the
    // waiting path (a closure) is built only when the answer is yes.
    bool mustWait(uint64_t connection_id, const DurableWrites& writes) const;
    // Whether any of `writes` was in a failed commit (once committed).
    bool anyFailed(const DurableWrites& writes) const;
    // Queues an ack for which mustWait() said yes.
    void defer(uint64_t connection_id, const DurableWrites& writes, Send send);
    // Any thread: whether deferred acks wait for a commit (the store's writer asks).
    bool waitingForCommit() const { return waiting_commit_.load(); }
    // The store committed up to `seq` (posted to this thread by its listener).
    void onCommitted(uint64_t seq);

private:
    struct Deferred {
        uint64_t wait_for;  // sent once this is committed (acks of a connection keep their order)
        DurableWrites writes;
        uint64_t connection_id;
        Send send;
    };
    storage::DurableStore* store_;
    IsOpen is_open_;
    std::deque<Deferred> deferred_;
    std::unordered_map<uint64_t, size_t> deferred_per_connection_;
    std::atomic<bool> waiting_commit_{false};
    [[no_unique_address]] OwnerRef owner_;
};

}  // namespace emqx
