// The shard's publish path toward other nodes: per-node batches beside the
// per-worker ones, handed to the worker's NodeLinks once per flush, and a
// message from another node dispatched here only.
#include <catch2/catch.hpp>

#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "emqxd/peer/node_links.h"
#include "emqxd/retain/retain_store.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/shard/session_manager.h"
#include "tests/unit/emqxd/worker/unstarted_broker.h"

using namespace emqx;

namespace {

// Our port to the other nodes: keeps each batch it is given.
class RecordingLinks final : public NodeLinks {
public:
    void send(NodeId node, std::span<const MessagePtr> batch) override {
        sent.emplace_back(node, std::vector<MessagePtr>(batch.begin(), batch.end()));
    }
    std::vector<std::pair<NodeId, std::vector<MessagePtr>>> sent;
};

// One worker with its links to the other nodes.
struct Node : test::UnstartedBroker {
    BrokerShard& shard;
    RecordingLinks* links;

    Node() : shard(workers.front()->shard()) {
        auto owned = std::make_unique<RecordingLinks>();
        links = owned.get();
        ctx.node_links.push_back(std::move(owned));
    }
    // An offline session subscribed to `filter` at QoS 1: what reaches it is queued.
    Session& subscriber(std::string client_id, const std::string& filter) {
        Session& s = shard.sessions().create(std::move(client_id));
        SubscriptionOptions options;
        options.qos = 1;
        shard.sessions().addSubscription(s, filter, options);
        return s;
    }
    uint64_t metric(Metric m) const { return workers.front()->metrics().get(m); }
};

MessagePtr message(std::string_view topic, bool retain = false) {
    auto m = Message::make(topic, "x", "pub");
    m->qos = 1;
    m->retain = retain;
    return m;
}

using Batch = std::pair<NodeId, std::vector<MessagePtr>>;

}  // namespace

TEST_CASE("shard: a message for another node waits in its batch until the flush", "[core][shard]") {
    Node n;
    n.ctx.router.addNodeRoute("t/#", 2);
    n.ctx.router.addNodeRoute("t/1", 2);  // the same node again: the message goes once
    n.ctx.router.addNodeRoute("t/+", 3);
    MessagePtr first = message("t/1");
    MessagePtr second = message("t/1");
    CHECK(n.shard.publish(first).targets == 2);
    CHECK(n.shard.publish(second).targets == 2);
    CHECK(n.links->sent.empty());

    n.shard.flushOutgoing();
    REQUIRE(n.links->sent.size() == 2);
    CHECK(n.links->sent[0] == Batch{2, {first, second}});
    CHECK(n.links->sent[1] == Batch{3, {first, second}});
    CHECK(n.metric(Metric::MessagesForward) == 4);

    n.shard.flushOutgoing();  // each batch is sent once
    CHECK(n.links->sent.size() == 2);
}

TEST_CASE("shard: a remembered route keeps its nodes", "[core][shard]") {
    Node n;
    Session& local = n.subscriber("sub", "t/1");
    n.ctx.router.addNodeRoute("t/1", 2);
    RouteMemo memo;
    n.shard.publish(message("t/1"), &memo);
    MessagePtr again = message("t/1");
    n.shard.publish(again, &memo);
    REQUIRE(memo.lookup(n.ctx.router.generation(), "t/1"));  // the second publish used it
    n.shard.flushOutgoing();
    REQUIRE(n.links->sent.size() == 1);
    CHECK(n.links->sent[0].second.size() == 2);
    CHECK(n.links->sent[0].second.back() == again);
    CHECK(local.queueLength() == 2);
}

TEST_CASE("shard: a message from another node reaches local subscribers and no node", "[core][shard]") {
    Node n;
    Session& local = n.subscriber("sub", "t/#");
    n.ctx.router.addNodeRoute("t/#", 2);
    MessagePtr from_node = message("t/1", /*retain=*/true);

    CHECK(n.shard.publishFromNode(from_node).targets == 1);
    CHECK(local.queueLength() == 1);
    n.shard.flushOutgoing();
    CHECK(n.links->sent.empty());
    CHECK(n.metric(Metric::MessagesForward) == 0);

    SECTION("the publishing node alone retained it and counted it published") {
        CHECK(n.ctx.retain->size() == 0);
        CHECK(n.metric(Metric::MessagesPublish) == 0);
        CHECK(n.metric(Metric::MessagesRetained) == 0);
    }
    SECTION("a client's publish of it here goes to the node too") {
        n.shard.publish(from_node);
        CHECK(local.queueLength() == 2);
        n.shard.flushOutgoing();
        CHECK(n.links->sent == std::vector<Batch>{{2, {from_node}}});
    }
}

TEST_CASE("shard: a message from another node reaching nobody here is dropped as no_subscribers", "[core][shard]") {
    Node n;
    n.ctx.router.addNodeRoute("t/#", 2);
    CHECK(n.shard.publishFromNode(message("t/1")).targets == 0);
    CHECK(n.metric(Metric::MessagesDroppedNoSubscribers) == 1);
    n.shard.flushOutgoing();
    CHECK(n.links->sent.empty());
}
