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
            dropExpired(it);
            count_.store(entries_.size());
            return false;
        }
        return true;
    };
    return hit("clientid", clientid) || hit("username", username) || hit("peerhost", peerhost);
}

void Banned::dropExpired(Entries::iterator it) {
    if (sink_) sink_->banDeleted(it->second.as, it->second.who);
    entries_.erase(it);
}

uint64_t Banned::add(BanEntry e) {
    std::lock_guard lock(mutex_);
    uint64_t seq = sink_ ? sink_->banSaved(e) : 0;
    auto key = std::make_pair(e.as, e.who);
    entries_[key] = std::move(e);
    count_.store(entries_.size());
    return seq;
}

bool Banned::remove(const std::string& as, const std::string& who, uint64_t& seq) {
    std::lock_guard lock(mutex_);
    seq = 0;
    if (entries_.erase({as, who}) == 0) return false;
    if (sink_) seq = sink_->banDeleted(as, who);
    count_.store(entries_.size());
    return true;
}

void Banned::restore(std::vector<BanEntry> entries) {
    std::lock_guard lock(mutex_);
    for (BanEntry& e : entries) {
        auto key = std::make_pair(e.as, e.who);
        entries_[key] = std::move(e);
    }
    count_.store(entries_.size());
}

void Banned::persistTo(BanSink* sink) {
    std::lock_guard lock(mutex_);
    sink_ = sink;
}

std::vector<BanEntry> Banned::list(int64_t now_ms) {
    std::lock_guard lock(mutex_);
    std::vector<BanEntry> out;
    for (auto it = entries_.begin(); it != entries_.end();) {
        if (it->second.until_ms != 0 && it->second.until_ms <= now_ms) {
            dropExpired(it++);
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
