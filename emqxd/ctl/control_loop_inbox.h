#pragma once
// The control loop's own inbox: workers post completions here (e.g. their
// share of a `clients list`), and the control loop runs them in batches, woken
// by one uv_async_send per batch (the same Inbox the workers use).
// Owner: the control loop (bound by the ctl server to the thread running it);
// post() may be called from any thread, also after close() (the task is then
// dropped, never run).
#include <uv.h>

#include <functional>
#include <mutex>
#include <vector>

#include "common/thread/owner_thread.h"
#include "emqxd/runtime/inbox.h"

namespace emqx {

class ControlLoopInbox {
public:
    using Task = std::function<void()>;

    explicit ControlLoopInbox(uv_loop_t* loop);
    ~ControlLoopInbox();
    ControlLoopInbox(const ControlLoopInbox&) = delete;
    ControlLoopInbox& operator=(const ControlLoopInbox&) = delete;

    // --- any thread ---
    void post(Task task);

    // --- the control loop ---
    void bindOwner(const OwnerThread& owner) { owner_.bind(owner); }
    // Stops waking the loop and closes the async handle; queued and later
    // tasks are dropped. The loop must run once more to finish the close.
    void close();

private:
    void onWakeup();

    uv_async_t* async_;  // heap: freed in its close callback, which may outlive us
    std::mutex wake_mutex_;
    bool closed_ = false;
    Inbox<Task> inbox_;
    std::vector<Task> batch_;
    OwnerRef owner_;
};

}  // namespace emqx
