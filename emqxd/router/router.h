#pragma once
// The route table: which sessions, on which worker, want a topic, and which
// other nodes do. Shared by all workers behind a reader/writer lock: read on
// every PUBLISH, written only on SUBSCRIBE/UNSUBSCRIBE, on a session going on
// or offline and when a peer node's routes change. Shared subscription groups
// pick one member per message by strategy.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/topic/topic.h"
#include "common/topic/topic_trie.h"
#include "emqxd/message/message.h"
#include "emqxd/metrics/gauge.h"
#include "emqxd/peer/node_id.h"
#include "emqxd/router/subscription_options.h"

namespace emqx {

struct Subscriber {
    uint32_t worker = 0;
    uint64_t session_id = 0;
    SubscriptionOptions options;
    // Equal when the same session: a session holds one subscription per filter.
    bool operator==(const Subscriber& o) const { return session_id == o.session_id; }
};

enum class SharedStrategy { Random, RoundRobin, RoundRobinPerGroup, Sticky, Local, HashTopic, HashClientId };
SharedStrategy sharedStrategyFromName(std::string_view name);

// A delivery target the router found: either a session on a worker of this
// node (the subscriber and, for a shared subscription, the group it was picked
// from, so its worker can pick another member if this one has gone), or a
// remote node, which matches the message against its own routes.
struct RouteTarget {
    const Subscriber* subscriber;  // null for a remote node
    uint64_t shared_group;         // 0: not shared
    NodeId node = kThisNode;
    bool remote() const { return node != kThisNode; }
};

// Whom a route reaches: the whole cluster, or this node's sessions only (a
// message that came from another node: forwarding it again could loop).
enum class RouteScope { Cluster, ThisNode };

class RouteBatch;

class Router {
public:
    Router(unsigned workers, SharedStrategy strategy);

    // `filter` as the client wrote it: `$share/<group>/<filter>` and
    // `$queue/<filter>` join (or leave) a shared group, anything else is a
    // direct subscription. Adding replaces the subscriber's options. False
    // (nothing changed) for a filter topic::parseFilter refuses.
    bool subscribe(std::string_view filter, const Subscriber& s);
    bool unsubscribe(std::string_view filter, uint64_t session_id);
    // Every change of `batch`, in order, under one writer lock, as subscribe
    // and unsubscribe would make them one by one (refused filters skipped);
    // the generation moves once.
    void apply(const RouteBatch& batch);
    // Shared groups prefer members whose session has a live connection.
    void setOnline(uint64_t session_id, bool online);

    // Node routes: peer node `node` (not kThisNode) has subscribers of `filter`.
    // Written by the cluster as the node that owns the route tells it: the
    // owner counts its subscribers and sends only the 0 <-> 1 transitions,
    // and resends all its routes whenever its control link starts again. So
    // a route is there or not, never counted: adding it twice keeps one, one
    // removal removes it. True when the table changed.
    // Direct filters only: a node's members of a `$share` group (EMQX lets a
    // group span nodes) come with the cluster's pick of a node per group.
    bool addNodeRoute(std::string_view filter, NodeId node);
    bool removeNodeRoute(std::string_view filter, NodeId node);

    // Calls visit(const RouteTarget&) for every target of `msg` under the read
    // lock: keep visit cheap (append to a batch), and never route from it.
    // A node is visited once however many of its routes match. `from_worker`
    // serves the `local` strategy.
    template <class F>
    void route(const Message& msg, uint32_t from_worker, F&& visit, RouteScope scope = RouteScope::Cluster) const {
        std::shared_lock lock(mutex_);
        direct_.match(msg.topic, [&](const Subscriber& s) { visit(RouteTarget{&s, 0}); });
        shared_.match(msg.topic, [&](const uint64_t& group_id) {
            auto it = groups_.find(group_id);
            if (it == groups_.end()) return;
            const Subscriber* s = pick(*it->second, msg, from_worker, 0);
            if (s) visit(RouteTarget{s, group_id});
        });
        // A single node has no node routes: this one branch is all it pays.
        if (scope == RouteScope::Cluster && !node_routes_.empty())
            for (NodeId node : nodesMatching(msg.topic)) visit(RouteTarget{nullptr, 0, node});
    }

