#pragma once
// A token bucket for EMQX's rates ("1000/s", "100/10s", "1MB/s"). It holds at
// most one period's amount (the burst: a client idle for a period may send that
// much at once, as the rate reads), starts full, and refills continuously at
// amount / period. Callers pass the time from their loop's cached clock, so
// taking a token is a little arithmetic: no syscall, no allocation.
// Owner: one thread (the listener's control loop, or a connection's worker).
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace emqx {

class TokenBucket {
public:
    // Reading or accepting is paused at least this long once the bucket is dry,
    // so a client at its limit costs one resume per ~20 ms rather than one per
    // token; tokens still accrue meanwhile, so the average rate is unchanged.
    static constexpr int64_t kMinPauseMs = 20;

    TokenBucket(int64_t amount, int64_t period_ms, int64_t now_ms)
        : capacity_(static_cast<double>(amount)),
          per_ms_(static_cast<double>(amount) / static_cast<double>(period_ms)),
          tokens_(capacity_),
          last_ms_(now_ms) {}

    // Whole tokens in the bucket now.
    int64_t available(int64_t now_ms) {
        refill(now_ms);
        return static_cast<int64_t>(tokens_);
    }

    // Takes `n` tokens if the bucket holds them.
    bool tryTake(int64_t now_ms, int64_t n = 1) {
        refill(now_ms);
        if (tokens_ < static_cast<double>(n)) return false;
        tokens_ -= static_cast<double>(n);
        return true;
    }

    // Takes `n` tokens even beyond what the bucket holds (bytes already read):
    // the debt is paid back by the refill before the bucket is ready again.
    void take(int64_t now_ms, int64_t n) {
        refill(now_ms);
        tokens_ -= static_cast<double>(n);
    }

    // When a dry bucket is worth looking at again: it holds a token and
    // kMinPauseMs of refill (never more than it can hold). `now_ms` if it does already.
    int64_t readyAt(int64_t now_ms) {
        refill(now_ms);
        double want = std::min(capacity_, std::max(1.0, per_ms_ * kMinPauseMs));
        if (tokens_ >= want) return now_ms;
        return now_ms + static_cast<int64_t>(std::ceil((want - tokens_) / per_ms_));
    }

private:
    void refill(int64_t now_ms) {
        if (now_ms <= last_ms_) return;
        tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now_ms - last_ms_) * per_ms_);
        last_ms_ = now_ms;
    }

    double capacity_;
    double per_ms_;
    double tokens_;
    int64_t last_ms_;
};

}  // namespace emqx
