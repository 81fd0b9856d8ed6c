// Session delivery rules: QoS downgrade, No Local, expiry, the mqueue, the
// inflight window, packet ids, acknowledgements, retry, resume, QoS 2 receive,
// the retained backlog.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emqxd/hooks/hook_bus.h"
#include "emqxd/session/session.h"

using namespace emqx;

namespace {

// A recording DeliverySink: what the session wrote, in order.
struct FakeSink : DeliverySink {
    struct Out {
        bool pubrel = false;  // else a PUBLISH
        MessagePtr msg;
        uint8_t qos = 0;
        uint16_t packet_id = 0;
        bool dup = false;
        SubscriptionOptions options;
        std::string payload() const { return msg ? std::string(msg->payload) : std::string(); }
    };
    std::vector<Out> out;
    uint16_t receive_max = 65535;
    bool output_full = false;
    size_t room = std::numeric_limits<size_t>::max();         // PUBLISHes the output takes before it is full
    size_t max_payload = std::numeric_limits<size_t>::max();  // larger: TooLarge
    int too_large_calls = 0;
    std::string unreadable;  // a payload the receiver may not read (check_on_delivery)

    SendResult sendPublish(const MessagePtr& msg, uint8_t qos, uint16_t packet_id, bool dup,
                           const SubscriptionOptions& options) override {
        if (!unreadable.empty() && msg->payload == unreadable) return SendResult::NotAuthorized;
        if (msg->payload.size() > max_payload) {
            ++too_large_calls;
            return SendResult::TooLarge;
        }
        out.push_back(Out{false, msg, qos, packet_id, dup, options});
        if (room != std::numeric_limits<size_t>::max()) --room;
        return SendResult::Sent;
    }
    void sendPubrel(uint16_t packet_id) override { out.push_back(Out{true, nullptr, 0, packet_id, false, {}}); }
    uint16_t clientReceiveMaximum() const override { return receive_max; }
    bool outputFull() const override { return output_full || room == 0; }
    void takeOver(bool) override {}  // takeover is the session manager's: not exercised here

    std::vector<std::string> payloads() const {
        std::vector<std::string> p;
        for (auto& o : out)
            if (!o.pubrel) p.push_back(o.payload());
        return p;
    }
};

MessagePtr makeMsg(std::string payload, uint8_t qos, uint64_t publisher_session = 0, int64_t received_at_ms = 0,
                   std::optional<uint32_t> expiry_s = std::nullopt) {
    auto m = Message::make("t", payload);
    m->qos = qos;
    m->publisher_session = publisher_session;
    m->received_at_ms = received_at_ms;
    if (expiry_s) {
        auto p = std::make_unique<mqtt::Properties>();
        p->message_expiry_interval = *expiry_s;
        m->props = std::move(p);
    }
    return m;
}

SubscriptionOptions opts(uint8_t qos, bool no_local = false) {
    SubscriptionOptions o;
    o.qos = qos;
    o.no_local = no_local;
    return o;
}

config::MqttConfig smallConfig() {
    config::MqttConfig c;
    c.max_inflight = 2;
    c.max_mqueue_len = 3;
    c.retry_interval = 1000;
    c.await_rel_timeout = 5000;
    c.mqueue_store_qos0 = true;
    return c;
}

}  // namespace

TEST_CASE("session: QoS is downgraded to min(message, subscription)", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);
    REQUIRE(s.connected());

    s.deliver(makeMsg("a", 2), opts(0), 0);
    s.deliver(makeMsg("b", 0), opts(2), 0);
    s.deliver(makeMsg("c", 2), opts(1), 0);
    s.deliver(makeMsg("d", 1), opts(2), 0);
    REQUIRE(sink.out.size() == 4);
    CHECK(sink.out[0].qos == 0);
    CHECK(sink.out[0].packet_id == 0);
    CHECK(sink.out[1].qos == 0);
    CHECK(sink.out[1].packet_id == 0);
    CHECK(sink.out[2].qos == 1);
    CHECK(sink.out[2].packet_id != 0);
    CHECK(sink.out[3].qos == 1);
    CHECK(sink.out[3].packet_id != 0);
    CHECK(sink.out[2].options.qos == 1);  // the subscription's options travel with it
    CHECK(sink.out[3].options.qos == 2);
    for (auto& o : sink.out) CHECK_FALSE(o.dup);
    CHECK(s.inflightCount() == 2);  // only QoS > 0 waits for an ack
    CHECK(s.deliveredCount() == 4);

    CHECK(s.onPuback(sink.out[2].packet_id, 0));
    s.deliver(makeMsg("e", 2), opts(2), 0);
    REQUIRE(sink.out.size() == 5);
    CHECK(sink.out[4].qos == 2);
    CHECK(s.inflightCount() == 2);
}

