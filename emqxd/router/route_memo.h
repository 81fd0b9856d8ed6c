#pragma once
// The route of the last topic one publisher published to, kept by its channel
// and reused while the route table has not changed since (Router::generation).
// Devices publish to the same few topics over and over: for them a PUBLISH is
// routed by one string compare instead of a trie walk (a hash per level) under
// the router's lock. Not remembered: routes through a shared subscription
// group (each message picks its member anew) and routes to more than
// kMaxTargets targets, sessions and nodes (there the walk is small next to the deliveries, and
// a copy of every target per publisher would cost memory and copying).
//
// Owner: the publisher's worker thread. Allocated on the connection's first
// PUBLISH, so connections that never publish carry only a null pointer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emqxd/router/router.h"

namespace emqx {

class RouteMemo {
public:
    static constexpr size_t kMaxTargets = 64;

    struct Route {
        std::vector<Subscriber> sessions;  // copies: they do not depend on the router's lock
        std::vector<NodeId> nodes;         // remote nodes, each once
        size_t size() const { return sessions.size() + nodes.size(); }
        bool empty() const { return size() == 0; }
    };

    // The remembered route of `topic`, or null when it must be looked up.
    const Route* lookup(uint64_t current_generation, std::string_view topic) const {
        return generation_ != 0 && generation_ == current_generation && topic_ == topic ? &route_ : nullptr;
    }

    // Recording a lookup made at `generation` (read before routing): begin,
    // one add per target the router gave, then finish with its topic.
    void begin() {
        route_.sessions.clear();
        route_.nodes.clear();
        rememberable_ = true;
    }
    void add(const RouteTarget& t) {
        if (!rememberable_) return;
        if (t.shared_group != 0 || route_.size() == kMaxTargets) {
            rememberable_ = false;
            std::vector<Subscriber>().swap(route_.sessions);
            return;
        }
        if (t.remote()) route_.nodes.push_back(t.node);
        else route_.sessions.push_back(*t.subscriber);
    }
    void finish(uint64_t generation, std::string_view topic) {
        generation_ = rememberable_ ? generation : 0;
        if (rememberable_) topic_.assign(topic);
    }

private:
    uint64_t generation_ = 0;  // Router::generation() the route was found at; 0: nothing remembered
    bool rememberable_ = false;
    std::string topic_;
    Route route_;
};

}  // namespace emqx
