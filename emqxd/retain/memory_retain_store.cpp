#include "emqxd/retain/memory_retain_store.h"

#include <mutex>

#include "common/topic/topic.h"

namespace emqx {

DurableWrites MemoryRetainStore::put(const MessagePtr& msg) {
    std::unique_lock lock(mutex_);
    if (msg->payload.empty()) {
        auto it = messages_.find(msg->topic);
        if (it != messages_.end()) messages_.erase(it);
        return {};
    }
    messages_.insert_or_assign(std::string(msg->topic), msg);
    return {};
}

void MemoryRetainStore::match(std::string_view filter, const std::function<void(const MessagePtr&)>& visit) const {
    std::shared_lock lock(mutex_);
    if (!topic::hasWildcard(filter)) {
        auto it = messages_.find(filter);
        if (it != messages_.end()) visit(it->second);
        return;
    }
    for (auto& [topic, msg] : messages_)
        if (topic::matches(filter, topic)) visit(msg);
}

size_t MemoryRetainStore::erase(std::string_view topic) {
    std::unique_lock lock(mutex_);
    if (topic.empty()) {
        size_t n = messages_.size();
        messages_.clear();
        return n;
    }
    auto it = messages_.find(topic);
    if (it == messages_.end()) return 0;
    messages_.erase(it);
    return 1;
}

size_t MemoryRetainStore::size() const {
    std::shared_lock lock(mutex_);
    return messages_.size();
}

}  // namespace emqx
