#include "emqxd/ctl/control_loop_inbox.h"

namespace emqx {

ControlLoopInbox::ControlLoopInbox(uv_loop_t* loop)
    : async_(new uv_async_t), inbox_([this] {
          // Under the lock so that close() cannot slip between the check and the send.
          std::lock_guard lock(wake_mutex_);
          if (!closed_) uv_async_send(async_);
      }) {
    async_->data = this;
    uv_async_init(loop, async_, [](uv_async_t* a) { static_cast<ControlLoopInbox*>(a->data)->onWakeup(); });
}

ControlLoopInbox::~ControlLoopInbox() {
    // close() must have run on the control loop; if not, the handle leaks
    // rather than being freed under a running loop.
    std::lock_guard lock(wake_mutex_);
    closed_ = true;
}

void ControlLoopInbox::post(Task task) {
    {
        std::lock_guard lock(wake_mutex_);
        if (closed_) return;
    }
    inbox_.push(std::move(task));
}

void ControlLoopInbox::close() {
    EMQX_ASSERT_OWNER(owner_);
    {
        std::lock_guard lock(wake_mutex_);
        if (closed_) return;
        closed_ = true;
    }
    uv_close(reinterpret_cast<uv_handle_t*>(async_), [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); });
    std::vector<Task> dropped;
    inbox_.drain(dropped);
}

void ControlLoopInbox::onWakeup() {
    {
        std::lock_guard lock(wake_mutex_);
        if (closed_) return;
    }
    inbox_.drain(batch_);
    std::vector<Task> now;
    now.swap(batch_);
    for (Task& t : now) t();
    now.clear();
    if (batch_.empty()) batch_.swap(now);  // keep the capacity
}

}  // namespace emqx
