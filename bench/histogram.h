#pragma once
// A fixed-memory latency histogram in the manner of HdrHistogram: values below
// 64 have a bucket each; above, every power of two [2^e, 2^(e+1)) is split
// into 64 equal sub-buckets, so a recorded value is known to within 1/64
// (~1.6 %) whatever its magnitude. Values are nanoseconds; anything at or over
// 2^44 ns (~4.9 hours) lands in the last bucket. 2,496 counters (~20 KB), no
// allocation after construction, O(1) record, O(buckets) percentile.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace emqx::bench {

class LatencyHistogram {
public:
    static constexpr int kSubBits = 6;
    static constexpr uint64_t kSub = uint64_t{1} << kSubBits;  // 64
    static constexpr int kMaxExp = 44;
    static constexpr size_t kBuckets = static_cast<size_t>(kMaxExp - kSubBits + 1) * kSub;

    void record(uint64_t ns) {
        ++counts_[indexOf(ns)];
        ++count_;
        sum_ += ns;
        min_ = std::min(min_, ns);
        max_ = std::max(max_, ns);
    }

    void merge(const LatencyHistogram& other) {
        for (size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
        count_ += other.count_;
        sum_ += other.sum_;
        min_ = std::min(min_, other.min_);
        max_ = std::max(max_, other.max_);
    }

    uint64_t count() const { return count_; }
    uint64_t min() const { return count_ ? min_ : 0; }
    uint64_t max() const { return max_; }
    double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0; }

    // The value at percentile p (0 < p <= 100): the highest value of the bucket
    // holding the ceil(p% * count)-th smallest sample, clamped to [min, max]
    // (HdrHistogram's "highest equivalent value").
    uint64_t percentile(double p) const {
        if (count_ == 0) return 0;
        auto rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
        rank = std::clamp<uint64_t>(rank, 1, count_);
        uint64_t seen = 0;
        for (size_t i = 0; i < kBuckets; ++i) {
            seen += counts_[i];
            if (seen >= rank) return std::clamp(highestInBucket(i), min(), max_);
        }
        return max_;
    }

    static size_t indexOf(uint64_t v) {
        if (v < kSub) return static_cast<size_t>(v);
        const int e = 63 - std::countl_zero(v);  // v in [2^e, 2^(e+1)), e >= kSubBits
        if (e >= kMaxExp) return kBuckets - 1;
        const uint64_t sub = (v >> (e - kSubBits)) & (kSub - 1);
        return static_cast<size_t>(e - kSubBits + 1) * kSub + static_cast<size_t>(sub);
    }

    static uint64_t lowestInBucket(size_t i) {
        if (i < kSub) return i;
        const size_t group = i / kSub;  // >= 1
        const uint64_t sub = i % kSub;
        return (kSub + sub) << (group - 1);
    }

    static uint64_t highestInBucket(size_t i) {
        if (i < kSub) return i;
        if (i == kBuckets - 1) return UINT64_MAX;
        const size_t group = i / kSub;
        return lowestInBucket(i) + (uint64_t{1} << (group - 1)) - 1;
    }

private:
    std::array<uint64_t, kBuckets> counts_{};
    uint64_t count_ = 0;
    uint64_t sum_ = 0;
    uint64_t min_ = UINT64_MAX;
    uint64_t max_ = 0;
};

}  // namespace emqx::bench
