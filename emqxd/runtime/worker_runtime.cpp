#include "emqxd/runtime/worker_runtime.h"

#include <algorithm>
#include <atomic>

#include "common/clock/wall_clock.h"
#include "emqxd/runtime/loop_compactor.h"

namespace emqx {

WorkerRuntime::WorkerRuntime(uint32_t index, int64_t log_throttle_window_ms)
    : index_(index),
      inbox_([this] {
          if (!compactor_ || !compactor_->takeWakeup(*this)) uv_async_send(&wakeup_);
      }),
      protocol_errors_(log_throttle_window_ms),
      read_buffer_(new char[kReadBufferSize]) {
    uv_loop_init(&loop_);
    loop_.data = this;
    deadlines_.bindOwner(owner_);
    uv_async_init(&loop_, &wakeup_, [](uv_async_t* a) { static_cast<WorkerRuntime*>(a->loop->data)->onWakeup(); });
    uv_timer_init(&loop_, &timer_);
    uv_prepare_init(&loop_, &prepare_);
    uv_check_init(&loop_, &check_);
    refreshWallOffset();
    uv_prepare_start(&prepare_, [](uv_prepare_t* p) {
        auto* rt = static_cast<WorkerRuntime*>(p->loop->data);
        rt->refreshWallOffset();
        rt->endIteration();
    });
    uv_check_start(&check_, [](uv_check_t* c) { static_cast<WorkerRuntime*>(c->loop->data)->endIteration(); });
    uv_unref(reinterpret_cast<uv_handle_t*>(&prepare_));
    uv_unref(reinterpret_cast<uv_handle_t*>(&check_));
}

WorkerRuntime::~WorkerRuntime() {
    join();
    if (!started_) {
        // Never run (a start that failed later, a unit test): close what the
        // constructor opened, or the loop cannot close and its memory leaks.
        closeLoopHandles();
        uv_run(&loop_, UV_RUN_DEFAULT);
    }
    locals_.clear();
    uv_loop_close(&loop_);
}

size_t WorkerRuntime::nextLocalSlot() {
    static std::atomic<size_t> next{0};
    return next.fetch_add(1, std::memory_order_relaxed);
}

void WorkerRuntime::closeLoopHandles() {
    uv_close(reinterpret_cast<uv_handle_t*>(&wakeup_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&prepare_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&check_), nullptr);
}

void WorkerRuntime::refreshWallOffset() {
    uv_update_time(&loop_);
    wall_offset_ms_ = wallClockMs() - nowMs();
}

void WorkerRuntime::start() {
    started_ = true;
    thread_ = std::thread([this] { run(); });
}

void WorkerRuntime::join() {
    if (thread_.joinable()) thread_.join();
}

void WorkerRuntime::run() {
    owner_.enter();
    if (compactor_) compactor_->drive(*this);
    else uv_run(&loop_, UV_RUN_DEFAULT);
    // Drain the handles closed on the way out.
    uv_run(&loop_, UV_RUN_DEFAULT);
    owner_.leave();  // the main thread saves and frees what the loop owned
}

void WorkerRuntime::beginStop() {
    stopping_ = true;
    protocol_errors_.windowEnded();  // what it held back is told before the end
    for (LocalState& s : locals_)
        if (s.stop) s.stop(s.object.get());
}

void WorkerRuntime::onWakeup() {
    inbox_.drain(batch_);
    handlers_.batch(batch_);
    batch_.clear();
}

void WorkerRuntime::endIteration() {
    handlers_.end_of_iteration();
    armTimer();
}

void WorkerRuntime::logProtocolError(const ProtocolErrorEvent& e) {
    schedule(DeadlineKind::LogWindow, 0, log_window_slot_, protocol_errors_.report(nowMs(), e));
}

void WorkerRuntime::armTimer() {
    int64_t earliest = deadlines_.earliest();
    if (earliest == timer_armed_at_) return;
    timer_armed_at_ = earliest;
    if (earliest == DeadlineQueue::kNone) {
        uv_timer_stop(&timer_);
        return;
    }
    int64_t delay = std::max<int64_t>(0, earliest - nowMs());
    uv_timer_start(
        &timer_, [](uv_timer_t* t) { static_cast<WorkerRuntime*>(t->loop->data)->onTimer(); },
        static_cast<uint64_t>(delay), 0);
}

void WorkerRuntime::onTimer() {
    timer_armed_at_ = -1;
    int64_t now = nowMs();
    deadlines_.popDue(now, [&](const DeadlineEntry& e) {
        if (e.kind != DeadlineKind::LogWindow) {
            handlers_.deadline(e, now);
            return;
        }
        protocol_errors_.windowEnded();
    });
    armTimer();
}

}  // namespace emqx