TEST_CASE("session: No Local drops the session's own messages", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(7, "c7", services);
    FakeSink sink;
    s.attach(&sink, 0);

    s.deliver(makeMsg("own", 0, 7), opts(0, true), 0);
    CHECK(sink.out.empty());
    CHECK(s.droppedCount() == 1);
    CHECK(metrics.get(Metric::DeliveryDroppedNoLocal) == 1);
    CHECK(metrics.get(Metric::DeliveryDropped) == 1);
    CHECK(metrics.get(Metric::MessagesDropped) == 1);

    s.deliver(makeMsg("other", 0, 8), opts(0, true), 0);       // another publisher
    s.deliver(makeMsg("own-no-nl", 0, 7), opts(0, false), 0);  // no_local not set
    CHECK(sink.payloads() == std::vector<std::string>{"other", "own-no-nl"});
    CHECK(s.droppedCount() == 1);
    CHECK(metrics.get(Metric::DeliveryDroppedNoLocal) == 1);

    // Offline too: not even queued.
    s.detach();
    s.deliver(makeMsg("own-offline", 1, 7), opts(1, true), 0);
    CHECK(s.queueLength() == 0);
    CHECK(metrics.get(Metric::DeliveryDroppedNoLocal) == 2);
}

TEST_CASE("session: expired messages are dropped and counted", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);

    // Received at 1000 with a 10 s expiry: alive until 10999, expired from 11000.
    s.deliver(makeMsg("alive", 0, 0, 1000, 10), opts(0), 10999);
    s.deliver(makeMsg("expired", 0, 0, 1000, 10), opts(0), 11000);
    s.deliver(makeMsg("expired-q1", 1, 0, 1000, 10), opts(1), 20000);
    CHECK(sink.payloads() == std::vector<std::string>{"alive"});
    CHECK(s.inflightCount() == 0);
    CHECK(s.droppedCount() == 2);
    CHECK(metrics.get(Metric::MessagesDroppedExpired) == 2);
    CHECK(metrics.get(Metric::DeliveryDroppedExpired) == 2);
    CHECK(metrics.get(Metric::MessagesDropped) == 2);

    // A message with no expiry never expires.
    s.deliver(makeMsg("forever", 0, 0, 0), opts(0), std::numeric_limits<int32_t>::max());
    CHECK(sink.payloads().back() == "forever");
}

TEST_CASE("session: a queued message that expires while waiting is dropped on attach", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    s.deliver(makeMsg("short", 1, 0, 0, 5), opts(1), 0);
    s.deliver(makeMsg("long", 1, 0, 0, 100), opts(1), 0);
    CHECK(s.queueLength() == 2);

    FakeSink sink;
    s.attach(&sink, 6000);
    CHECK(sink.payloads() == std::vector<std::string>{"long"});
    CHECK(s.queueLength() == 0);
    CHECK(metrics.get(Metric::MessagesDroppedExpired) == 1);
    CHECK(metrics.get(Metric::DeliveryDroppedExpired) == 1);
}

TEST_CASE("session: offline QoS 0 is queued only with mqueue_store_qos0", "[core][session]") {
    Metrics metrics;
    SECTION("mqueue_store_qos0 = true") {
        auto cfg = smallConfig();
        cfg.mqueue_store_qos0 = true;
        SessionServices services{cfg, metrics, nullptr, nullptr};
        Session s(1, "c1", services);
        s.deliver(makeMsg("q0", 0), opts(0), 0);
        s.deliver(makeMsg("q1", 1), opts(0), 0);  // downgraded to 0
        CHECK(s.queueLength() == 2);
        CHECK(s.enqueuedCount() == 2);
        CHECK(s.droppedCount() == 0);
        FakeSink sink;
        s.attach(&sink, 0);
        CHECK(sink.payloads() == std::vector<std::string>{"q0", "q1"});
        CHECK(sink.out[0].qos == 0);
        CHECK(sink.out[1].qos == 0);
        CHECK(s.queueLength() == 0);
        CHECK(s.inflightCount() == 0);
    }
    SECTION("mqueue_store_qos0 = false") {
        auto cfg = smallConfig();
        cfg.mqueue_store_qos0 = false;
        SessionServices services{cfg, metrics, nullptr, nullptr};
        Session s(1, "c1", services);
        s.deliver(makeMsg("q0", 0), opts(2), 0);
        s.deliver(makeMsg("q1-as-0", 1), opts(0), 0);
        CHECK(s.queueLength() == 0);
        CHECK(s.droppedCount() == 2);
        CHECK(metrics.get(Metric::DeliveryDroppedQos0Msg) == 2);
        CHECK(metrics.get(Metric::DeliveryDropped) == 2);
        // QoS 1 is queued regardless.
        s.deliver(makeMsg("q1", 1), opts(1), 0);
        CHECK(s.queueLength() == 1);
    }
}

TEST_CASE("session: a full mqueue drops the oldest", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    for (int i = 1; i <= 5; ++i) s.deliver(makeMsg("m" + std::to_string(i), 1), opts(1), 0);
    CHECK(s.queueLength() == 3);
    CHECK(s.enqueuedCount() == 5);
    CHECK(s.droppedCount() == 2);
    CHECK(metrics.get(Metric::DeliveryDroppedQueueFull) == 2);
    CHECK(metrics.get(Metric::DeliveryDropped) == 2);
    CHECK(metrics.get(Metric::MessagesDropped) == 2);

    FakeSink sink;
    s.attach(&sink, 0);
    // The newest three survive, in order; the window (2) takes the first two.
    CHECK(sink.payloads() == std::vector<std::string>{"m3", "m4"});
    CHECK(s.queueLength() == 1);
    CHECK(s.onPuback(sink.out[0].packet_id, 0));
    CHECK(sink.payloads() == std::vector<std::string>{"m3", "m4", "m5"});
    CHECK(s.queueLength() == 0);
}

