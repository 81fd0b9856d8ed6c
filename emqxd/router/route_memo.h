#pragma once
// The route of the last topic one publisher published to, kept by its channel
// and reused while the route table has not changed since (Router::generation).
// Devices publish to the same few topics over and over: for them a PUBLISH is
// routed by one string compare instead of a trie walk (a hash per level) under
// the router's lock. Topics that match a shared subscription group are never
// remembered: each message picks its member anew.
//
// Owner: the publisher's worker thread. Allocated on the connection's first
// PUBLISH, so connections that never publish carry only a null pointer.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emqxd/router/router.h"

namespace emqx {

struct RouteMemo {
    uint64_t generation = 0;  // Router::generation() the targets were found at; 0: nothing remembered
    std::string topic;
    std::vector<Subscriber> targets;  // copies: they do not depend on the router's lock

    bool holds(uint64_t current_generation, std::string_view t) const {
        return generation == current_generation && topic == t;
    }
};

}  // namespace emqx
