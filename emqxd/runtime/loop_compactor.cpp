#include "emqxd/runtime/loop_compactor.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

#include "emqxd/log/log.h"
#include "emqxd/runtime/worker_runtime.h"

namespace emqx {

namespace {

uv_handle_t* handle(auto* h) { return reinterpret_cast<uv_handle_t*>(h); }

}  // namespace

LoopCompactor::LoopCompactor(std::vector<WorkerRuntime*> runtimes, CompactionPolicy policy, int64_t period_ms)
    : runtimes_(std::move(runtimes)), policy_(policy), period_ms_(period_ms), lenders_(runtimes_.size()) {
    for (size_t i = 0; i < runtimes_.size(); ++i) {
        borrowed_.push_back(std::make_unique<Borrowed>());
        borrowed_.back()->compactor = this;
        borrowed_.back()->index = static_cast<uint32_t>(i);
    }
}

void LoopCompactor::drive(WorkerRuntime& rt) {
    {
        std::lock_guard lock(mutex_);
        Lender& me = lenders_[rt.index()];
        me.has_clock = pthread_getcpuclockid(pthread_self(), &me.cpu_clock) == 0;
    }
    if (rt.index() == 0) driveGatherer(rt);
    else driveLender(rt);
}

void LoopCompactor::driveLender(WorkerRuntime& rt) {
    Lender& me = lenders_[rt.index()];
    // uv_run returns early only after the gatherer's uv_stop: it wants the loop.
    while (uv_run(&rt.loop_, UV_RUN_DEFAULT) != 0) {
        std::unique_lock lock(mutex_);
        if (!gather_wanted_ || gatherer_done_) continue;
        rt.owner_.leave();
        me.state = LoanState::Lent;
        runtimes_[0]->post([this, index = rt.index()] { adopt(index); });
        loan_returned_.wait(lock, [&] { return me.state == LoanState::Home; });
        rt.owner_.enter();
    }
}

void LoopCompactor::driveGatherer(WorkerRuntime& rt0) {
    uv_loop_t* loop0 = &rt0.loop_;
    uv_loop_configure(loop0, UV_METRICS_IDLE_TIME);  // the busy share the policy reads
    uv_timer_init(loop0, &period_timer_);
    period_timer_.data = this;
    const auto period = static_cast<uint64_t>(period_ms_);
    uv_timer_start(
        &period_timer_, [](uv_timer_t* t) { static_cast<LoopCompactor*>(t->data)->onPeriod(); }, period, period);
    uv_unref(handle(&period_timer_));  // the workers' handles decide when the loop ends
    uv_idle_init(loop0, &drain_);
    drain_.data = this;
    for (size_t i = 1; i < runtimes_.size(); ++i) {
        Borrowed& b = *borrowed_[i];
        uv_poll_init(loop0, &b.poll, uv_backend_fd(&runtimes_[i]->loop_));
        b.poll.data = &b;
        uv_timer_init(loop0, &b.timer);
        b.timer.data = &b;
        uv_unref(handle(&b.timer));  // the poll keeps worker 0's loop running while a loop is lent
    }
    period_start_ns_ = uv_hrtime();
    period_start_cpu_s_ = workersCpuSeconds();
    period_start_idle_ns_ = uv_metrics_idle_time(loop0);

    // Returns once worker 0's loop and every loop lent to it have ended.
    uv_run(loop0, UV_RUN_DEFAULT);

    {
        std::lock_guard lock(mutex_);
        gatherer_done_ = true;
        for (Lender& l : lenders_)
            if (l.state == LoanState::Lent) l.state = LoanState::Home;
    }
    loan_returned_.notify_all();
    uv_close(handle(&period_timer_), nullptr);
    uv_close(handle(&drain_), nullptr);
    for (size_t i = 1; i < runtimes_.size(); ++i) {
        uv_close(handle(&borrowed_[i]->poll), nullptr);
        uv_close(handle(&borrowed_[i]->timer), nullptr);
    }
}

void LoopCompactor::adopt(uint32_t index) {
    {
        std::lock_guard lock(mutex_);
        if (lenders_[index].state != LoanState::Lent) return;  // spread meanwhile: it went home
        lenders_[index].state = LoanState::Driven;
    }
    runtimes_[index]->owner_.enter();
    Borrowed& b = *borrowed_[index];
    b.driven = true;
    ++driven_count_;
    uv_poll_start(&b.poll, UV_READABLE, [](uv_poll_t* p, int, int) {
        auto* lent = static_cast<Borrowed*>(p->data);
        lent->compactor->runBorrowed(*lent);
    });
    runBorrowed(b);  // what came while it was being lent
    if (driven_count_ + 1 == runtimes_.size())
        log::info("workers: the {} worker loops run on one thread (low load: they used {:.2f} cores)", runtimes_.size(),
                  gather_cores_);
}

void LoopCompactor::runBorrowed(Borrowed& b) {
    if (uv_run(&runtimes_[b.index]->loop_, UV_RUN_NOWAIT) == 0) {
        giveBack(b, true);  // it has ended: its own thread finishes it
        return;
    }
    armTimeout(b);
}

void LoopCompactor::armTimeout(Borrowed& b) {
    uv_loop_t* lent = &runtimes_[b.index]->loop_;
    uv_update_time(lent);
    int timeout = uv_backend_timeout(lent);
    if (timeout < 0) {
        uv_timer_stop(&b.timer);
        return;
    }
    uv_timer_start(
        &b.timer,
        [](uv_timer_t* t) {
            auto* lent = static_cast<Borrowed*>(t->data);
            lent->compactor->runBorrowed(*lent);
        },
        static_cast<uint64_t>(timeout), 0);
}

void LoopCompactor::giveBack(Borrowed& b, bool ended) {
    WorkerRuntime& rt = *runtimes_[b.index];
    uv_poll_stop(&b.poll);
    uv_timer_stop(&b.timer);
    b.driven = false;
    --driven_count_;
    bool marked = std::exchange(b.inbox_marked, false);
    rt.owner_.leave();
    if (marked && !ended) uv_async_send(&rt.wakeup_);  // its own thread drains it
    {
        std::lock_guard lock(mutex_);
        lenders_[b.index].state = LoanState::Home;
    }
    loan_returned_.notify_all();
}

bool LoopCompactor::takeWakeup(WorkerRuntime& rt) {
    if (!runtimes_[0]->owner_.isCurrent()) return false;
    // On the gatherer's thread: its state is ours to read.
    Borrowed& b = *borrowed_[rt.index()];
    if (driven_count_ == 0 || (rt.index() != 0 && !b.driven)) return false;
    b.inbox_marked = true;
    uv_idle_start(&drain_, [](uv_idle_t* i) { static_cast<LoopCompactor*>(i->data)->drainMarkedInboxes(); });
    return true;
}

void LoopCompactor::drainMarkedInboxes() {
    // Draining one inbox may mark another (a delivery answered): until none is.
    for (bool any = true; any;) {
        any = false;
        for (auto& b : borrowed_) {
            if (!b->inbox_marked) continue;
            b->inbox_marked = false;
            any = true;
            WorkerRuntime& rt = *runtimes_[b->index];
            rt.onWakeup();
            if (b->index == 0) continue;  // worker 0's own iteration flushes it next (prepare)
            rt.refreshWallOffset();
            rt.endIteration();
            if (b->driven) armTimeout(*b);
        }
    }
    uv_idle_stop(&drain_);
}

double LoopCompactor::workersCpuSeconds() {
    std::lock_guard lock(mutex_);
    double sum = 0;
    for (const Lender& l : lenders_) {
        timespec ts{};
        if (l.has_clock && clock_gettime(l.cpu_clock, &ts) == 0)
            sum += static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
    }
    return sum;
}

void LoopCompactor::onPeriod() {
    uint64_t now_ns = uv_hrtime();
    double cpu_s = workersCpuSeconds();
    uint64_t idle_ns = uv_metrics_idle_time(&runtimes_[0]->loop_);
    double period_ns = static_cast<double>(now_ns - period_start_ns_);
    double cores = std::max(0.0, (cpu_s - period_start_cpu_s_) * 1e9 / period_ns);
    double busy = std::clamp(1.0 - static_cast<double>(idle_ns - period_start_idle_ns_) / period_ns, 0.0, 1.0);
    period_start_ns_ = now_ns;
    period_start_cpu_s_ = cpu_s;
    period_start_idle_ns_ = idle_ns;
    switch (policy_.onPeriod(gather_wanted_, cores, busy, static_cast<int64_t>(now_ns / 1000000))) {
        case CompactionPolicy::Decision::Stay: return;
        case CompactionPolicy::Decision::Gather:
            gather_cores_ = cores;
            gather();
            return;
        case CompactionPolicy::Decision::Spread:
            log::info("workers: each worker loop back on its own thread (the one thread was busy {:.0f}% of the time)",
                      busy * 100);
            spread();
            return;
    }
}

void LoopCompactor::gather() {
    {
        std::lock_guard lock(mutex_);
        gather_wanted_ = true;
    }
    for (size_t i = 1; i < runtimes_.size(); ++i) {
        WorkerRuntime* rt = runtimes_[i];
        rt->post([rt] { uv_stop(&rt->loop_); });
    }
}

void LoopCompactor::spread() {
    {
        std::lock_guard lock(mutex_);
        gather_wanted_ = false;
        for (Lender& l : lenders_)
            if (l.state == LoanState::Lent) l.state = LoanState::Home;  // not adopted yet
    }
    loan_returned_.notify_all();
    for (size_t i = 1; i < borrowed_.size(); ++i)
        if (borrowed_[i]->driven) giveBack(*borrowed_[i], false);
}

}  // namespace emqx