TEST_CASE("session: max_mqueue_len 0 is unlimited", "[core][session]") {
    auto cfg = smallConfig();
    cfg.max_mqueue_len = 0;
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    for (int i = 0; i < 100; ++i) s.deliver(makeMsg("m", 1), opts(1), 0);
    CHECK(s.queueLength() == 100);
    CHECK(s.droppedCount() == 0);
}

TEST_CASE("session: a full window queues; PUBACK sends the next in order", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);

    for (int i = 1; i <= 4; ++i) s.deliver(makeMsg("m" + std::to_string(i), 1), opts(1), 0);
    REQUIRE(sink.out.size() == 2);
    CHECK(sink.payloads() == std::vector<std::string>{"m1", "m2"});
    CHECK(sink.out[0].packet_id == 1);
    CHECK(sink.out[1].packet_id == 2);
    CHECK(s.inflightCount() == 2);
    CHECK(s.queueLength() == 2);

    CHECK_FALSE(s.onPuback(99, 0));  // unknown id
    CHECK(sink.out.size() == 2);
    CHECK(metrics.get(Metric::MessagesAcked) == 0);

    CHECK(s.onPuback(2, 0));  // out of order is fine
    REQUIRE(sink.out.size() == 3);
    CHECK(sink.out[2].payload() == "m3");
    CHECK(sink.out[2].packet_id == 3);
    CHECK(s.queueLength() == 1);
    CHECK_FALSE(s.onPuback(2, 0));  // already acked

    CHECK(s.onPuback(1, 0));
    REQUIRE(sink.out.size() == 4);
    CHECK(sink.out[3].payload() == "m4");
    CHECK(sink.out[3].packet_id == 4);
    CHECK(s.queueLength() == 0);
    CHECK(s.inflightCount() == 2);
    CHECK(metrics.get(Metric::MessagesAcked) == 2);
    CHECK(s.deliveredCount() == 4);
}

TEST_CASE("session: QoS 2 frees the window on PUBCOMP, not PUBREC", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);
    s.deliver(makeMsg("a", 2), opts(2), 0);
    s.deliver(makeMsg("b", 2), opts(2), 0);
    s.deliver(makeMsg("c", 2), opts(2), 0);
    REQUIRE(sink.out.size() == 2);
    CHECK(s.queueLength() == 1);

    CHECK_FALSE(s.onPuback(1, 0));   // QoS 2 is not acked by PUBACK
    CHECK_FALSE(s.onPubcomp(1, 0));  // no PUBREC yet
    CHECK_FALSE(s.onPubrec(99, 0));
    CHECK(s.onPubrec(1, 0));
    CHECK(s.onPubrec(1, 0));  // a repeated PUBREC is still known
    CHECK(s.inflightCount() == 2);
    CHECK(sink.out.size() == 2);  // PUBREL is the caller's job here
    CHECK(s.onPubcomp(1, 0));
    CHECK_FALSE(s.onPubcomp(1, 0));
    REQUIRE(sink.out.size() == 3);
    CHECK(sink.out[2].payload() == "c");
    CHECK(sink.out[2].qos == 2);
    CHECK(s.queueLength() == 0);
    CHECK(metrics.get(Metric::MessagesAcked) == 1);

    CHECK_FALSE(s.onPuback(sink.out[2].packet_id, 0));  // PUBACK never acks a QoS 2 id
    CHECK(s.inflightCount() == 2);
}

TEST_CASE("session: drops and acknowledgements are told to the hook bus", "[core][session][hooks]") {
    auto cfg = smallConfig();
    cfg.max_mqueue_len = 1;
    Metrics metrics;
    hooks::HookBus bus;
    std::vector<std::string> told;
    bus.add<hooks::DeliveryDropped>(0, [&](const hooks::DeliveryDropped& e) {
        CHECK(e.session.clientId() == "c1");
        told.push_back("dropped " + std::string(dropReasonName(e.reason)) + " " + std::string(e.message->payload));
    });
    bus.add<hooks::MessageAcked>(0, [&](const hooks::MessageAcked& e) {
        told.push_back("acked " + std::string(e.message.payload) + " " + std::to_string(e.packet_id));
    });
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    services.hooks = &bus;
    s.deliver(makeMsg("old", 1), opts(1), 0);
    s.deliver(makeMsg("new", 1), opts(1), 0);  // offline, mqueue of 1: the oldest goes
    CHECK(told == std::vector<std::string>{"dropped queue_full old"});
    FakeSink sink;
    s.attach(&sink, 0);
    s.deliver(makeMsg("two", 2), opts(2), 0);
    REQUIRE(sink.out.size() == 2);
    CHECK(s.onPuback(sink.out[0].packet_id, 0));
    // QoS 2 is acknowledged at PUBREC (EMQX's message.acked), once.
    CHECK(s.onPubrec(sink.out[1].packet_id, 0));
    CHECK(s.onPubrec(sink.out[1].packet_id, 0));
    CHECK(s.onPubcomp(sink.out[1].packet_id, 0));
    CHECK(told == std::vector<std::string>{"dropped queue_full old",
                                           "acked new " + std::to_string(sink.out[0].packet_id),
                                           "acked two " + std::to_string(sink.out[1].packet_id)});
}

