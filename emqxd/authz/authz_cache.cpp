#include "emqxd/authz/authz_cache.h"

namespace emqx::authz {

void Cache::setKey(Action a, std::string_view topic) {
    key_.assign(1, a == Action::Publish ? 'p' : 's');
    key_.append(topic);
}

std::optional<bool> Cache::get(Action a, std::string_view topic, int64_t now_ms, uint64_t generation) {
    if (index_.empty()) return std::nullopt;
    setKey(a, topic);
    auto it = index_.find(key_);
    if (it == index_.end()) return std::nullopt;
    auto node = it->second;
    if (node->generation != generation || node->expires_ms <= now_ms) {
        index_.erase(it);
        order_.erase(node);
        return std::nullopt;
    }
    order_.splice(order_.begin(), order_, node);
    return node->allow;
}

void Cache::put(Action a, std::string_view topic, bool allow, int64_t expires_ms, uint64_t generation,
                size_t max_size) {
    if (max_size == 0) return;
    setKey(a, topic);
    if (auto it = index_.find(key_); it != index_.end()) {
        auto node = it->second;
        node->allow = allow;
        node->expires_ms = expires_ms;
        node->generation = generation;
        order_.splice(order_.begin(), order_, node);
        return;
    }
    if (index_.size() >= max_size) {
        index_.erase(order_.back().key);
        order_.pop_back();
    }
    order_.push_front(Entry{key_, allow, expires_ms, generation});
    index_.emplace(order_.front().key, order_.begin());
}

}  // namespace emqx::authz
