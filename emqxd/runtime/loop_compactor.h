#pragma once
// Runs every worker's loop on one thread while the load is low, and each on
// its own thread again when that thread gets busy: the Erlang VM's
// "scheduler compaction of load" (+scl, on in EMQX), for libuv loops.
// Why: at ordinary rates a message between two workers wakes two threads,
// and the sleeps and wake-ups cost more than the messages (at 20k msg/s two
// workers spent 2.5x one worker's CPU per message; docs/performance.md,
// "Compacting the workers").
//
// Worker 0's thread is the gatherer. Every period (a timer on its loop) it
// reads the worker threads' CPU clocks and its loop's idle time and asks the
// CompactionPolicy. To
// gather, it asks every other worker's thread to stop its uv_run; each one
// lends its loop (gives up the loop's OwnerThread) and sleeps until the loop
// comes back. The gatherer's own loop then watches the lent loop's backend
// descriptor (a uv_poll) and its next timeout (a uv_timer) and runs it with
// UV_RUN_NOWAIT, as its owner. A delivery or task posted on the gatherer's
// thread to a loop it runs needs no eventfd: the inbox is marked and drained
// by an idle handle of worker 0's loop, so no thread sleeps or wakes for it.
// To spread, or when a lent loop has ended (the broker is stopping), the
// gatherer gives the loop back and wakes its thread. Whoever runs a loop owns
// it, so a worker's objects still have one owner at a time and the owner
// checks (EMQX_ASSERT_OWNER) hold.
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <vector>

#include <uv.h>

#include "emqxd/runtime/compaction_policy.h"

namespace emqx {

class WorkerRuntime;

class LoopCompactor {
public:
    // `runtimes`: every worker's, by index (two or more).
    LoopCompactor(std::vector<WorkerRuntime*> runtimes, CompactionPolicy policy, int64_t period_ms);
    LoopCompactor(const LoopCompactor&) = delete;
    LoopCompactor& operator=(const LoopCompactor&) = delete;

    // On each worker's thread, in place of uv_run: returns once that
    // worker's loop has ended, run on this thread again.
    void drive(WorkerRuntime& rt);

    // Any thread, when `rt`'s inbox gets its first item: true when the
    // caller is the gatherer's thread and runs `rt` now, so the gatherer
    // drains the inbox itself and no eventfd is written.
    bool takeWakeup(WorkerRuntime& rt);

private:
    enum class LoanState { Home, Lent, Driven };
    struct Lender {  // guarded by mutex_
        LoanState state = LoanState::Home;
        clockid_t cpu_clock{};
        bool has_clock = false;
    };
    struct Borrowed {  // the gatherer's thread only
        LoopCompactor* compactor = nullptr;
        uint32_t index = 0;
        uv_poll_t poll{};    // the lent loop's backend descriptor, on worker 0's loop
        uv_timer_t timer{};  // the lent loop's next timeout
        bool driven = false;
        bool inbox_marked = false;
    };

    void driveLender(WorkerRuntime& rt);
    void driveGatherer(WorkerRuntime& rt0);
    void adopt(uint32_t index);
    void runBorrowed(Borrowed& b);
    void armTimeout(Borrowed& b);
    void giveBack(Borrowed& b, bool ended);
    void drainMarkedInboxes();
    void onPeriod();
    void gather();
    void spread();
    double workersCpuSeconds();

    std::vector<WorkerRuntime*> runtimes_;
    CompactionPolicy policy_;
    const int64_t period_ms_;

    std::mutex mutex_;  // guards lenders_, gather_wanted_ and gatherer_done_
    std::condition_variable loan_returned_;
    std::vector<Lender> lenders_;  // by worker index; [0] holds the gatherer's clock
    bool gather_wanted_ = false;   // written by the gatherer only (which reads it unlocked)
    bool gatherer_done_ = false;

    // The gatherer's thread only.
    std::vector<std::unique_ptr<Borrowed>> borrowed_;  // by worker index ([0]: its inbox mark only)
    size_t driven_count_ = 0;
    uv_timer_t period_timer_{};
    uv_idle_t drain_{};
    uint64_t period_start_ns_ = 0;
    double period_start_cpu_s_ = 0;
    uint64_t period_start_idle_ns_ = 0;
    double gather_cores_ = 0;  // the workers' CPU when the gather was decided (logged)
};

}  // namespace emqx
