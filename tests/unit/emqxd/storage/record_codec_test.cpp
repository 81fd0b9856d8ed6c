// The durable store's records: a message and a session survive encode/decode
// unchanged, and damaged bytes are refused rather than guessed at.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "emqxd/session/session.h"
#include "emqxd/storage/record_codec.h"

using namespace emqx;

namespace {

MessagePtr richMessage(std::string payload) {
    auto m = Message::make("a/b/c", payload, "pub-1");
    m->qos = 2;
    m->retain = true;
    m->received_at_ms = 1764000000123;
    auto p = std::make_unique<mqtt::Properties>();
    p->payload_format_indicator = 1;
    p->message_expiry_interval = 3600;
    p->content_type = "text/plain";
    p->response_topic = "reply/here";
    p->correlation_data = std::string("\x00\x01\xff", 3);
    p->user_properties = {{"k", "v"}, {"k", "v2"}, {"x", ""}};
    m->props = std::move(p);
    return m;
}

void requireSameMessage(const Message& a, const Message& b) {
    CHECK(a.topic == b.topic);
    CHECK(a.payload == b.payload);
    CHECK(a.qos == b.qos);
    CHECK(a.retain == b.retain);
    CHECK(a.publisher == b.publisher);
    CHECK(a.received_at_ms == b.received_at_ms);
    REQUIRE(static_cast<bool>(a.props) == static_cast<bool>(b.props));
    if (a.props) CHECK(*a.props == *b.props);
}

// What a session needs, with an inflight window of two (the rest queues).
struct WindowOfTwo {
    config::MqttConfig cfg = [] {
        config::MqttConfig c;
        c.max_inflight = 2;
        c.max_mqueue_len = 100;
        return c;
    }();
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
};

struct NullSink : DeliverySink {
    SendResult sendPublish(const MessagePtr&, uint8_t, uint16_t, bool, const SubscriptionOptions&) override {
        return SendResult::Sent;
    }
    void sendPubrel(uint16_t) override {}
    uint16_t clientReceiveMaximum() const override { return 2; }
    bool outputFull() const override { return false; }
    void takeOver(bool) override {}
};

}  // namespace

TEST_CASE("storage: a message with every forwarded property round-trips", "[storage]") {
    std::string big(100000, 'x');  // longer than an MQTT string: lengths are 32-bit
    big[5] = '\0';
    MessagePtr m = richMessage(big);
    MessagePtr back = storage::decodeMessage(storage::encodeMessage(*m));
    REQUIRE(back);
    requireSameMessage(*m, *back);
}

TEST_CASE("storage: a message without properties round-trips, and damage is refused", "[storage]") {
    auto m = Message::make("t", "p");
    m->qos = 1;
    std::string rec = storage::encodeMessage(*m);
    MessagePtr back = storage::decodeMessage(rec);
    REQUIRE(back);
    requireSameMessage(*m, *back);
    CHECK_FALSE(back->props);
    CHECK_FALSE(storage::decodeMessage(rec.substr(0, rec.size() - 1)));  // truncated
    CHECK_FALSE(storage::decodeMessage(rec + "x"));                      // trailing bytes
    std::string bad = rec;
    bad[0] = 99;  // unknown version
    CHECK_FALSE(storage::decodeMessage(bad));
}

TEST_CASE("storage: a session round-trips: expiry, subscriptions, inflight, mqueue, awaiting rel", "[storage]") {
    WindowOfTwo w;
    Session s(7, "client-1", w.services);
    s.expiry_interval_s = 7200;
    s.created_at_ms = 1000;
    s.disconnected_at_ms = 2000;
    s.username = "user";
    SubscriptionOptions o1{1, true, true, 2, 42};
    SubscriptionOptions o2{2, false, false, 0, 0};
    s.subscriptions().emplace("a/+", Subscription{"a/+", o1});
    s.subscriptions().emplace("$share/g/b/#", Subscription{"$share/g/b/#", o2});
    // Two messages fill the inflight window, the rest wait in the mqueue.
    NullSink sink;
    s.attach(&sink, 0);
    for (int i = 0; i < 5; ++i) s.deliver(richMessage("m" + std::to_string(i)), o2, 0);
    REQUIRE(s.inflightCount() == 2);
    REQUIRE(s.onPubrec(s.inflight().begin()[0].packet_id, 0));  // the first is past PUBREC: no payload kept
    s.detach();
    REQUIRE(s.queueLength() == 3);
    s.awaitRel(9, 0);
    s.awaitRel(3, 0);

    storage::StoredSession st;
    REQUIRE(storage::decodeSession(storage::encodeSession(s), st));
    CHECK(st.id == 7);
    CHECK(st.client_id == "client-1");
    CHECK(st.username == "user");
    CHECK(st.expiry_interval_s == 7200);
    CHECK(st.created_at_ms == 1000);
    CHECK(st.disconnected_at_ms == 2000);
    REQUIRE(st.subscriptions.size() == 2);
    CHECK(st.subscriptions[0].filter == "$share/g/b/#");
    CHECK(st.subscriptions[0].options == o2);
    CHECK(st.subscriptions[1].filter == "a/+");
    CHECK(st.subscriptions[1].options == o1);
    REQUIRE(st.inflight.size() == 2);
    CHECK(st.inflight[0].packet_id == s.inflight().begin()[0].packet_id);
    CHECK(st.inflight[0].pubrec_received);
    CHECK_FALSE(st.inflight[0].msg);
    CHECK(st.inflight[1].packet_id == s.inflight().begin()[1].packet_id);
    CHECK(st.inflight[1].qos == 2);
    CHECK_FALSE(st.inflight[1].pubrec_received);
    REQUIRE(st.inflight[1].msg);
    CHECK(st.inflight[1].msg->payload == "m1");
    REQUIRE(st.mqueue.size() == 3);
    for (int i = 0; i < 3; ++i) {
        CHECK(st.mqueue[i].msg->payload == "m" + std::to_string(i + 2));
        CHECK(st.mqueue[i].qos == 2);
        CHECK(st.mqueue[i].options == o2);
        requireSameMessage(*richMessage("m" + std::to_string(i + 2)), *st.mqueue[i].msg);
    }
    CHECK(st.awaiting_rel == std::vector<uint16_t>{3, 9});

    // A restored session resends its inflight window and then its queue, in order.
    Session r(8, st.client_id, w.services);
    for (auto& e : st.inflight) r.restoreInflight(std::move(e));
    for (auto& q : st.mqueue) r.restoreQueued(std::move(q));
    CHECK(r.inflightCount() == 2);
    CHECK(r.queueLength() == 3);
    storage::StoredSession again;
    REQUIRE(storage::decodeSession(storage::encodeSession(r), again));
    CHECK(again.mqueue.size() == 3);
}

