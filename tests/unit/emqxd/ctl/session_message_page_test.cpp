// Pages of a session's mqueue and inflight window: positions that survive the
// entries sent and acknowledged between two pages, 32-bit inflight places
// that wrap, restored entries numbered, the payload budget, bad arguments.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "emqxd/ctl/session_message_page.h"
#include "emqxd/session/session.h"

using namespace emqx;
using ctl::Json;
using ctl::SessionMessages;

namespace {

// Takes every PUBLISH; the window is `receive_max` wide.
struct WindowSink : DeliverySink {
    uint16_t receive_max;
    explicit WindowSink(uint16_t max) : receive_max(max) {}
    SendResult sendPublish(const MessagePtr&, uint8_t, uint16_t, bool, const SubscriptionOptions&) override {
        return SendResult::Sent;
    }
    void sendPubrel(uint16_t) override {}
    uint16_t clientReceiveMaximum() const override { return receive_max; }
    bool outputFull() const override { return false; }
    void takeOver(bool) override {}
};

struct Fixture {
    config::MqttConfig cfg;
    Metrics metrics;
    SessionServices services{cfg, metrics, nullptr, nullptr};
    Session s{1, "c1", services};

    void queue(const std::vector<std::string>& payloads) {
        SubscriptionOptions o;
        o.qos = 1;
        for (const std::string& p : payloads) {
            auto m = Message::make("t/" + p, p, "pub");
            m->qos = 1;
            s.deliver(m, o, 0);
        }
    }
};

Json page(const Session& s, SessionMessages which, Json args) {
    std::string error;
    auto req = ctl::parseMessagePageArgs(which, args, error);
    REQUIRE(req);
    auto p = ctl::sessionMessagePage(s, which, *req);
    REQUIRE(p);
    return *p;
}

std::vector<std::string> payloads(const Json& p) {
    std::vector<std::string> out;
    for (const Json& m : p["messages"]) out.push_back(m["payload"].get<std::string>());
    return out;
}

}  // namespace

TEST_CASE("session message page: mqueue positions survive what is sent meanwhile", "[ctl][session]") {
    Fixture f;
    f.queue({"a", "b", "c", "d", "e"});
    Json first = page(f.s, SessionMessages::Mqueue, {{"limit", 2}, {"payload", "plain"}});
    CHECK(payloads(first) == std::vector<std::string>{"a", "b"});
    CHECK(first["start"] == "1_0");
    CHECK(first["position"] == "2_0");
    CHECK(first["messages"][0]["inserted_at"] == "1");
    CHECK(first["messages"][0]["mqueue_priority"] == 0);

    WindowSink sink(2);
    f.s.attach(&sink, 0);  // a and b leave the queue for the window
    Json rest = page(f.s, SessionMessages::Mqueue, {{"position", first["position"]}, {"payload", "plain"}});
    CHECK(payloads(rest) == std::vector<std::string>{"c", "d", "e"});
    CHECK(rest["start"] == "3_0");
    // A position before the front: from the front.
    CHECK(payloads(page(f.s, SessionMessages::Mqueue, {{"position", "1_0"}, {"payload", "plain"}})).size() == 3);
    // Past the end: empty, the cursor stays.
    Json end = page(f.s, SessionMessages::Mqueue, {{"position", "5_0"}});
    CHECK(end["messages"].empty());
    CHECK(end["position"] == "5_0");
}

TEST_CASE("session message page: inflight places are kept per entry", "[ctl][session]") {
    Fixture f;
    WindowSink sink(3);
    f.s.attach(&sink, 0);
    f.queue({"a", "b", "c", "d"});
    Json all = page(f.s, SessionMessages::Inflight, {{"payload", "plain"}});
    CHECK(payloads(all) == std::vector<std::string>{"a", "b", "c"});
    CHECK(all["start"] == "1");
    CHECK(all["position"] == "3");
    CHECK_FALSE(all["messages"][0].contains("mqueue_priority"));

    REQUIRE(f.s.onPuback(2, 0));  // b acknowledged out of order; d takes its place
    Json after_a = page(f.s, SessionMessages::Inflight, {{"position", "1"}, {"payload", "plain"}});
    CHECK(payloads(after_a) == std::vector<std::string>{"c", "d"});
    CHECK(after_a["messages"][1]["inserted_at"] == "4");
    // A position whose entry is gone still places the walk.
    CHECK(payloads(page(f.s, SessionMessages::Inflight, {{"position", "2"}, {"payload", "plain"}})) ==
          std::vector<std::string>{"c", "d"});
}

