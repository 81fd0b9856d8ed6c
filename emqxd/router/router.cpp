#include "emqxd/router/router.h"

#include <algorithm>
#include <functional>
#include <mutex>
#include <random>
#include <stdexcept>

#include "emqxd/router/route_batch.h"

namespace emqx {

SharedStrategy sharedStrategyFromName(std::string_view name) {
    if (name == "random") return SharedStrategy::Random;
    if (name == "round_robin") return SharedStrategy::RoundRobin;
    if (name == "round_robin_per_group") return SharedStrategy::RoundRobinPerGroup;
    if (name == "sticky") return SharedStrategy::Sticky;
    if (name == "local") return SharedStrategy::Local;
    if (name == "hash_topic") return SharedStrategy::HashTopic;
    if (name == "hash_clientid") return SharedStrategy::HashClientId;
    throw std::invalid_argument("unknown shared subscription strategy");
}

Router::Router(unsigned /*workers*/, SharedStrategy strategy) : strategy_(strategy) {}

bool Router::subscribe(std::string_view filter, const Subscriber& s) {
    std::unique_lock lock(mutex_);
    if (!subscribeLocked(filter, s)) return false;
    changed();
    return true;
}

bool Router::unsubscribe(std::string_view filter, uint64_t session_id) {
    std::unique_lock lock(mutex_);
    if (!unsubscribeLocked(filter, session_id)) return false;
    changed();
    return true;
}

void Router::apply(const RouteBatch& batch) {
    if (batch.empty()) return;
    std::unique_lock lock(mutex_);
    for (const RouteBatch::Change& c : batch.changes()) {
        if (c.add) subscribeLocked(c.filter, c.subscriber);
        else unsubscribeLocked(c.filter, c.subscriber.session_id);
    }
    changed();
}

bool Router::subscribeLocked(std::string_view filter, const Subscriber& s) {
    auto parsed = topic::parseFilter(filter);
    if (!parsed) return false;
    if (parsed->shared()) subscribeShared(filter, *parsed, s);
    else subscribeDirect(filter, s);
    return true;
}

bool Router::unsubscribeLocked(std::string_view filter, uint64_t session_id) {
    auto parsed = topic::parseFilter(filter);
    if (!parsed) return false;
    if (parsed->shared()) unsubscribeShared(filter, session_id);
    else unsubscribeDirect(filter, session_id);
    return true;
}

void Router::subscribeDirect(std::string_view filter, const Subscriber& s) {
    // One walk: a session's second SUBSCRIBE to a filter overwrites its options in place.
    if (direct_.insertOrAssign(filter, s, std::equal_to<>())) subscriptions_.add();
}

void Router::unsubscribeDirect(std::string_view filter, uint64_t session_id) {
    Subscriber key;
    key.session_id = session_id;
    if (direct_.erase(filter, key)) subscriptions_.sub();
}

void Router::subscribeShared(std::string_view display, const topic::ParsedFilter& parsed, const Subscriber& s) {
    auto it = group_ids_.find(display);
    SharedGroup* g;
    if (it == group_ids_.end()) {
        uint64_t id = next_group_id_++;
        auto owned = std::make_unique<SharedGroup>();
        owned->id = id;
        owned->display_filter = display;
        owned->group = parsed.group;
        owned->filter = parsed.filter;
        g = owned.get();
        groups_.emplace(id, std::move(owned));
        group_ids_.emplace(display, id);
        shared_.insert(parsed.filter, id);
    } else {
        g = groups_.at(it->second).get();
    }
    for (auto& m : g->members) {
        if (m.subscriber.session_id == s.session_id) {
            m.subscriber = s;
            return;
        }
    }
    g->members.push_back(Member{s, true});
    subscriptions_.add();
    shared_subscriptions_.add();
    groups_of_session_[s.session_id].push_back(g->id);
}

void Router::unsubscribeShared(std::string_view display, uint64_t session_id) {
    auto it = group_ids_.find(display);
    if (it == group_ids_.end()) return;
    uint64_t id = it->second;
    SharedGroup& g = *groups_.at(id);
    size_t removed = std::erase_if(g.members, [&](const Member& m) { return m.subscriber.session_id == session_id; });
    subscriptions_.sub(removed);
    shared_subscriptions_.sub(removed);
    auto sit = groups_of_session_.find(session_id);
    if (sit != groups_of_session_.end()) {
        std::erase(sit->second, id);
        if (sit->second.empty()) groups_of_session_.erase(sit);
    }
    if (g.members.empty()) {
        shared_.erase(g.filter, id);
        group_ids_.erase(it);
        groups_.erase(id);
    }
}

bool Router::addNodeRoute(std::string_view filter, NodeId node) {
    auto parsed = topic::parseFilter(filter);
    if (!parsed || parsed->shared() || node == kThisNode) return false;
    std::unique_lock lock(mutex_);
    if (!node_routes_.insert(filter, node)) return false;
    changed();
    return true;
}

bool Router::removeNodeRoute(std::string_view filter, NodeId node) {
    std::unique_lock lock(mutex_);
    if (!node_routes_.erase(filter, node)) return false;
    changed();
    return true;
}

const std::vector<NodeId>& Router::nodesMatching(std::string_view topic) const {
    thread_local std::vector<NodeId> nodes;
    nodes.clear();
    node_routes_.match(topic, [&](const NodeId& node) {
        if (std::find(nodes.begin(), nodes.end(), node) == nodes.end()) nodes.push_back(node);
    });
    return nodes;
}

void Router::setOnline(uint64_t session_id, bool online) {
    std::unique_lock lock(mutex_);
    auto sit = groups_of_session_.find(session_id);
    if (sit == groups_of_session_.end()) return;
    for (uint64_t id : sit->second) {
        for (auto& m : groups_.at(id)->members)
            if (m.subscriber.session_id == session_id) m.online = online;
    }
}

const Subscriber* Router::pick(const SharedGroup& g, const Message& msg, uint32_t from_worker,
                               uint64_t excluded_session) const {
    const size_t n = g.members.size();
    if (n == 0) return nullptr;
    auto eligible = [&](const Member& m, bool need_online) {
        return m.subscriber.session_id != excluded_session && (!need_online || m.online);
    };
    // The index of the first eligible member from `start` on, live ones first; n if none.
    auto from = [&](size_t start) -> size_t {
        for (bool need_online : {true, false}) {
            for (size_t i = 0; i < n; ++i) {
                size_t idx = (start + i) % n;
                if (eligible(g.members[idx], need_online)) return idx;
            }
        }
        return n;
    };
    // The k-th (mod count) live member, so live members share turns evenly
    // while some are offline; falls back to `from` when none is live.
    auto nthLive = [&](uint64_t k) -> size_t {
        size_t live = 0;
        for (const Member& m : g.members) live += eligible(m, true) ? 1 : 0;
        if (live == 0) return from(k % n);
        size_t want = k % live;
        for (size_t i = 0; i < n; ++i)
            if (eligible(g.members[i], true) && want-- == 0) return i;
        return n;
    };
    size_t chosen = n;
    switch (strategy_) {
        case SharedStrategy::Random: {
            thread_local std::minstd_rand rng{std::random_device{}()};
            chosen = nthLive(rng());
            break;
        }
        case SharedStrategy::RoundRobin:
        case SharedStrategy::RoundRobinPerGroup:
            chosen = nthLive(g.cursor.fetch_add(1, std::memory_order_relaxed));
            break;
        case SharedStrategy::Sticky: {
            // Remember the member itself (by session), not its position, so
            // other members joining or leaving do not move the stream.
            uint64_t stuck = g.sticky_session.load(std::memory_order_relaxed);
            for (size_t i = 0; i < n && chosen == n; ++i)
                if (g.members[i].subscriber.session_id == stuck && eligible(g.members[i], true)) chosen = i;
            if (chosen == n) {
                chosen = from(0);
                if (chosen < n)
                    g.sticky_session.store(g.members[chosen].subscriber.session_id, std::memory_order_relaxed);
            }
            break;
        }
        case SharedStrategy::Local:
            for (size_t i = 0; i < n && chosen == n; ++i)
                if (g.members[i].subscriber.worker == from_worker && eligible(g.members[i], true)) chosen = i;
            if (chosen == n) chosen = nthLive(g.cursor.fetch_add(1, std::memory_order_relaxed));
            break;
        case SharedStrategy::HashTopic: chosen = from(std::hash<std::string_view>{}(msg.topic) % n); break;
        case SharedStrategy::HashClientId: chosen = from(std::hash<std::string_view>{}(msg.publisher) % n); break;
    }
    return chosen < n ? &g.members[chosen].subscriber : nullptr;
}

bool Router::repick(uint64_t group_id, const Message& msg, uint64_t excluded_session, Subscriber& out) const {
    std::shared_lock lock(mutex_);
    auto it = groups_.find(group_id);
    if (it == groups_.end()) return false;
    const Subscriber* s = pick(*it->second, msg, 0, excluded_session);
    if (!s) return false;
    out = *s;
    return true;
}

size_t Router::topicCount() const {
    std::shared_lock lock(mutex_);
    return direct_.filterCount() + groups_.size();
}

}  // namespace emqx
