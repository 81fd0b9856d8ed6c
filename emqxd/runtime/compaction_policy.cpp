#include "emqxd/runtime/compaction_policy.h"

#include <algorithm>

namespace emqx {

CompactionPolicy::Decision CompactionPolicy::onPeriod(bool gathered, double cores, double busy, int64_t now_ms) {
    if (gathered) {
        if (busy <= t_.spread_above_busy) return Decision::Stay;
        bool short_lived = now_ms - gathered_at_ms_ < t_.short_gather_ms;
        cooldown_ms_ = short_lived ? std::min(cooldown_ms_ * 2, t_.max_cooldown_ms) : t_.cooldown_ms;
        no_gather_before_ms_ = now_ms + cooldown_ms_;
        return Decision::Spread;
    }
    calm_ = cores < t_.gather_below ? calm_ + 1 : 0;
    if (calm_ < t_.calm_periods || now_ms < no_gather_before_ms_) return Decision::Stay;
    calm_ = 0;
    gathered_at_ms_ = now_ms;
    return Decision::Gather;
}

}  // namespace emqx
