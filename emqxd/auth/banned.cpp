#include "emqxd/auth/banned.h"

#include "emqxd/log/log.h"

namespace emqx::auth {

bool Banned::isBanned(const std::string& clientid, const std::string& username, const std::string& peerhost,
                      int64_t now_ms) {
    if (count_.load(std::memory_order_relaxed) == 0) return false;
    std::lock_guard lock(mutex_);
    auto hit = [&](const char* as, const std::string& who) {
        if (who.empty()) return false;
        auto it = entries_.find({as, who});
        if (it == entries_.end()) return false;
        if (it->second.until_ms != 0 && it->second.until_ms <= now_ms) {
            entries_.erase(it);
            count_.store(entries_.size());
            return false;
        }
        return true;
    };
    return hit("clientid", clientid) || hit("username", username) || hit("peerhost", peerhost);
}

void Banned::add(BanEntry e) {
    std::lock_guard lock(mutex_);
    auto key = std::make_pair(e.as, e.who);
    entries_[key] = std::move(e);
    count_.store(entries_.size());
}

bool Banned::remove(const std::string& as, const std::string& who) {
    std::lock_guard lock(mutex_);
    bool removed = entries_.erase({as, who}) > 0;
    count_.store(entries_.size());
    return removed;
}

std::vector<BanEntry> Banned::list(int64_t now_ms) {
    std::lock_guard lock(mutex_);
    std::vector<BanEntry> out;
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->second.until_ms != 0 && it->second.until_ms <= now_ms) {
            it = entries_.erase(it);
            continue;
        }
        out.push_back(it->second);
        ++it;
    }
    count_.store(entries_.size());
    return out;
}

bool FlappingDetector::count(const std::string& key, int64_t now_ms) {
    auto& q = failures_[key];
    q.push_back(now_ms);
    while (!q.empty() && q.front() <= now_ms - cfg_.window_time) q.pop_front();
    if (q.size() < cfg_.max_count) return false;
    failures_.erase(key);
    return true;
}

void FlappingDetector::failure(const std::string& clientid, const std::string& peerhost, int64_t now_ms) {
    if (!cfg_.enable) return;
    bool ban_client = false, ban_host = false;
    {
        std::lock_guard lock(mutex_);
        if (!clientid.empty()) ban_client = count("c:" + clientid, now_ms);
        if (!peerhost.empty()) ban_host = count("h:" + peerhost, now_ms);
        if (failures_.size() > 100000) failures_.clear();  // bounded memory under a flood of ids
    }
    auto ban = [&](const char* as, const std::string& who) {
        log::warn("flapping_detect: {} {} banned for {} ms after {} authentication failures", as, who, cfg_.ban_time,
                  cfg_.max_count);
        banned_.add(BanEntry{as, who, "flapping", "flapping_detect", now_ms, now_ms + cfg_.ban_time});
    };
    if (ban_client) ban("clientid", clientid);
    if (ban_host) ban("peerhost", peerhost);
}

}  // namespace emqx::auth
