#pragma once
// Deadlines of one worker's connections and sessions (and its log throttling
// window), served by a single libuv timer armed at the earliest. A binary
// min-heap of pointers to slots the objects hold themselves: an object's slot
// keeps its deadline and its place in the heap, so rescheduling moves exactly
// its entry and costs no allocation (a std::set node per connection, 64 B,
// was a twentieth of an idle client). Activity (a packet in) never touches the
// queue: the check at the deadline computes the next one. Owner: the worker
// thread (bound by the worker; unbound in unit tests: any thread).
#include <cstdint>
#include <tuple>
#include <utility>
#include <vector>

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

// An object's entry in its worker's DeadlineQueue, a member of the object.
// The object must be unscheduled before it goes (the queue points to it).
class DeadlineSlot {
public:
    static constexpr int64_t kNone = -1;

    DeadlineSlot() = default;
    DeadlineSlot(const DeadlineSlot&) = delete;
    DeadlineSlot& operator=(const DeadlineSlot&) = delete;

    // When it is due, or kNone when not scheduled.
    int64_t at() const { return at_ms_; }
    bool scheduled() const { return at_ms_ != kNone; }

private:
    friend class DeadlineQueue;
    DeadlineEntry entry() const { return {at_ms_, kind_, id_}; }
    bool before(const DeadlineSlot& o) const {
        return std::tie(at_ms_, kind_, id_) < std::tie(o.at_ms_, o.kind_, o.id_);
    }

    int64_t at_ms_ = kNone;
    uint64_t id_ = 0;
    uint32_t heap_index_ = 0;
    DeadlineKind kind_ = DeadlineKind::Connection;
};

class DeadlineQueue {
public:
    static constexpr int64_t kNone = DeadlineSlot::kNone;

    void bindOwner(const OwnerThread& owner) { owner_.bind(owner); }

    // Moves the object's entry to `at_ms` (kNone: unschedules it).
    void reschedule(DeadlineKind kind, uint64_t id, DeadlineSlot& slot, int64_t at_ms) {
        EMQX_ASSERT_OWNER(owner_);
        if (slot.at_ms_ == at_ms) return;
        if (at_ms == kNone) {
            remove(slot);
            return;
        }
        const bool was_scheduled = slot.scheduled();
        slot.at_ms_ = at_ms;
        slot.kind_ = kind;
        slot.id_ = id;
        if (!was_scheduled) {
            slot.heap_index_ = static_cast<uint32_t>(heap_.size());
            heap_.push_back(&slot);
        }
        restore(slot.heap_index_);
    }

    int64_t earliest() const {
        EMQX_ASSERT_OWNER(owner_);
        return heap_.empty() ? kNone : heap_.front()->at_ms_;
    }

    // Unschedules and hands over the entries due at `now_ms`, in deadline
    // order (then kind, then id). The handler may reschedule any slot.
    template <class F>
    void popDue(int64_t now_ms, F&& handle) {
        EMQX_ASSERT_OWNER(owner_);
        while (!heap_.empty() && heap_.front()->at_ms_ <= now_ms) {
            DeadlineSlot& due = *heap_.front();
            DeadlineEntry e = due.entry();
            remove(due);
            handle(e);
        }
    }

    size_t size() const { return heap_.size(); }

private:
    void remove(DeadlineSlot& slot) {
        if (!slot.scheduled()) return;
        const uint32_t i = slot.heap_index_;
        slot.at_ms_ = kNone;
        DeadlineSlot* last = heap_.back();
        heap_.pop_back();
        if (last == &slot) return;
        place(last, i);
        restore(i);
    }

    // The slot at `i` has a new deadline: up or down to its place.
    void restore(uint32_t i) {
        while (i > 0 && heap_[i]->before(*heap_[(i - 1) / 2])) {
            swap(i, (i - 1) / 2);
            i = (i - 1) / 2;
        }
        for (;;) {
            const uint32_t left = 2 * i + 1, right = left + 1;
            uint32_t least = i;
            if (left < heap_.size() && heap_[left]->before(*heap_[least])) least = left;
            if (right < heap_.size() && heap_[right]->before(*heap_[least])) least = right;
            if (least == i) return;
            swap(i, least);
            i = least;
        }
    }
    void place(DeadlineSlot* slot, uint32_t i) {
        heap_[i] = slot;
        slot->heap_index_ = i;
    }
    void swap(uint32_t a, uint32_t b) {
        DeadlineSlot* at_a = heap_[a];
        place(heap_[b], a);
        place(at_a, b);
    }

    std::vector<DeadlineSlot*> heap_;
    [[no_unique_address]] OwnerRef owner_;
};

}  // namespace emqx