TEST_CASE("session: new messages do not overtake queued ones", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);

    sink.output_full = true;
    s.deliver(makeMsg("q0-dropped", 0), opts(0), 0);  // QoS 0 over the output bound is dropped
    s.deliver(makeMsg("m1", 1), opts(1), 0);
    CHECK(sink.out.empty());
    CHECK(s.queueLength() == 1);
    CHECK(metrics.get(Metric::DeliveryDroppedQos0Msg) == 1);

    sink.output_full = false;
    s.deliver(makeMsg("m2", 1), opts(1), 0);  // window open, but m1 is waiting
    CHECK(sink.out.empty());
    CHECK(s.queueLength() == 2);

    s.onOutputDrained(0);
    CHECK(sink.payloads() == std::vector<std::string>{"m1", "m2"});
    CHECK(s.queueLength() == 0);
    CHECK(s.inflightCount() == 2);
}

TEST_CASE("session: the client's Receive Maximum limits the window", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    sink.receive_max = 1;
    s.attach(&sink, 0);
    s.deliver(makeMsg("m1", 1), opts(1), 0);
    s.deliver(makeMsg("m2", 2), opts(2), 0);
    s.deliver(makeMsg("m3", 1), opts(1), 0);
    CHECK(sink.payloads() == std::vector<std::string>{"m1"});
    CHECK(s.inflightCount() == 1);
    CHECK(s.queueLength() == 2);

    CHECK(s.onPuback(sink.out[0].packet_id, 0));
    CHECK(sink.payloads() == std::vector<std::string>{"m1", "m2"});
    CHECK(s.inflightCount() == 1);
    CHECK(s.onPubrec(sink.out[1].packet_id, 0));
    CHECK(sink.out.size() == 2);
    CHECK(s.onPubcomp(sink.out[1].packet_id, 0));
    CHECK(sink.payloads() == std::vector<std::string>{"m1", "m2", "m3"});

    // QoS 0 does not use the window.
    s.deliver(makeMsg("q0", 0), opts(0), 0);
    CHECK(sink.payloads().back() == "q0");
    CHECK(s.inflightCount() == 1);
}

TEST_CASE("session: max_inflight bounds a large Receive Maximum", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    sink.receive_max = 100;
    s.attach(&sink, 0);
    for (int i = 0; i < 5; ++i) s.deliver(makeMsg("m", 1), opts(1), 0);
    CHECK(s.inflightCount() == 2);
    CHECK(s.queueLength() == 3);
}

TEST_CASE("session: packet ids are unique and skip ids in use across the wrap", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);

    s.deliver(makeMsg("held", 1), opts(1), 0);  // id 1 stays in flight throughout
    REQUIRE(sink.out.size() == 1);
    REQUIRE(sink.out[0].packet_id == 1);

    // QoS 0 does not consume an id.
    s.deliver(makeMsg("q0", 0), opts(0), 0);
    REQUIRE(sink.out.back().packet_id == 0);

    // Ids 2..65535, each acked right away.
    bool sequential = true;
    for (uint32_t expected = 2; expected <= 65535; ++expected) {
        s.deliver(makeMsg("m", 1), opts(1), 0);
        uint16_t pid = sink.out.back().packet_id;
        if (pid != expected) sequential = false;
        if (!s.onPuback(pid, 0)) sequential = false;
        if (!sequential) break;
    }
    REQUIRE(sequential);
    REQUIRE(s.inflightCount() == 1);

    // Wraps to 1, which is still in flight: skipped; 0 is never used.
    s.deliver(makeMsg("after-wrap", 1), opts(1), 0);
    CHECK(sink.out.back().payload() == "after-wrap");
    CHECK(sink.out.back().packet_id == 2);
    CHECK(s.inflightCount() == 2);

    // Ids in flight at the same time are distinct.
    CHECK(s.onPuback(1, 0));
    s.deliver(makeMsg("next", 2), opts(2), 0);
    CHECK(sink.out.back().packet_id == 3);
    CHECK(s.inflightCount() == 2);
    CHECK_FALSE(s.onPuback(1, 0));  // 1 was acked
    CHECK(s.onPuback(2, 0));
}

