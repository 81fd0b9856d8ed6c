// Loading persistent sessions from a real RocksDB store: the record plus the
// journal, merged in publish order; QoS 2 state restored; journal entries of no
// session and expired sessions removed; message ids continue above the journal.
#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "emqxd/session/session.h"
#include "emqxd/storage/durable_store.h"
#include "emqxd/storage/record_codec.h"
#include "emqxd/storage/session_loader.h"
#include "tests/unit/emqxd/storage/temp_store.h"

using namespace emqx;
using emqx::test::TempStore;

namespace {

MessagePtr message(std::string payload, uint64_t id, uint8_t qos = 1) {
    auto m = Message::make("t", payload);
    m->qos = qos;
    m->durable_id = id;
    return m;
}

}  // namespace

TEST_CASE("session loader: record and journal merge in publish order", "[storage]") {
    TempStore t;
    config::MqttConfig cfg;
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(42, "client", services);
    s.expiry_interval_s = 3600;
    s.disconnected_at_ms = 1000;
    SubscriptionOptions durable{2, false, false, 0, 0};
    durable.durable = true;
    s.subscriptions().emplace("t", Subscription{"t", durable});
    s.deliver(message("qos0-between", 5, 0), durable, 0);  // QoS 0: in the record
    t.store->putSession("client", storage::encodeSession(s));
    t.store->putJournaled(42, 4, storage::encodeJournaled(*message("first", 4), 1, durable));
    t.store->putJournaled(42, 6, storage::encodeJournaled(*message("last", 6), 1, durable));
    t.store->putJournaled(42, 3, storage::encodeJournaled(*message("sent-qos2", 3, 2), 2, durable));
    t.store->inflightQos2(42, 3, 17, false);
    t.store->putJournaled(42, 2, storage::encodeJournaled(*message("finished", 2), 1, durable));
    t.store->finished(42, 2);
    t.store->putJournaled(99, 50, storage::encodeJournaled(*message("orphan", 50), 1, durable));
    t.reopen();

    storage::LoadedSessions loaded;
    std::string error;
    REQUIRE(storage::loadSessions(*t.store, 2000, loaded, error));
    REQUIRE(loaded.sessions.size() == 1);
    const storage::StoredSession& st = loaded.sessions[0];
    CHECK(st.id == 42);
    CHECK(loaded.max_session_id == 42);
    CHECK(loaded.journaled == 3);
    REQUIRE(st.inflight.size() == 1);
    CHECK(st.inflight[0].packet_id == 17);
    CHECK(st.inflight[0].qos == 2);
    CHECK(st.inflight[0].journal_id == 3);
    CHECK_FALSE(st.inflight[0].pubrec_received);
    REQUIRE(st.mqueue.size() == 3);
    CHECK(st.mqueue[0].msg->payload == "first");
    CHECK(st.mqueue[1].msg->payload == "qos0-between");
    CHECK(st.mqueue[2].msg->payload == "last");
    CHECK(t.store->nextMessageId() == 51);  // above every id seen, the orphan's included

    // The orphan's journal was removed: a second load does not see it.
    t.reopen();
    storage::LoadedSessions again;
    REQUIRE(storage::loadSessions(*t.store, 2000, again, error));
    CHECK(t.store->nextMessageId() == 7);
}

TEST_CASE("session loader: a session connected at the crash counts its expiry from the load", "[storage]") {
    TempStore t;
    config::MqttConfig cfg;
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s(5, "live", services);
    s.expiry_interval_s = 10;
    struct Sink : DeliverySink {
        SendResult sendPublish(const MessagePtr&, uint8_t, uint16_t, bool, const SubscriptionOptions&) override {
            return SendResult::Sent;
        }
        void sendPubrel(uint16_t) override {}
        uint16_t clientReceiveMaximum() const override { return 10; }
        bool outputFull() const override { return false; }
    } sink;
    s.attach(&sink, 0);
    t.store->putSession("live", storage::encodeSession(s));
    Session gone(6, "gone", services);
    gone.expiry_interval_s = 10;
    gone.disconnected_at_ms = 1000;
    t.store->putSession("gone", storage::encodeSession(gone));
    t.store->putJournaled(6, 1, storage::encodeJournaled(*message("x", 1), 1, SubscriptionOptions{1}));
    t.reopen();

    storage::LoadedSessions loaded;
    std::string error;
    REQUIRE(storage::loadSessions(*t.store, 1000000, loaded, error));
    REQUIRE(loaded.sessions.size() == 1);
    CHECK(loaded.sessions[0].client_id == "live");
    CHECK(loaded.sessions[0].disconnected_at_ms == 1000000);
    CHECK(loaded.expired == 1);
}
