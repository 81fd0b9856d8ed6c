#include "emqxd/hooks/hook_bus.h"

namespace emqx::hooks {

void Switch::set(bool on) {
    // A worker may see the flag and the counts change in either order: a live
    // count with the switch off skips the subscriber, a switch on behind a
    // count of zero runs nothing yet. Either way it is a moment's lines, never
    // a race on memory.
    if (on_.exchange(on, std::memory_order_relaxed) == on) return;
    for (std::atomic<uint32_t>* live : live_counts_) {
        if (on) live->fetch_add(1, std::memory_order_relaxed);
        else live->fetch_sub(1, std::memory_order_relaxed);
    }
}

const MessagePtr& HookBus::runPublish(const MessagePtr& m, MessagePtr& slot) const {
    slot = m;
    for (const auto& s : std::get<List<MessagePublish>>(lists_)) {
        if (s.gate && !s.gate->on()) continue;
        Verdict v = s.handler(MessagePublish{slot});
        if (v == Verdict::Drop || !slot) {
            slot.reset();
            break;
        }
        if (v == Verdict::Stop) break;
    }
    return slot;
}

}  // namespace emqx::hooks
