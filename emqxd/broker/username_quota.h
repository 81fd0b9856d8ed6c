#pragma once
// mqtt.max_conn_per_username: live connections per username, shared by every
// worker (a username's clients may sit on any of them). Touched once when a
// CONNECT is admitted and once when that connection closes, never per
// message, so one mutex is enough. Clients without a username are not counted.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace emqx {

class UsernameQuota {
public:
    explicit UsernameQuota(unsigned limit) : limit_(limit) {}

    bool limited() const { return limit_ > 0; }

    // Counts one more connection for `username`; false (nothing counted) when
    // it already has the limit.
    bool tryAcquire(const std::string& username) {
        std::lock_guard lock(mutex_);
        unsigned& n = live_[username];
        if (n >= limit_) return false;
        ++n;
        return true;
    }

    // Once per successful tryAcquire.
    void release(const std::string& username) {
        std::lock_guard lock(mutex_);
        auto it = live_.find(username);
        if (it == live_.end()) return;
        if (--it->second == 0) live_.erase(it);
    }

    unsigned count(const std::string& username) const {
        std::lock_guard lock(mutex_);
        auto it = live_.find(username);
        return it == live_.end() ? 0 : it->second;
    }

private:
    const unsigned limit_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, unsigned> live_;
};

}  // namespace emqx
