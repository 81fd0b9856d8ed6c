#pragma once
// A count that goes up and down, with its high-water mark: EMQX's
// `<stat>.count` and `<stat>.max`. The mark is raised by the increase that
// reaches it, so it is the true peak, not the peak of the moments someone
// looked. Lock-free; any thread.
#include <atomic>
#include <cstdint>

namespace emqx {

class Gauge {
public:
    void add(uint64_t n = 1) {
        const uint64_t now = value_.fetch_add(n, std::memory_order_relaxed) + n;
        uint64_t seen = max_.load(std::memory_order_relaxed);
        while (now > seen && !max_.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
        }
    }
    void sub(uint64_t n = 1) { value_.fetch_sub(n, std::memory_order_relaxed); }

    uint64_t value() const { return value_.load(std::memory_order_relaxed); }
    uint64_t max() const { return max_.load(std::memory_order_relaxed); }

private:
    std::atomic<uint64_t> value_{0};
    std::atomic<uint64_t> max_{0};
};

}  // namespace emqx
