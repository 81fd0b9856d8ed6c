#include "emqxd/message/message.h"

#include <cstring>
#include <new>

namespace emqx {

namespace {

// Allocates what std::allocate_shared asks for (its control block with the
// Message inside) plus `extra` bytes right after it, and reports where those
// start through `tail` (read once, during make(); the control block's copy of
// the allocator keeps only `extra`, for the deallocation).
template <class T>
struct TrailingBytesAllocator {
    using value_type = T;
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);

    TrailingBytesAllocator(size_t extra_bytes, char** tail_out) : extra(extra_bytes), tail(tail_out) {}
    template <class U>
    TrailingBytesAllocator(const TrailingBytesAllocator<U>& o) noexcept : extra(o.extra), tail(o.tail) {}

    T* allocate(size_t n) {
        char* p = static_cast<char*>(::operator new(n * sizeof(T) + extra));
        *tail = p + n * sizeof(T);
        return reinterpret_cast<T*>(p);
    }
    void deallocate(T* p, size_t n) noexcept { ::operator delete(p, n * sizeof(T) + extra); }

    template <class U>
    bool operator==(const TrailingBytesAllocator<U>& o) const noexcept {
        return extra == o.extra;
    }

    size_t extra;
    char** tail;
};

std::string_view copyTo(char*& at, std::string_view bytes) {
    if (bytes.empty()) return {};
    std::memcpy(at, bytes.data(), bytes.size());
    std::string_view copy(at, bytes.size());
    at += bytes.size();
    return copy;
}

}  // namespace

std::shared_ptr<Message> Message::make(std::string_view topic, std::string_view payload, std::string_view publisher) {
    char* tail = nullptr;
    auto m = std::allocate_shared<Message>(
        TrailingBytesAllocator<Message>(topic.size() + payload.size() + publisher.size(), &tail));
    m->topic = copyTo(tail, topic);
    m->payload = copyTo(tail, payload);
    m->publisher = copyTo(tail, publisher);
    return m;
}

}  // namespace emqx
