#pragma once
// Deadlines of one worker's connections and sessions (and its log throttling
// window) in one ordered set, served
// by a single libuv timer armed at the earliest. An object keeps the deadline
// it is scheduled at, so rescheduling erases exactly its old entry. Activity
// (a packet in) never touches the queue: the check at the deadline computes
// the next one. Owner: the worker thread (bound by the worker; unbound in
// unit tests: any thread).
#include <cstdint>
#include <set>

#include "common/thread/owner_thread.h"

namespace emqx {

// LogWindow: the end of the protocol-error log's throttling window (one, id 0).
enum class DeadlineKind : uint8_t { Connection, Session, LogWindow };

struct DeadlineEntry {
    int64_t at_ms;
    DeadlineKind kind;
    uint64_t id;
    auto operator<=>(const DeadlineEntry&) const = default;
};

class DeadlineQueue {
public:
    static constexpr int64_t kNone = -1;

    void bindOwner(const OwnerThread& owner) { owner_.bind(owner); }

    // Moves the object's entry from `scheduled_at` (kNone: none) to `at_ms`
    // (kNone: unschedule) and updates `scheduled_at`.
    void reschedule(DeadlineKind kind, uint64_t id, int64_t& scheduled_at, int64_t at_ms) {
        EMQX_ASSERT_OWNER(owner_);
        if (scheduled_at == at_ms) return;
        if (scheduled_at != kNone) entries_.erase({scheduled_at, kind, id});
        scheduled_at = at_ms;
        if (at_ms != kNone) entries_.insert({at_ms, kind, id});
    }

    int64_t earliest() const {
        EMQX_ASSERT_OWNER(owner_);
        return entries_.empty() ? kNone : entries_.begin()->at_ms;
    }

    // Removes and returns the entries due at `now_ms`, in deadline order.
    template <class F>
    void popDue(int64_t now_ms, F&& handle) {
        EMQX_ASSERT_OWNER(owner_);
        while (!entries_.empty() && entries_.begin()->at_ms <= now_ms) {
            DeadlineEntry e = *entries_.begin();
            entries_.erase(entries_.begin());
            handle(e);
        }
    }

private:
    std::set<DeadlineEntry> entries_;
    [[no_unique_address]] OwnerRef owner_;
};

}  // namespace emqx
