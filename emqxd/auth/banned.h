#pragma once
// Banned clients (emqxctl banned list|add|del) and flapping detection
// (flapping_detect: max_count authentication failures from one client id or
// IP address within window_time ban it for ban_time). Any thread; one mutex
// each, touched on CONNECT only. Bans are written through to a BanSink (the
// durable store) when there is one, and live in memory only otherwise.
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
    std::string as;  // clientid | username | peerhost
    std::string who;
    std::string reason;
    std::string by;
    int64_t at_ms = 0;
    int64_t until_ms = 0;  // 0: forever
};

// Where bans outlive a restart (storage::DurableStore). Each call returns the
// sequence number of the durable write that carries it (0: none).
class BanSink {
public:
    virtual ~BanSink() = default;
    virtual uint64_t banSaved(const BanEntry& e) = 0;
    virtual uint64_t banDeleted(const std::string& as, const std::string& who) = 0;
};

class Banned {
public:
    static bool validAs(const std::string& as) { return as == "clientid" || as == "username" || as == "peerhost"; }
    // True when any of the three is banned now (expired entries are dropped).
    bool isBanned(const std::string& clientid, const std::string& username, const std::string& peerhost,
                  int64_t now_ms);
    // Each returns the sequence number of its durable write (0: no sink).
    uint64_t add(BanEntry e);
    // False when there was no such ban.
    bool remove(const std::string& as, const std::string& who, uint64_t& seq);
    std::vector<BanEntry> list(int64_t now_ms);

    // At start, before any CONNECT: bans read back from the store (not written again).
    void restore(std::vector<BanEntry> entries);
    // From now on changes are written to `sink` (null: memory only). Set before
    // the workers start and cleared after they stopped.
    void persistTo(BanSink* sink);

private:
    using Entries = std::map<std::pair<std::string, std::string>, BanEntry>;  // (as, who)
    // Under mutex_: an expired entry goes from memory and from the sink.
    void dropExpired(Entries::iterator it);

    std::mutex mutex_;
    BanSink* sink_ = nullptr;  // under mutex_, so memory and store change in the same order
    std::atomic<size_t> count_{0};
    Entries entries_;
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
