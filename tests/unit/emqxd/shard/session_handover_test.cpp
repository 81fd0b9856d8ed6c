// Session hand-over between workers (SessionManager): the state moves, and
// the messages that still reach the old owner during the hand-over go with
// the session, ahead of the ones that reach the new owner directly, so each
// publisher's order holds. Real worker threads; one of them is held busy to
// keep the hand-over open while messages are routed.
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "common/config/config_keys.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/shard/session_manager.h"
#include "emqxd/worker/worker.h"
#include "tests/unit/emqxd/worker/running_workers.h"

using namespace emqx;

namespace {

constexpr unsigned kOldOwner = 0, kNewOwner = 1, kThird = 2;

MessagePtr message(std::string payload) {
    auto m = Message::make("t", std::move(payload), "publisher");
    m->qos = 1;
    return m;
}

// The payloads queued in `client_id`'s session on worker `w`, or "none" when it is not there.
std::vector<std::string> queuedOn(test::RunningWorkers& running, unsigned w, const std::string& client_id) {
    std::vector<std::string> out;
    running.onWorker(w, [&](Worker& worker) {
        Session* s = worker.shard().sessions().findByClientId(client_id);
        if (!s) {
            out.push_back("none");
            return;
        }
        s->forEachQueued([&](const QueuedMessage& q) { out.emplace_back(q.msg->payload); });
    });
    return out;
}

void waitUntil(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!done()) {
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

}  // namespace

TEST_CASE("session hand-over: what reaches the old owner meanwhile comes first, then what the new one held",
          "[core][shard][handover]") {
    BrokerContext broker(config::defaultConfig(), 3);
    test::RunningWorkers running(broker, 3);
    running.onWorker(kOldOwner, [](Worker& w) {
        OpenedSession s = w.shard().sessions().open(SessionRequest{"dev", "", false, 300});
        SubscriptionOptions qos1;
        qos1.qos = 1;
        w.shard().sessions().addSubscription(s.session, "t", qos1);
        w.shard().publish(message("before"));  // queued: nobody is connected
    });

    // The third worker routes m1 while the session is still the old owner's,
    // then stays busy: m1 leaves it only at the end of that iteration, after
    // the hand-over has started, and its fence answer waits too.
    std::promise<void> routed;
    Worker& third = running[kThird];
    test::Hold busy(third);
    third.post([&third, &routed] {
        third.shard().publish(message("m1"));
        routed.set_value();
    });
    auto release = std::make_unique<test::Hold>(third);
    busy.release();
    routed.get_future().wait();

    std::promise<HandOverOutcome> outcome;
    auto result = outcome.get_future();
    running.onWorker(kNewOwner, [&](Worker& w) {
        w.shard().sessions().requestHandOver("dev", false, kOldOwner, [&](HandOverOutcome o) {
            outcome.set_value(o);
            return false;  // no CONNECT waits here: the session stays offline on the new owner
        });
    });
    // The routes now name the new owner: a publish on it is held there until the session arrives.
    waitUntil([&] { return broker.locator.owner("dev")->worker == kNewOwner; });
    running.onWorker(kNewOwner, [](Worker& w) { w.shard().publish(message("m2")); });
    CHECK(result.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);

    release.reset();  // m1 goes to the old owner, then the fence answer
    REQUIRE(result.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    CHECK(result.get() == HandOverOutcome::Resumed);
    CHECK(queuedOn(running, kOldOwner, "dev") == std::vector<std::string>{"none"});
    CHECK(queuedOn(running, kNewOwner, "dev") == std::vector<std::string>{"before", "m1", "m2"});
    // Later publishes go straight to the new owner.
    running.onWorker(kThird, [](Worker& w) { w.shard().publish(message("m3")); });
    waitUntil([&] { return queuedOn(running, kNewOwner, "dev").size() == 4; });
    CHECK(queuedOn(running, kNewOwner, "dev").back() == "m3");
}
