#pragma once
// A connection's authorization cache (authorization.cache.*), kept in its
// Channel and touched only by its worker thread.
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace emqx::authz {

enum class Action { Publish, Subscribe };

// One connection's cache (owned by its worker thread): (action, topic) ->
// result, for cache.ttl, at most cache.max_size entries; when full, the least
// recently used entry makes room.
class Cache {
public:
    // nullopt: not cached (or expired, or from an older generation).
    std::optional<bool> get(Action a, std::string_view topic, int64_t now_ms, uint64_t generation);
    void put(Action a, std::string_view topic, bool allow, int64_t expires_ms, uint64_t generation, size_t max_size);
    void clear() {
        index_.clear();
        order_.clear();
    }
    size_t size() const { return index_.size(); }

    // Each result still served at `now_ms` for `generation`, most recently used
    // first: f(action, topic, allow, expires_ms). For `GET .../authorization/cache`.
    template <class F>
    void forEachLive(int64_t now_ms, uint64_t generation, F&& f) const {
        for (const Entry& e : order_)
            if (e.generation == generation && e.expires_ms > now_ms)
                f(e.key[0] == 'p' ? Action::Publish : Action::Subscribe, std::string_view(e.key).substr(1), e.allow,
                  e.expires_ms);
    }

private:
    struct Entry {
        std::string key;  // action letter + topic
        bool allow;
        int64_t expires_ms;
        uint64_t generation;
    };
    void setKey(Action a, std::string_view topic);
    std::string key_;                                                         // reused lookup key
    std::list<Entry> order_;                                                  // most recently used first
    std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;  // views into order_'s keys
};

}  // namespace emqx::authz