    // Changes with every subscribe, unsubscribe and node route change (not
    // with setOnline, which only concerns shared groups), so a remembered route
    // (RouteMemo) found at generation g is still the route while
    // generation() == g. Read it before routing: a change after the read makes
    // the remembered route stale, not wrong.
    uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

    // Picks another member of a shared group for `msg`, not `excluded_session`,
    // preferring live ones; false if there is none. Copies it out under the lock.
    bool repick(uint64_t group_id, const Message& msg, uint64_t excluded_session, Subscriber& out) const;

    size_t topicCount() const;  // distinct filters (EMQX's topics.count)
    // Subscriptions, shared members included (EMQX's subscriptions, subscribers
    // and suboptions), and shared members alone (subscriptions.shared), each
    // with its high-water mark.
    const Gauge& subscriptions() const { return subscriptions_; }
    const Gauge& sharedSubscriptions() const { return shared_subscriptions_; }

    // Every route as EMQX lists them (`emqxctl topics`): (filter, "") for a
    // filter with direct subscribers, once per subscriber; (filter, group)
    // once per shared group, with the group's real filter ("x/#" of "$share/g/x/#").
    template <class F>
    void forEachRoute(F&& visit) const {
        std::shared_lock lock(mutex_);
        direct_.forEach([&](std::string_view filter, const Subscriber&) { visit(filter, std::string_view()); });
        for (auto& [id, g] : groups_) visit(std::string_view(g->filter), std::string_view(g->group));
    }

private:
    struct Member {
        Subscriber subscriber;
        bool online = true;
    };
    struct SharedGroup {
        uint64_t id;
        std::string display_filter;  // "$share/g/t" or "$queue/t"
        std::string group;           // "g" or "$queue"
        std::string filter;          // "t"
        std::vector<Member> members;
        mutable std::atomic<uint64_t> cursor{0};          // round robin position
        mutable std::atomic<uint64_t> sticky_session{0};  // the sticky strategy's member
    };

    // Under the writer lock; false for a filter topic::parseFilter refuses.
    bool subscribeLocked(std::string_view filter, const Subscriber& s);
    bool unsubscribeLocked(std::string_view filter, uint64_t session_id);
    void subscribeDirect(std::string_view filter, const Subscriber& s);
    void unsubscribeDirect(std::string_view filter, uint64_t session_id);
    // `display`: the whole filter ("$share/g/t"); `parsed`: its group and real filter.
    void subscribeShared(std::string_view display, const topic::ParsedFilter& parsed, const Subscriber& s);
    void unsubscribeShared(std::string_view display, uint64_t session_id);

    const Subscriber* pick(const SharedGroup& g, const Message& msg, uint32_t from_worker,
                           uint64_t excluded_session) const;
    // The nodes with a route matching `topic`, each once, in a vector of the
    // calling thread that is reused: no allocation per message once it has
    // grown to the cluster's size. Under the read lock.
    const std::vector<NodeId>& nodesMatching(std::string_view topic) const;

    void changed() { generation_.fetch_add(1, std::memory_order_release); }

    SharedStrategy strategy_;
    std::atomic<uint64_t> generation_{1};
    mutable std::shared_mutex mutex_;
    topic::TopicTrie<Subscriber> direct_;
    topic::TopicTrie<uint64_t> shared_;
    topic::TopicTrie<NodeId> node_routes_;
    std::unordered_map<uint64_t, std::unique_ptr<SharedGroup>> groups_;
    std::map<std::string, uint64_t, std::less<>> group_ids_;  // display filter -> id
    std::unordered_map<uint64_t, std::vector<uint64_t>> groups_of_session_;
    uint64_t next_group_id_ = 1;
    Gauge subscriptions_;
    Gauge shared_subscriptions_;
};

}  // namespace emqx
