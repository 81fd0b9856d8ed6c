#pragma once
// Banned clients (emqxctl banned list|add|del) and flapping detection
// (flapping_detect: max_count authentication failures from one client id or
// IP address within window_time ban it for ban_time). Any thread; one mutex
// each, touched on CONNECT only.
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/config/broker_config.h"

namespace emqx::auth {

struct BanEntry {
    std::string as;   // clientid | username | peerhost
    std::string who;
    std::string reason;
    std::string by;
    int64_t at_ms = 0;
    int64_t until_ms = 0;  // 0: forever
};

class Banned {
public:
    static bool validAs(const std::string& as) { return as == "clientid" || as == "username" || as == "peerhost"; }
    // True when any of the three is banned now (expired entries are dropped).
    bool isBanned(const std::string& clientid, const std::string& username, const std::string& peerhost, int64_t now_ms);
    void add(BanEntry e);
    bool remove(const std::string& as, const std::string& who);
    std::vector<BanEntry> list(int64_t now_ms);

private:
    std::mutex mutex_;
    std::atomic<size_t> count_{0};
    std::map<std::pair<std::string, std::string>, BanEntry> entries_;
};

class FlappingDetector {
public:
    FlappingDetector(const config::FlappingDetectConfig& cfg, Banned& banned) : cfg_(cfg), banned_(banned) {}
    // One authentication failure; bans the client id and/or the address when
    // either reached max_count within window_time.
    void failure(const std::string& clientid, const std::string& peerhost, int64_t now_ms);

private:
    bool count(const std::string& key, int64_t now_ms);

    config::FlappingDetectConfig cfg_;
    Banned& banned_;
    std::mutex mutex_;
    std::unordered_map<std::string, std::deque<int64_t>> failures_;
};

}  // namespace emqx::auth