TEST_CASE("session: attach resends inflight with DUP, PUBREL past PUBREC, then the queue", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);

    SECTION("full window: resend only, queue drains on acks") {
        FakeSink first;
        s.attach(&first, 0);
        s.deliver(makeMsg("m1", 1), opts(1), 0);  // id 1
        s.deliver(makeMsg("m2", 2), opts(2), 0);  // id 2
        CHECK(s.onPubrec(2, 10));
        s.detach();
        CHECK_FALSE(s.connected());
        s.deliver(makeMsg("m3", 1), opts(1), 20);
        s.deliver(makeMsg("m4", 2), opts(2), 20);
        CHECK(s.queueLength() == 2);
        CHECK(s.inflightCount() == 2);

        FakeSink second;
        s.attach(&second, 100);
        REQUIRE(second.out.size() == 2);
        CHECK_FALSE(second.out[0].pubrel);
        CHECK(second.out[0].payload() == "m1");
        CHECK(second.out[0].packet_id == 1);
        CHECK(second.out[0].qos == 1);
        CHECK(second.out[0].dup);
        CHECK(second.out[1].pubrel);
        CHECK(second.out[1].packet_id == 2);
        CHECK(first.out.size() == 2);  // nothing more to the old connection

        CHECK(s.onPubcomp(2, 110));
        REQUIRE(second.out.size() == 3);
        CHECK(second.out[2].payload() == "m3");
        CHECK(second.out[2].packet_id == 3);
        CHECK_FALSE(second.out[2].dup);
        CHECK(s.onPuback(1, 120));
        REQUIRE(second.out.size() == 4);
        CHECK(second.out[3].payload() == "m4");
        CHECK(second.out[3].packet_id == 4);
        CHECK(second.out[3].qos == 2);
        CHECK(s.queueLength() == 0);
    }
    SECTION("room in the window: the queue drains on attach, in order") {
        FakeSink first;
        s.attach(&first, 0);
        s.deliver(makeMsg("m1", 2), opts(2), 0);  // id 1, no PUBREC
        s.detach();
        s.deliver(makeMsg("m2", 1), opts(1), 0);
        s.deliver(makeMsg("m3", 0), opts(0), 0);
        s.deliver(makeMsg("m4", 1), opts(1), 0);

        FakeSink second;
        s.attach(&second, 50);
        // m1 resent (DUP), m2 fills the window, m3 is QoS 0 but waits behind m2
        // in the queue; m4 waits for a slot.
        REQUIRE(second.out.size() >= 2);
        CHECK(second.out[0].payload() == "m1");
        CHECK(second.out[0].dup);
        CHECK(second.out[0].qos == 2);
        CHECK(second.out[0].packet_id == 1);
        CHECK(second.out[1].payload() == "m2");
        CHECK_FALSE(second.out[1].dup);
        CHECK(second.out[1].packet_id == 2);
        CHECK(second.payloads() == std::vector<std::string>{"m1", "m2", "m3"});
        CHECK(s.queueLength() == 1);

        CHECK(s.onPuback(2, 60));
        CHECK(second.payloads() == std::vector<std::string>{"m1", "m2", "m3", "m4"});
        CHECK(s.queueLength() == 0);
    }
}

TEST_CASE("session: retryDue resends with DUP after retry_interval", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    CHECK(s.retryDue(0) == -1);  // detached

    FakeSink sink;
    s.attach(&sink, 0);
    CHECK(s.retryDue(0) == -1);  // nothing in flight

    s.deliver(makeMsg("m1", 1), opts(1), 0);    // id 1 at 0
    s.deliver(makeMsg("m2", 2), opts(2), 500);  // id 2 at 500
    REQUIRE(sink.out.size() == 2);

    CHECK(s.retryDue(999) == 1000);
    CHECK(sink.out.size() == 2);

    CHECK(s.retryDue(1000) == 1500);
    REQUIRE(sink.out.size() == 3);
    CHECK(sink.out[2].payload() == "m1");
    CHECK(sink.out[2].packet_id == 1);
    CHECK(sink.out[2].dup);
    CHECK(sink.out[2].qos == 1);

    CHECK(s.retryDue(1500) == 2000);
    REQUIRE(sink.out.size() == 4);
    CHECK(sink.out[3].payload() == "m2");
    CHECK(sink.out[3].packet_id == 2);
    CHECK(sink.out[3].dup);

    // After PUBREC the retry is a PUBREL.
    CHECK(s.onPubrec(2, 1600));
    CHECK(s.retryDue(2000) == 2600);
    REQUIRE(sink.out.size() == 5);
    CHECK(sink.out[4].payload() == "m1");
    CHECK(s.retryDue(2600) == 3000);
    REQUIRE(sink.out.size() == 6);
    CHECK(sink.out[5].pubrel);
    CHECK(sink.out[5].packet_id == 2);

    CHECK(s.onPuback(1, 2700));
    CHECK(s.onPubcomp(2, 2700));
    CHECK(s.retryDue(10000) == -1);
    CHECK(sink.out.size() == 6);

    s.deliver(makeMsg("m3", 1), opts(1), 20000);
    s.detach();
    CHECK(s.retryDue(30000) == -1);  // no connection: nothing is resent
}

TEST_CASE("session: TooLarge drops without using a window slot", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    sink.max_payload = 4;
    s.attach(&sink, 0);

    s.deliver(makeMsg("too-large", 1), opts(1), 0);
    CHECK(sink.too_large_calls == 1);
    CHECK(sink.out.empty());
    CHECK(s.inflightCount() == 0);
    CHECK(s.queueLength() == 0);
    CHECK(s.droppedCount() == 1);
    CHECK(s.deliveredCount() == 0);
    CHECK(metrics.get(Metric::DeliveryDroppedTooLarge) == 1);
    CHECK(metrics.get(Metric::DeliveryDropped) == 1);
    CHECK(metrics.get(Metric::MessagesDropped) == 1);

    // The full window (2) is still available.
    s.deliver(makeMsg("a", 1), opts(1), 0);
    s.deliver(makeMsg("b", 2), opts(2), 0);
    CHECK(sink.payloads() == std::vector<std::string>{"a", "b"});
    CHECK(s.inflightCount() == 2);
    CHECK(sink.out[0].packet_id != 0);
    CHECK(sink.out[1].packet_id != 0);
    CHECK(sink.out[0].packet_id != sink.out[1].packet_id);

    // From the queue: the too-large one is dropped and the next one goes.
    s.deliver(makeMsg("big-queued", 1), opts(1), 0);
    s.deliver(makeMsg("c", 1), opts(1), 0);
    CHECK(s.queueLength() == 2);
    CHECK(s.onPuback(sink.out[0].packet_id, 0));
    CHECK(sink.payloads() == std::vector<std::string>{"a", "b", "c"});
    CHECK(s.queueLength() == 0);
    CHECK(s.inflightCount() == 2);
    CHECK(metrics.get(Metric::DeliveryDroppedTooLarge) == 2);

    // QoS 0 too large: dropped the same way.
    s.deliver(makeMsg("q0-too-large", 0), opts(0), 0);
    CHECK(metrics.get(Metric::DeliveryDroppedTooLarge) == 3);
    CHECK(sink.out.size() == 3);
}

