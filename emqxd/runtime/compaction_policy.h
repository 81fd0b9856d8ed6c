#pragma once
// When the workers' loops should share one thread and when each should go
// back to its own. At low load a message between two workers wakes two
// threads, and on this kind of machine a thread's sleep and wake-up costs
// more than the message's work (docs/performance.md, "Compacting the
// workers"); one thread serving every loop wakes once. At high load one
// thread is the bottleneck. Pure: the workers' CPU use and worker 0's busy
// share per period in, a decision out (the unit tests drive it; LoopCompactor acts on it).
#include <cstdint>

namespace emqx {

class CompactionPolicy {
public:
    enum class Decision { Stay, Gather, Spread };

    struct Thresholds {
        // Gather when all worker threads together used less than this many
        // cores for `calm_periods` periods in a row. Spread, their CPU
        // includes the wake-ups gathering saves, so it over-states what one
        // thread will need.
        double gather_below = 0.75;
        int calm_periods = 3;
        // Spread when the one thread was busy (not waiting for events) more
        // than this share of a period. Busy, not CPU: a thread that waits
        // for a core it shares with other processes is not idle either, and
        // on a crowded machine its CPU use may never pass a threshold.
        double spread_above_busy = 0.70;
        // After a spread, no gather for this long; doubled (up to the
        // maximum) when a gather lasted less than `short_gather_ms`, so a
        // load at the edge does not flap.
        int64_t cooldown_ms = 2000;
        int64_t max_cooldown_ms = 60000;
        int64_t short_gather_ms = 10000;
    };

    CompactionPolicy() : CompactionPolicy(Thresholds{}) {}
    explicit CompactionPolicy(Thresholds t) : t_(t), cooldown_ms_(t.cooldown_ms) {}

    // Over the period that ended at `now_ms`: `cores`, the worker threads'
    // CPU seconds per second; `busy`, the share of it worker 0's loop spent
    // outside its wait for events. `gathered`: whether the loops share a thread.
    Decision onPeriod(bool gathered, double cores, double busy, int64_t now_ms);

private:
    Thresholds t_;
    int calm_ = 0;
    int64_t cooldown_ms_;
    int64_t no_gather_before_ms_ = 0;
    int64_t gathered_at_ms_ = 0;
};

}  // namespace emqx
