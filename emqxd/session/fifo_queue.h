#pragma once
// A FIFO on one vector: unlike std::deque (which allocates a map and a 512-byte
// block even when empty) it holds no memory until the first push, so an idle
// session costs nothing for its queue. Popped slots are reclaimed in bulk, so
// taking the front is O(1) amortised: a session's mqueue, and its inflight
// window, whose acknowledgements come in send order all but always (erasing
// from the middle of a vector moved every entry behind it, on every PUBACK).
#include <cstddef>
#include <utility>
#include <vector>

namespace emqx {

template <class T>
class FifoQueue {
public:
    bool empty() const { return head_ == items_.size(); }
    size_t size() const { return items_.size() - head_; }
    T& front() { return items_[head_]; }
    const T& front() const { return items_[head_]; }
    const T& operator[](size_t i) const { return items_[head_ + i]; }  // 0: the front

    void push_back(T item) { items_.push_back(std::move(item)); }

    using iterator = typename std::vector<T>::iterator;
    using const_iterator = typename std::vector<T>::const_iterator;
    iterator begin() { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
    iterator end() { return items_.end(); }
    const_iterator begin() const { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
    const_iterator end() const { return items_.end(); }

    // The front in O(1); another entry by moving those behind it.
    void erase(iterator at) {
        if (at == begin()) pop_front();
        else items_.erase(at);
    }

    // Front to back (durable storage saves a session's queue in order).
    template <class F>
    void forEach(F&& f) const {
        for (size_t i = head_; i < items_.size(); ++i) f(items_[i]);
    }

    void pop_front() {
        items_[head_] = T{};  // release what the slot holds now
        ++head_;
        if (head_ == items_.size()) {
            items_.clear();
            head_ = 0;
            if (items_.capacity() > kKeepCapacity) std::vector<T>().swap(items_);
        } else if (head_ >= 64 && head_ * 2 >= items_.size()) {
            items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }

private:
    static constexpr size_t kKeepCapacity = 64;
    std::vector<T> items_;
    size_t head_ = 0;
};

}  // namespace emqx