TEST_CASE("session: incoming QoS 2 awaiting PUBREL", "[core][session]") {
    auto cfg = smallConfig();  // await_rel_timeout 5000
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    CHECK(s.nextAwaitRelExpiry() == -1);

    CHECK(s.awaitRel(5, 0));
    CHECK_FALSE(s.awaitRel(5, 100));  // duplicate PUBLISH
    CHECK(s.awaitingRelCount() == 1);
    CHECK(s.awaitRel(6, 1000));
    CHECK(s.awaitingRelCount() == 2);
    CHECK(s.nextAwaitRelExpiry() == 5000);  // the duplicate did not refresh id 5

    CHECK(s.expireAwaitingRel(4999) == 0);
    CHECK(s.awaitingRelCount() == 2);
    CHECK(s.expireAwaitingRel(5000) == 1);
    CHECK(s.awaitingRelCount() == 1);
    CHECK(s.nextAwaitRelExpiry() == 6000);
    CHECK_FALSE(s.release(5));   // expired
    CHECK(s.awaitRel(5, 5000));  // a new exchange may reuse the id

    CHECK(s.release(6));
    CHECK_FALSE(s.release(6));
    CHECK(s.awaitingRelCount() == 1);
    CHECK(s.expireAwaitingRel(100000) == 1);
    CHECK(s.awaitingRelCount() == 0);
    CHECK(s.nextAwaitRelExpiry() == -1);
}

TEST_CASE("session: identity and subscriptions map", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(42, "client-42", services);
    CHECK(s.id() == 42);
    CHECK(s.clientId() == "client-42");
    CHECK_FALSE(s.connected());
    s.subscriptions()["a/+"] = Subscription{"a/+", opts(1)};
    s.subscriptions()["a/+"] = Subscription{"a/+", opts(2)};
    const Session& cs = s;
    REQUIRE(cs.subscriptions().size() == 1);
    CHECK(cs.subscriptions().find("a/+")->second.options.qos == 2);
}

namespace {

// A sink whose connection refuses every PUBLISH as if its output were closed.
struct RefusingSink : DeliverySink {
    int calls = 0;
    SendResult sendPublish(const MessagePtr&, uint8_t, uint16_t, bool, const SubscriptionOptions&) override {
        ++calls;
        return SendResult::OutputFull;
    }
    void sendPubrel(uint16_t) override {}
    uint16_t clientReceiveMaximum() const override { return 65535; }
    bool outputFull() const override { return false; }
    void takeOver(bool) override {}
};

}  // namespace

TEST_CASE("session: a QoS 1 message the connection refuses is kept, not dropped", "[core][session]") {
    config::MqttConfig cfg;
    cfg.max_inflight = 2;
    cfg.max_mqueue_len = 3;
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c", services);
    RefusingSink sink;
    s.attach(&sink, 0);
    SubscriptionOptions o;
    o.qos = 1;
    s.deliver(makeMsg("p", 1), o, 0);
    CHECK(sink.calls == 1);
    CHECK(metrics.get(Metric::DeliveryDroppedQos0Msg) == 0);
    CHECK(s.inflightCount() + s.queueLength() == 1);
}

TEST_CASE("session: a message the receiver may not read is dropped as not_authorized, the rest goes on",
          "[core][session]") {
    config::MqttConfig cfg;
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c", services);
    s.deliver(makeMsg("a", 1), opts(1), 0);  // offline: queued, checked when sent
    s.deliver(makeMsg("secret", 1), opts(1), 0);
    s.deliver(makeMsg("b", 1), opts(1), 0);
    FakeSink sink;
    sink.unreadable = "secret";
    s.attach(&sink, 0);
    CHECK(sink.payloads() == std::vector<std::string>{"a", "b"});
    CHECK(s.inflightCount() == 2);  // nothing waits for an ack that will never come
    CHECK(s.queueLength() == 0);
    CHECK(s.droppedCount(DropReason::NotAuthorized) == 1);
    CHECK(metrics.get(Metric::DeliveryDroppedNotAuthorized) == 1);
    CHECK(dropReasonName(DropReason::NotAuthorized) == "not_authorized");
    s.deliver(makeMsg("secret", 0), opts(0), 0);  // live, QoS 0
    CHECK(s.droppedCount(DropReason::NotAuthorized) == 2);
}

namespace {

std::vector<MessagePtr> retainedMsgs(const std::string& prefix, int n, uint8_t qos) {
    std::vector<MessagePtr> found;
    for (int i = 0; i < n; ++i) found.push_back(makeMsg(prefix + std::to_string(i), qos));
    return found;
}

std::vector<std::string> names(const std::string& prefix, int n) {
    std::vector<std::string> v;
    for (int i = 0; i < n; ++i) v.push_back(prefix + std::to_string(i));
    return v;
}

// Lets the output take `room` more PUBLISHes and tells the session it drained;
// returns how many drains it took until the session had nothing more to send.
int drainAll(Session& s, FakeSink& sink, size_t room) {
    int drains = 0;
    while (s.retainedBacklogLength() + s.queueLength() > 0) {
        REQUIRE(drains < 1000);
        sink.room = room;
        s.onOutputDrained(0);
        ++drains;
    }
    return drains;
}

}  // namespace