TEST_CASE("storage: a hand-over record carries the journaled messages a stored one leaves to the journal",
          "[storage]") {
    WindowOfTwo w;
    Session s(7, "client-1", w.services);
    s.expiry_interval_s = 60;
    SubscriptionOptions journaled{2, false, false, 0, 0};
    journaled.durable = true;
    NullSink sink;
    s.attach(&sink, 0);
    for (uint64_t i = 0; i < 5; ++i) {
        auto m = Message::make("a/b", "j" + std::to_string(i), "pub-1");
        m->qos = 2;
        m->durable_id = 100 + i;
        s.deliver(m, journaled, 0);
    }
    REQUIRE(s.onPubrec(s.inflight().begin()[0].packet_id, 0));  // past PUBREC: no message left, the journal id stays
    s.detach();

    storage::StoredSession stored;
    REQUIRE(storage::decodeSession(storage::encodeSession(s), stored));
    CHECK(stored.inflight.empty());
    CHECK(stored.mqueue.empty());

    storage::StoredSession moved;
    REQUIRE(storage::decodeSession(storage::encodeSession(s, storage::SessionRecordScope::HandOver), moved));
    REQUIRE(moved.inflight.size() == 2);
    CHECK(moved.inflight[0].journal_id == 100);
    CHECK(moved.inflight[0].pubrec_received);
    CHECK_FALSE(moved.inflight[0].msg);
    CHECK(moved.inflight[1].journal_id == 101);
    REQUIRE(moved.inflight[1].msg);
    CHECK(moved.inflight[1].msg->durable_id == 101);
    REQUIRE(moved.mqueue.size() == 3);
    for (size_t i = 0; i < 3; ++i) {
        CHECK(moved.mqueue[i].msg->payload == "j" + std::to_string(i + 2));
        CHECK(journalIdOf(moved.mqueue[i].msg, moved.mqueue[i].qos, moved.mqueue[i].options) == 102 + i);
    }
}

TEST_CASE("storage: a damaged session record is refused", "[storage]") {
    config::MqttConfig cfg;
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(1, "c", services);
    s.expiry_interval_s = 60;
    s.subscriptions().emplace("t", Subscription{"t", SubscriptionOptions{1, false, false, 0, 0}});
    std::string rec = storage::encodeSession(s);
    storage::StoredSession st;
    REQUIRE(storage::decodeSession(rec, st));
    for (size_t cut = 0; cut < rec.size(); ++cut) {
        storage::StoredSession partial;
        CHECK_FALSE(storage::decodeSession(std::string_view(rec).substr(0, cut), partial));
    }
}

TEST_CASE("storage: a journaled message keeps its QoS, options and durable id", "[storage]") {
    MessagePtr m = richMessage("j");
    const_cast<Message&>(*m).durable_id = 77;
    SubscriptionOptions o{2, false, true, 1, 9};
    QueuedMessage q;
    REQUIRE(storage::decodeJournaled(storage::encodeJournaled(*m, 1, o), q));
    CHECK(q.qos == 1);
    CHECK(q.options.durable);  // it came from the journal
    q.options.durable = false;
    CHECK(q.options == o);
    CHECK(q.msg->durable_id == 77);
    requireSameMessage(*m, *q.msg);
    std::string bytes = storage::encodeJournaled(*m, 1, o);
    CHECK_FALSE(storage::decodeJournaled(bytes.substr(0, bytes.size() - 1), q));
    CHECK_FALSE(storage::decodeJournaled(storage::encodeJournaled(*richMessage("no id"), 1, o), q));
}

TEST_CASE("storage: a session record leaves journaled messages to the journal", "[storage]") {
    config::MqttConfig cfg;
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(3, "c", services);
    s.disconnected_at_ms = 5;
    SubscriptionOptions durable{1, false, false, 0, 0};
    durable.durable = true;
    SubscriptionOptions plain{1, false, false, 0, 0};
    auto withId = [](std::string payload, uint64_t id) {
        auto m = Message::make("", payload);
        m->qos = 1;
        m->durable_id = id;
        return MessagePtr(m);
    };
    s.deliver(withId("journaled", 10), durable, 0);
    s.deliver(withId("kept", 11), plain, 0);  // e.g. a retained delivery
    REQUIRE(s.queueLength() == 2);
    storage::StoredSession st;
    REQUIRE(storage::decodeSession(storage::encodeSession(s), st));
    REQUIRE(st.mqueue.size() == 1);
    CHECK(st.mqueue[0].msg->payload == "kept");
    CHECK(st.mqueue[0].msg->durable_id == 11);
    CHECK(st.disconnected_at_ms == 5);
}
