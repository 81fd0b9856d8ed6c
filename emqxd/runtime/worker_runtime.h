#pragma once
// What every per-worker layer needs from its thread: the libuv loop, the inbox
// other threads post to, the deadline queue served by one timer, the loop's
// clock, the worker's counters and protocol-error log, the buffers its
// connections share, and the state each layer keeps per thread (local<T>()).
// It names no layer above it: inbox batches, due deadlines and the end of each
// loop iteration go to the handlers the worker sets (one indirect call per
// batch, deadline or iteration, never per message).
// Owner: the worker thread, but where marked "any thread".
#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

#include "common/config/broker_config.h"
#include "common/thread/owner_thread.h"
#include "emqxd/log/protocol_error_log.h"
#include "emqxd/metrics/metrics.h"
#include "emqxd/runtime/deadline_queue.h"
#include "emqxd/runtime/delivery.h"
#include "emqxd/runtime/inbox.h"

namespace emqx {

class LoopCompactor;

class WorkerRuntime {
public:
    using Task = std::function<void()>;
    using InboxItem = std::variant<Delivery, Task>;

    // Set by the worker before it starts.
    struct Handlers {
        // A batch drained from the inbox, in the order it was posted.
        std::function<void(std::vector<InboxItem>& batch)> batch;
        // A due Connection or Session deadline (LogWindow is the runtime's own).
        std::function<void(const DeadlineEntry& due, int64_t now_ms)> deadline;
        // Once per loop iteration, before the timer is armed: the output flush.
        std::function<void()> end_of_iteration;
    };

    WorkerRuntime(uint32_t index, int64_t log_throttle_window_ms);
    ~WorkerRuntime();
    WorkerRuntime(const WorkerRuntime&) = delete;
    WorkerRuntime& operator=(const WorkerRuntime&) = delete;
    void setHandlers(Handlers h) { handlers_ = std::move(h); }
    // Before start(): the loop is run through `c`, which may run it on
    // another worker's thread while the load is low (loop_compactor.h).
    void setCompactor(LoopCompactor* c) { compactor_ = c; }

    // --- any thread ---
    void start();
    void join();
    uint32_t index() const { return index_; }
    void post(Task task) { inbox_.push(InboxItem{std::move(task)}); }
    template <class It>
    void postDeliveries(It first, It last) {
        inbox_.pushRange(first, last);
    }
    const Metrics& metrics() const { return metrics_; }
    // The thread running this loop, set while run() runs it (before and after,
    // the main thread may touch what the worker owns): every object the worker
    // owns (connections, channels, sessions, its shard) asserts it in debug
    // builds (EMQX_ASSERT_OWNER).
    const OwnerThread& owner() const { return owner_; }

    // --- the worker's own thread ---
    uv_loop_t* loop() {
        EMQX_ASSERT_OWNER(owner_);
        return &loop_;
    }
    Metrics& metrics() {
        EMQX_ASSERT_OWNER(owner_);
        return metrics_;
    }
    int64_t nowMs() const {
        EMQX_ASSERT_OWNER(owner_);
        return static_cast<int64_t>(uv_now(const_cast<uv_loop_t*>(&loop_)));
    }
    // The wall clock as of this loop iteration: the loop's time plus an offset
    // taken once per iteration, so the per-message path reads no clock.
    int64_t loopWallMs() const { return nowMs() + wall_offset_ms_; }

    void schedule(DeadlineKind kind, uint64_t id, DeadlineSlot& slot, int64_t at_ms) {
        deadlines_.reschedule(kind, id, slot, at_ms);
    }
    // A warning about a peer's error (throttled: see ProtocolErrorLog).
    void logProtocolError(const ProtocolErrorEvent& e);

    // A shared read buffer for every connection of this worker: an idle
    // connection holds no input buffer.
    char* readBuffer() { return read_buffer_.get(); }
    static constexpr size_t kReadBufferSize = config::kReadBufferLimit;
    // Where a TLS / WebSocket connection's plaintext lands before parsing.
    std::string& transportScratch() { return transport_scratch_; }
    // Where a channel encodes a packet before appending it to its output
    // (one per worker, not one per connection: idle connections stay small).
    std::string& encodeScratch() { return encode_scratch_; }

    // The layer's state of type T on this thread (a pool, a cache, a
    // verifier), made on first use: from this runtime when T takes one, else
    // from the loop when T takes that, else by default. A T with
    // onWorkerStop() is told when the worker stops; all are destroyed with the
    // runtime.
    template <class T>
    T& local();

    // The worker is stopping: the protocol-error log tells what it held back
    // and each local state is told. The worker then closes its connections and
    // closeLoopHandles() once none is left, which ends the loop.
    void beginStop();
    bool stopping() const { return stopping_; }
    void closeLoopHandles();

private:
    friend class LoopCompactor;  // runs the loop and moves its owner between threads

    struct LocalState {
        std::unique_ptr<void, void (*)(void*)> object{nullptr, nullptr};
        void (*stop)(void*) = nullptr;
    };
    static size_t nextLocalSlot();
    template <class T>
    static size_t localSlot() {
        static const size_t slot = nextLocalSlot();
        return slot;
    }
    template <class T>
    T* makeLocal();

    void run();
    void onWakeup();
    void onTimer();
    void armTimer();
    void endIteration();
    void refreshWallOffset();

    const uint32_t index_;
    uv_loop_t loop_{};
    uv_async_t wakeup_{};
    uv_timer_t timer_{};
    uv_prepare_t prepare_{};
    uv_check_t check_{};
    Handlers handlers_;
    Inbox<InboxItem> inbox_;
    std::vector<InboxItem> batch_;
    std::thread thread_;
    OwnerThread owner_;
    Metrics metrics_;
    DeadlineQueue deadlines_;
    ProtocolErrorLog protocol_errors_;
    DeadlineSlot log_window_slot_;
    int64_t timer_armed_at_ = -1;
    int64_t wall_offset_ms_ = 0;  // wallClockMs() - nowMs(), see loopWallMs()
    std::unique_ptr<char[]> read_buffer_;
    std::string transport_scratch_;
    std::string encode_scratch_;
    std::vector<LocalState> locals_;  // by localSlot<T>()
    LoopCompactor* compactor_ = nullptr;
    bool stopping_ = false;
    bool started_ = false;
};

template <class T>
T* WorkerRuntime::makeLocal() {
    if constexpr (std::is_constructible_v<T, WorkerRuntime&>) return new T(*this);
    else if constexpr (std::is_constructible_v<T, uv_loop_t*>) return new T(&loop_);
    else return new T();
}

template <class T>
T& WorkerRuntime::local() {
    size_t slot = localSlot<T>();
    if (slot >= locals_.size()) locals_.resize(slot + 1);
    LocalState& s = locals_[slot];
    if (!s.object) {
        s.object = {makeLocal<T>(), [](void* p) { delete static_cast<T*>(p); }};
        if constexpr (requires(T & t) { t.onWorkerStop(); })
            s.stop = [](void* p) { static_cast<T*>(p)->onWorkerStop(); };
    }
    return *static_cast<T*>(s.object.get());
}

}  // namespace emqx