TEST_CASE("session: a retained QoS 0 burst past the output bound is sent as it drains", "[core][session]") {
    auto cfg = smallConfig();  // max_mqueue_len 3: the backlog is not the mqueue
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);
    sink.room = 4;

    s.deliverRetained(retainedMsgs("r", 25, 0), opts(1), 0);
    CHECK(sink.payloads() == names("r", 4));  // what the output took
    CHECK(s.retainedBacklogLength() == 21);
    CHECK(s.queueLength() == 0);

    CHECK(drainAll(s, sink, 4) == 6);
    CHECK(sink.payloads() == names("r", 25));
    for (const auto& o : sink.out) CHECK(o.qos == 0);
    CHECK(s.droppedCount() == 0);
    CHECK(metrics.get(Metric::DeliveryDropped) == 0);
    CHECK(s.deliveredCount() == 25);
}

TEST_CASE("session: a retained QoS 1 burst past the window and the mqueue is sent as acks come", "[core][session]") {
    auto cfg = smallConfig();  // window 2, mqueue 3
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);

    s.deliverRetained(retainedMsgs("r", 10, 2), opts(1), 0);  // QoS 2 retained, downgraded to 1
    CHECK(sink.payloads() == names("r", 2));
    CHECK(s.retainedBacklogLength() == 8);
    for (size_t acked = 0; acked < 10; ++acked) {
        REQUIRE(sink.out.size() > acked);
        CHECK(sink.out[acked].qos == 1);
        CHECK(s.onPuback(sink.out[acked].packet_id, 0));
    }
    CHECK(sink.payloads() == names("r", 10));
    CHECK(s.retainedBacklogLength() == 0);
    CHECK(s.inflightCount() == 0);
    CHECK(s.droppedCount() == 0);
}

TEST_CASE("session: a retained burst waits for both the output and the window", "[core][session]") {
    auto cfg = smallConfig();
    cfg.max_inflight = 1;
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);

    std::vector<MessagePtr> found{makeMsg("r0", 1), makeMsg("r1", 0), makeMsg("r2", 1), makeMsg("r3", 0),
                                  makeMsg("r4", 0)};
    s.deliverRetained(found, opts(1), 0);
    CHECK(sink.payloads() == names("r", 2));  // r2 waits for the window, r3 and r4 behind it

    sink.room = 0;
    CHECK(s.onPuback(sink.out[0].packet_id, 0));  // the window opens, the output is full
    CHECK(sink.payloads() == names("r", 2));

    sink.room = 2;
    s.onOutputDrained(0);
    CHECK(sink.payloads() == names("r", 4));

    sink.room = 10;
    s.onOutputDrained(0);  // r4 is QoS 0: r2 in flight does not hold it
    CHECK(sink.payloads() == names("r", 5));
    CHECK(s.retainedBacklogLength() == 0);
    CHECK(s.droppedCount() == 0);
}

TEST_CASE("session: live messages wait behind a retained backlog, queued ones go before it", "[core][session]") {
    auto cfg = smallConfig();
    cfg.max_inflight = 10;
    cfg.max_mqueue_len = 10;
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);

    // The output is full before the SUBSCRIBE: a live QoS 1 message waits in the mqueue.
    sink.room = 0;
    s.deliver(makeMsg("early", 1), opts(1), 0);
    CHECK(s.queueLength() == 1);

    s.deliverRetained(retainedMsgs("r", 6, 0), opts(1), 0);
    CHECK(s.retainedBacklogLength() == 6);

    // Live messages after the SUBSCRIBE, both QoS, go behind the retained
    // messages even when the output has room (a live message must not reach
    // the client before an older retained one on its topic).
    sink.room = 1;
    s.onOutputDrained(0);
    CHECK(sink.payloads() == std::vector<std::string>{"early"});
    s.deliver(makeMsg("late-q0", 0), opts(1), 0);
    s.deliver(makeMsg("late-q1", 1), opts(1), 0);
    CHECK(sink.payloads() == std::vector<std::string>{"early"});
    CHECK(s.queueLength() == 2);

    drainAll(s, sink, 2);
    std::vector<std::string> want{"early"};
    for (const auto& r : names("r", 6)) want.push_back(r);
    want.push_back("late-q0");
    want.push_back("late-q1");
    CHECK(sink.payloads() == want);
    CHECK(s.droppedCount() == 0);

    // The backlog done, live QoS 0 goes straight out again.
    sink.room = 1;
    s.deliver(makeMsg("after", 0), opts(1), 0);
    CHECK(sink.payloads().back() == "after");
    CHECK(s.queueLength() == 0);
}

