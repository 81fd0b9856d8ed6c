#pragma once
// A multi-producer, single-consumer inbox: producers push under a short lock
// and wake the consumer only when the inbox was empty; the consumer swaps the
// whole batch out and runs it outside the lock. One wakeup per batch, never
// per message (STYLE.md practice 1).
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace emqx {

template <class Item>
class Inbox {
public:
    // `wake` is called (outside the lock) when a push finds the inbox empty.
    explicit Inbox(std::function<void()> wake) : wake_(std::move(wake)) {}

    void push(Item item) {
        bool was_empty;
        {
            std::lock_guard lock(mutex_);
            was_empty = items_.empty();
            items_.push_back(std::move(item));
        }
        if (was_empty) wake_();
    }

    // Pushes several items with one lock and at most one wakeup.
    template <class It>
    void pushRange(It first, It last) {
        if (first == last) return;
        bool was_empty;
        {
            std::lock_guard lock(mutex_);
            was_empty = items_.empty();
            items_.insert(items_.end(), first, last);
        }
        if (was_empty) wake_();
    }

    // Swaps the pending batch into `batch` (which must be empty); the vectors'
    // capacity is recycled so a steady flow allocates nothing.
    void drain(std::vector<Item>& batch) {
        std::lock_guard lock(mutex_);
        batch.swap(items_);
    }

private:
    std::function<void()> wake_;
    std::mutex mutex_;
    std::vector<Item> items_;
};

}  // namespace emqx
