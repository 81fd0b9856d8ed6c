#pragma once
// Objects a worker lends to its connections only while they are busy (output
// buffers, write requests, partial-packet buffers) and keeps for reuse, so an
// idle connection holds none and a busy one does not allocate per burst. The
// caller empties an object before giving it back. At most kMaxFree are kept:
// after a burst over many connections the rest are freed.
// Owner: the worker thread.
#include <cstddef>
#include <memory>
#include <vector>

namespace emqx {

template <class T, size_t kMaxFree>
class FreeList {
public:
    // A kept object, or a new one.
    std::unique_ptr<T> take() {
        if (free_.empty()) return std::make_unique<T>();
        std::unique_ptr<T> p = std::move(free_.back());
        free_.pop_back();
        return p;
    }

    void give(std::unique_ptr<T> p) {
        if (p && free_.size() < kMaxFree) free_.push_back(std::move(p));
    }

    size_t kept() const { return free_.size(); }

private:
    std::vector<std::unique_ptr<T>> free_;
};

}  // namespace emqx