TEST_CASE("session: a second SUBSCRIBE's retained messages go after live ones that came between", "[core][session]") {
    auto cfg = smallConfig();
    cfg.max_mqueue_len = 10;
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);
    sink.room = 0;

    s.deliverRetained(retainedMsgs("a", 2, 0), opts(0), 0);
    s.deliver(makeMsg("live", 0), opts(0), 0);
    s.deliverRetained(retainedMsgs("b", 2, 0), opts(0), 0);
    drainAll(s, sink, 1);
    CHECK(sink.payloads() == std::vector<std::string>{"a0", "a1", "live", "b0", "b1"});
}

TEST_CASE("session: live QoS 0 behind a retained backlog is bounded like the mqueue", "[core][session]") {
    auto cfg = smallConfig();  // mqueue 3
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);
    sink.room = 0;
    s.deliverRetained(retainedMsgs("r", 2, 0), opts(0), 0);
    for (int i = 0; i < 5; ++i) s.deliver(makeMsg("l" + std::to_string(i), 0), opts(0), 0);
    CHECK(metrics.get(Metric::DeliveryDroppedQueueFull) == 2);
    drainAll(s, sink, 1);
    CHECK(sink.payloads() == std::vector<std::string>{"r0", "r1", "l2", "l3", "l4"});
}

TEST_CASE("session: a retained message that expires in the backlog is dropped as expired", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);
    sink.room = 1;

    std::vector<MessagePtr> found{makeMsg("first", 0), makeMsg("short", 0, 0, 0, 5), makeMsg("long", 1, 0, 0, 100),
                                  makeMsg("forever", 0)};
    s.deliverRetained(found, opts(1), 1000);
    CHECK(sink.payloads() == std::vector<std::string>{"first"});

    sink.room = 10;
    s.onOutputDrained(6000);  // "short" (5 s) expired while waiting
    CHECK(sink.payloads() == std::vector<std::string>{"first", "long", "forever"});
    CHECK(s.retainedBacklogLength() == 0);
    CHECK(s.droppedCount(DropReason::Expired) == 1);
    CHECK(metrics.get(Metric::DeliveryDroppedExpired) == 1);
    CHECK(s.droppedCount() == 1);
}

TEST_CASE("session: detach drops the retained backlog, keeps the mqueue", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink first;
    s.attach(&first, 0);
    first.room = 0;
    uint64_t before = s.memoryBytes();
    s.deliverRetained(retainedMsgs("r", 100, 0), opts(1), 0);
    s.deliver(makeMsg("live", 1), opts(1), 0);
    CHECK(s.memoryBytes() >= before + 100 * sizeof(RetainedBacklog::Entry));
    s.detach();
    CHECK(s.retainedBacklogLength() == 0);
    CHECK(s.queueLength() == 1);
    CHECK(s.droppedCount() == 0);

    FakeSink second;
    s.attach(&second, 0);
    CHECK(second.payloads() == std::vector<std::string>{"live"});
}

TEST_CASE("session: retained messages found before attach are sent on attach, after the mqueue", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    s.deliver(makeMsg("offline", 1), opts(1), 0);
    s.deliverRetained(retainedMsgs("r", 5, 0), opts(0), 0);  // auto_subscribe runs before attach
    FakeSink sink;
    s.attach(&sink, 0);
    CHECK(sink.payloads() == std::vector<std::string>{"offline", "r0", "r1", "r2", "r3", "r4"});
}

TEST_CASE("session: the rarely used parts are freed once none is in use", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    FakeSink sink;
    s.attach(&sink, 0);
    const uint64_t idle = s.memoryBytes();

    s.deliverRetained(retainedMsgs("r", 3, 0), opts(0), 0);  // sent at once: the backlog empties
    CHECK(sink.payloads() == std::vector<std::string>{"r0", "r1", "r2"});
    CHECK(s.memoryBytes() == idle);

    sink.room = 0;
    s.deliverRetained(retainedMsgs("r", 2, 0), opts(0), 0);
    CHECK(s.memoryBytes() > idle);
    s.detach();  // drops the backlog
    CHECK(s.memoryBytes() == idle);

    s.setPendingWill(
        std::make_unique<Session::PendingWill>(Session::PendingWill{makeMsg("will", 1), "peer", 5, false}));
    CHECK(s.memoryBytes() > idle);
    REQUIRE(s.takePendingWill());
    CHECK(s.memoryBytes() == idle);
    CHECK_FALSE(s.takePendingWill());

    s.deadlineSlot();  // made, never scheduled
    CHECK(s.deadlineSlotIfMade() != nullptr);
    s.trimRareParts();
    CHECK(s.deadlineSlotIfMade() == nullptr);
    CHECK(s.memoryBytes() == idle);
}

TEST_CASE("session: a scheduled deadline keeps its slot in place", "[core][session]") {
    auto cfg = smallConfig();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c1", services);
    DeadlineQueue queue;
    queue.reschedule(DeadlineKind::Session, s.id(), s.deadlineSlot(), 100);
    DeadlineSlot* slot = s.deadlineSlotIfMade();
    s.trimRareParts();  // scheduled: kept
    REQUIRE(s.deadlineSlotIfMade() == slot);
    s.setPendingWill(
        std::make_unique<Session::PendingWill>(Session::PendingWill{makeMsg("will", 1), "peer", 5, false}));
    s.takePendingWill();
    CHECK(s.deadlineSlotIfMade() == slot);
    queue.reschedule(DeadlineKind::Session, s.id(), *slot, DeadlineQueue::kNone);
    s.trimRareParts();
    CHECK(s.deadlineSlotIfMade() == nullptr);
}
