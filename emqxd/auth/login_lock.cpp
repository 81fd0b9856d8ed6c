#include "emqxd/auth/login_lock.h"

#include <algorithm>

namespace emqx::auth {

LoginLock::LoginLock(unsigned max_attempts, int64_t interval_ms, int64_t lock_duration_ms)
    : max_attempts_(max_attempts), interval_ms_(interval_ms), lock_duration_ms_(lock_duration_ms) {}

std::optional<LoginLock::Refusal> LoginLock::refuse(const std::string& address, int64_t now_ms) {
    auto it = by_address_.find(address);
    if (it == by_address_.end() || it->second.locked_until_ms <= now_ms) return std::nullopt;
    return Refusal{it->second.locked_until_ms - now_ms, ++it->second.refused};
}

bool LoginLock::failed(const std::string& address, int64_t now_ms) {
    if (!by_address_.contains(address) && by_address_.size() >= kMaxAddresses) makeRoom(now_ms);
    Record& r = by_address_[address];
    while (!r.failures.empty() && r.failures.front() <= now_ms - interval_ms_) r.failures.pop_front();
    r.failures.push_back(now_ms);
    if (r.failures.size() < max_attempts_) return false;
    r.failures.clear();
    r.locked_until_ms = now_ms + lock_duration_ms_;
    r.refused = 0;
    return true;
}

void LoginLock::succeeded(const std::string& address) { by_address_.erase(address); }

void LoginLock::makeRoom(int64_t now_ms) {
    std::erase_if(by_address_, [&](const auto& kv) {
        const Record& r = kv.second;
        return r.locked_until_ms <= now_ms && (r.failures.empty() || r.failures.back() <= now_ms - interval_ms_);
    });
    if (by_address_.size() < kMaxAddresses) return;
    auto oldest = std::min_element(by_address_.begin(), by_address_.end(), [](const auto& a, const auto& b) {
        auto last = [](const Record& r) {
            return std::max(r.locked_until_ms, r.failures.empty() ? int64_t{0} : r.failures.back());
        };
        return last(a.second) < last(b.second);
    });
    by_address_.erase(oldest);
}

}  // namespace emqx::auth
