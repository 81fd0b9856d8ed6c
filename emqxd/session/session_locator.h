#pragma once
// Where the session of a client id lives: which node and which worker owns
// it. Touched on connect, session end and hand-over, never per message.
//
// Invariant: a client id with a session on worker W is owned by W, from the
// session's creation (SessionManager::create claims) to its end (end()
// releases, unless a new session of the same id on W has already replaced
// it: a clean start creates the new session before ending the old one, so the
// id is never free in between) or its hand-over (transfer() names the new
// owner before the session leaves). A client id with no session anywhere has
// no owner, except for the moment between a CONNECT's claim and the session it
// opens on the same thread. Only the owner releases or transfers, so no other
// worker can take an id while its session lives.
//
// One node for now: every owner is on this node (kThisNode). A cluster makes
// the locator answer for ids registered elsewhere (CLUSTER.md §6), and a
// CONNECT then asks that node for a hand-over, as workers ask each other.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "emqxd/peer/node_id.h"

namespace emqx {

struct SessionOwner {
    NodeId node = kThisNode;
    uint32_t worker = 0;
    bool operator==(const SessionOwner&) const = default;
};

class SessionLocator {
public:
    // The owner of `client_id`; if there is none, `worker` of this node claims it.
    SessionOwner claim(std::string_view client_id, uint32_t worker) {
        std::lock_guard lock(mutex_);
        auto [it, inserted] = owners_.try_emplace(std::string(client_id), SessionOwner{kThisNode, worker});
        return it->second;
    }

    // Forgets `client_id` if `worker` still owns it.
    void release(std::string_view client_id, uint32_t worker) {
        std::lock_guard lock(mutex_);
        auto it = owners_.find(std::string(client_id));
        if (it != owners_.end() && it->second == SessionOwner{kThisNode, worker}) owners_.erase(it);
    }

    // Names `to` the owner if `from` still owns `client_id` (a session handed
    // over); false, and nothing changed, otherwise.
    bool transfer(std::string_view client_id, uint32_t from, uint32_t to) {
        std::lock_guard lock(mutex_);
        auto it = owners_.find(std::string(client_id));
        if (it == owners_.end() || it->second != SessionOwner{kThisNode, from}) return false;
        it->second.worker = to;
        return true;
    }

    // The owner of `client_id`, if any. By the time the caller acts on it the
    // owner may have changed: whoever uses it checks again on that worker (the
    // control plane's runOnClientOwner, a hand-over request).
    std::optional<SessionOwner> owner(std::string_view client_id) const {
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
    std::unordered_map<std::string, SessionOwner> owners_;
};

}  // namespace emqx
