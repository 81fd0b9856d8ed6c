#pragma once
// Which worker owns the session of a client id. Touched on connect, session
// end and takeover, never per message. A connection whose client id is owned
// by another worker moves there, so a session never changes thread.
//
// Invariant: a client id with a session on worker W is registered to W, from
// the session's creation (Worker::createSession claims) to its end
// (Worker::endSession releases, unless a new session of the same id on W has
// already replaced it: a clean start creates the new session before ending the
// old one, so the id is never free in between). A client id with no session
// anywhere is not registered, except for the moment between a CONNECT's claim
// and the session it opens on the same thread (Channel::admitted). Only the
// owner releases, so no other worker can take an id while its session lives.
//
// Where clustering fits: an owner will also be able to name another node.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace emqx {

class SessionRegistry {
public:
    // The worker owning `client_id`; if none does, `worker` claims it.
    uint32_t claim(std::string_view client_id, uint32_t worker) {
        std::lock_guard lock(mutex_);
        auto [it, inserted] = owners_.try_emplace(std::string(client_id), worker);
        return it->second;
    }

    // Forgets `client_id` if `worker` still owns it.
    void release(std::string_view client_id, uint32_t worker) {
        std::lock_guard lock(mutex_);
        auto it = owners_.find(std::string(client_id));
        if (it != owners_.end() && it->second == worker) owners_.erase(it);
    }

    // The worker owning `client_id`, if any. By the time the caller acts on
    // it the owner may have changed: whoever uses it checks again on that
    // worker (the control plane's runOnClientOwner).
    std::optional<uint32_t> owner(std::string_view client_id) const {
        std::lock_guard lock(mutex_);
        auto it = owners_.find(std::string(client_id));
        if (it == owners_.end()) return std::nullopt;
        return it->second;
    }

    size_t size() const {
        std::lock_guard lock(mutex_);
        return owners_.size();
    }

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, uint32_t> owners_;
};

}  // namespace emqx