TEST_CASE("session message page: inflight places wrap at 32 bits", "[ctl][session]") {
    CHECK(Session::inflightSeqAfter(0, UINT32_MAX));
    CHECK(Session::inflightSeqAfter(5, 3));
    CHECK_FALSE(Session::inflightSeqAfter(3, 5));
    CHECK_FALSE(Session::inflightSeqAfter(7, 7));
}

TEST_CASE("session message page: restored entries are numbered", "[ctl][session]") {
    Fixture f;
    for (const char* p : {"x", "y"}) {
        auto m = Message::make("t", p);
        f.s.restoreQueued(QueuedMessage{m, 1, {}});
        f.s.restoreInflight(InflightEntry{.packet_id = 7, .msg = m, .qos = 1, .options = {}});
    }
    Json q = page(f.s, SessionMessages::Mqueue, {{"payload", "plain"}});
    CHECK(q["start"] == "1_0");
    CHECK(q["position"] == "2_0");
    Json i = page(f.s, SessionMessages::Inflight, {{"payload", "plain"}});
    CHECK(i["start"] == "1");
    CHECK(i["position"] == "2");
}

TEST_CASE("session message page: payload formats and budget", "[ctl][session]") {
    Fixture f;
    f.queue({"0123456789", "0123456789", "0123456789"});
    CHECK(page(f.s, SessionMessages::Mqueue, Json::object())["messages"][0]["payload"] == "MDEyMzQ1Njc4OQ==");
    CHECK_FALSE(page(f.s, SessionMessages::Mqueue, {{"payload", "none"}})["messages"][0].contains("payload"));
    // The first always; then while the page's payloads fit.
    CHECK(page(f.s, SessionMessages::Mqueue, {{"payload", "plain"}, {"max_payload_bytes", 1}})["messages"].size() == 1);
    Json two = page(f.s, SessionMessages::Mqueue, {{"payload", "plain"}, {"max_payload_bytes", 25}});
    CHECK(two["messages"].size() == 2);
    CHECK(two["position"] == "2_0");
    // base64 counts as shown: 16 bytes each.
    CHECK(page(f.s, SessionMessages::Mqueue, {{"max_payload_bytes", 31}})["messages"].size() == 1);
    CHECK(page(f.s, SessionMessages::Mqueue, {{"max_payload_bytes", 32}})["messages"].size() == 2);
}

TEST_CASE("session message page: a payload that is no UTF-8 is not shown plain", "[ctl][session]") {
    Fixture f;
    f.queue({std::string("\xff\xfe", 2)});
    std::string error;
    auto req = ctl::parseMessagePageArgs(SessionMessages::Mqueue, {{"payload", "plain"}}, error);
    REQUIRE(req);
    CHECK_FALSE(ctl::sessionMessagePage(f.s, SessionMessages::Mqueue, *req));
    CHECK(page(f.s, SessionMessages::Mqueue, Json::object())["messages"][0]["payload"] == "//4=");
}

TEST_CASE("session message page: bad arguments", "[ctl][session]") {
    std::string error;
    for (const Json& bad :
         {Json{{"position", "12"}}, Json{{"position", "x_0"}}, Json{{"position", "1_y"}}, Json{{"position", 3}},
          Json{{"limit", 0}}, Json{{"limit", 10001}}, Json{{"payload", "hex"}}, Json{{"max_payload_bytes", 0}}}) {
        CHECK_FALSE(ctl::parseMessagePageArgs(SessionMessages::Mqueue, bad, error));
        CHECK_FALSE(error.empty());
    }
    CHECK(ctl::parseMessagePageArgs(SessionMessages::Mqueue, {{"position", "12_infinity"}}, error));
    CHECK(ctl::parseMessagePageArgs(SessionMessages::Mqueue, {{"position", "none"}}, error));
    CHECK_FALSE(ctl::parseMessagePageArgs(SessionMessages::Inflight, {{"position", "1_0"}}, error));
    CHECK_FALSE(ctl::parseMessagePageArgs(SessionMessages::Inflight, {{"position", "4294967296"}}, error));
    CHECK(ctl::parseMessagePageArgs(SessionMessages::Inflight, {{"position", "4294967295"}}, error));
}
