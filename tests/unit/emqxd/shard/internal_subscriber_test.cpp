// InternalSubscriber: a session without a socket, subscribed through the
// router and served by the shard's dispatch, that no client can reach.
#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "emqxd/broker/broker_context.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/shard/internal_subscriber.h"
#include "emqxd/shard/session_manager.h"
#include "emqxd/worker/worker.h"
#include "tests/unit/emqxd/worker/unstarted_broker.h"

using namespace emqx;

namespace {

// One worker, not started: everything runs on the test's thread.
struct OneWorker : test::UnstartedBroker {
    BrokerShard& shard() { return workers.front()->shard(); }
};

MessagePtr message(std::string topic, std::string payload, uint8_t qos = 0) {
    auto m = Message::make(std::move(topic), std::move(payload), "publisher");
    m->qos = qos;
    return m;
}

}  // namespace

TEST_CASE("internal subscriber: gets what matches its filters, keeping the message's QoS", "[core][shard]") {
    OneWorker b;
    std::vector<MessagePtr> got;
    InternalSubscriber rule(b.shard().sessions(), "rule-1", [&](const MessagePtr& m) { got.push_back(m); });
    CHECK(rule.subscribe("t/#"));
    CHECK(rule.subscribe("$share/g/s/+"));
    CHECK_FALSE(rule.subscribe("bad/#/filter"));

    CHECK(b.shard().publish(message("t/1", "a", 1)).targets == 1);
    CHECK(b.shard().publish(message("u/1", "b")).targets == 0);
    CHECK(b.shard().publish(message("s/x", "c", 2)).targets == 1);
    REQUIRE(got.size() == 2);
    CHECK(got[0]->payload == "a");
    CHECK(got[0]->qos == 1);
    CHECK(got[1]->payload == "c");

    CHECK(rule.unsubscribe("t/#"));
    CHECK_FALSE(rule.unsubscribe("t/#"));
    CHECK(b.shard().publish(message("t/1", "d")).targets == 0);
    CHECK(got.size() == 2);
}

TEST_CASE("internal subscriber: not a client: not located, listed or counted, and gone with its routes",
          "[core][shard]") {
    OneWorker b;
    {
        InternalSubscriber bridge(b.shard().sessions(), "bridge-1", [](const MessagePtr&) {});
        REQUIRE(bridge.subscribe("x/y"));
        CHECK(b.ctx.router.topicCount() == 1);
        CHECK_FALSE(b.ctx.locator.owner("bridge-1"));
        CHECK(b.shard().sessions().findByClientId("bridge-1") == nullptr);
        CHECK(b.shard().sessions().count() == 0);
        size_t listed = 0;
        b.shard().sessions().forEach([&](Session&) { ++listed; });
        CHECK(listed == 0);
        // A CONNECT with the same client id gets a session of its own.
        OpenedSession client = b.shard().sessions().open(SessionRequest{"bridge-1", "", true, 0});
        CHECK(&client.session != &bridge.session());
        CHECK(b.shard().sessions().count() == 1);
        CHECK(b.shard().publish(message("x/y", "p")).targets == 1);  // the client has no subscription
    }
    CHECK(b.ctx.router.topicCount() == 0);
}
