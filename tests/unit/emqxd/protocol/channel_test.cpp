// Channel's MQTT decisions without a socket: a ConnectionPort that keeps what
// the channel writes, a real worker runtime (not started) and its shard.
#include <catch2/catch.hpp>

#include <deque>
#include <memory>
#include <span>

#include "common/config/config_keys.h"
#include "common/mqtt/codec.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/protocol/connection_port.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/shard/session_manager.h"
#include "emqxd/worker/worker.h"
#include "tests/unit/emqxd/worker/unstarted_broker.h"

using namespace emqx;
using mqtt::PacketType;
using mqtt::ProtocolVersion;
using mqtt::ReasonCode;

namespace {

class FakeConnection final : public ConnectionPort {
public:
    FakeConnection(Worker& worker, uint64_t id) : worker_(worker), id_(id), channel(*this, worker.shard()) {}

    uint64_t id() const override { return id_; }
    const std::string& peer() const override { return peer_; }
    int64_t connectedAtMs() const override { return 0; }
    const config::ListenerConfig& listenerConfig() const override { return listener_; }
    std::optional<std::string> peerCertField(PeerCertField) const override { return std::nullopt; }
    OutputBuffer& output() override { return out_; }
    size_t pendingBytes() const override { return out_.size(); }
    void wantFlush() override {}
    bool closing() const override { return closed_; }
    void close(ShutdownReason reason) override {
        if (closed_) return;
        closed_ = true;
        reason_ = reason;
        channel.onClose(reason);
    }
    void forceClose() override { close(reason_); }
    void connectDecided() override {}
    // The client is always just heard from: no keepalive runs out in a test.
    int64_t lastReceivedMs() const override { return worker_.runtime().nowMs(); }
    int64_t readPausedUntilMs() const override { return -1; }
    bool sendTimedOut(int64_t) const override { return false; }

    // The packets written since the last call, decoded as the client would.
    std::vector<mqtt::Packet> received() {
        std::string& bytes = wire_.emplace_back();
        for (const uv_buf_t& b : out_.buffers()) bytes.append(b.base, b.len);
        out_.clear();
        std::vector<mqtt::Packet> packets;
        std::span<const uint8_t> rest(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
        while (!rest.empty()) {
            mqtt::FixedHeader h;
            mqtt::ProtocolError err;
            REQUIRE(mqtt::readFixedHeader(rest, 1 << 20, h, err) == mqtt::FrameStatus::Ready);
            REQUIRE(rest.size() >= h.packetSize());
            mqtt::Packet p;
            REQUIRE(mqtt::decodePacket(channel.version(), h, rest.subspan(h.header_size, h.remaining_length), p, err));
            packets.push_back(std::move(p));
            rest = rest.subspan(h.packetSize());
        }
        return packets;
    }
    bool closed() const { return closed_; }
    ShutdownReason reason() const { return reason_; }

private:
    Worker& worker_;
    uint64_t id_;
    std::string peer_ = "127.0.0.1:50000";
    config::ListenerConfig listener_;
    OutputBuffer out_;
    std::deque<std::string> wire_;  // decoded packets point into these bytes
    bool closed_ = false;
    ShutdownReason reason_ = ShutdownReason::Closed;

public:
    Channel channel;
};

mqtt::Connect connectPacket(std::string client_id, ProtocolVersion v, bool clean_start) {
    mqtt::Connect connect;
    connect.version = v;
    connect.protocol_name = v == ProtocolVersion::V31 ? "MQIsdp" : "MQTT";
    connect.clean_start = clean_start;
    connect.keepalive = 60;
    connect.client_id = std::move(client_id);
    return connect;
}

// Channels on worker 0 of `workers` (none started: everything runs on the test's thread).
struct Broker : test::UnstartedBroker {
    Worker* worker;
    uint64_t next_id = 1;
    std::vector<std::unique_ptr<FakeConnection>> conns;

    explicit Broker(unsigned workers = 1) : UnstartedBroker(workers), worker(this->workers.front().get()) {}
    FakeConnection& open() { return *conns.emplace_back(std::make_unique<FakeConnection>(*worker, next_id++)); }
    FakeConnection& connect(std::string client_id, ProtocolVersion v = ProtocolVersion::V5, bool clean_start = true) {
        FakeConnection& c = open();
        send(c, connectPacket(std::move(client_id), v, clean_start));
        return c;
    }
    static void send(FakeConnection& c, mqtt::Packet p) { c.channel.handle(p); }
};

// The one packet the client got (its strings point into the connection's kept bytes).
template <class T>
T only(std::vector<mqtt::Packet> packets) {
    REQUIRE(packets.size() == 1);
    REQUIRE(std::holds_alternative<T>(packets.front()));
    return std::get<T>(std::move(packets.front()));
}

mqtt::Subscribe subscribe(std::string filter, uint8_t qos) {
    mqtt::Subscribe s;
    s.packet_id = 1;
    mqtt::SubscriptionRequest r;
    r.filter = std::move(filter);
    r.qos = qos;
    s.subscriptions.push_back(std::move(r));
    return s;
}

mqtt::Publish publish(std::string_view topic, uint8_t qos, uint16_t packet_id, std::string_view payload) {
    mqtt::Publish p;
    p.qos = qos;
    p.topic = topic;
    p.packet_id = packet_id;
    p.payload = payload;
    return p;
}

mqtt::PubResponse puback(uint16_t packet_id) {
    mqtt::PubResponse r;
    r.type = PacketType::Puback;
    r.packet_id = packet_id;
    return r;
}

}  // namespace

TEST_CASE("channel: CONNECT opens a session on this worker and answers CONNACK", "[core][channel]") {
    Broker b;
    FakeConnection& c = b.connect("dev-1");
    auto ack = only<mqtt::Connack>(c.received());
    CHECK(ack.reason == ReasonCode::Success);
    CHECK_FALSE(ack.session_present);
    CHECK(c.channel.state() == Channel::State::Connected);
    Session* s = b.worker->shard().sessions().findByClientId("dev-1");
    REQUIRE(s);
    CHECK(s->connected());
    CHECK(channelOf(*s) == &c.channel);
}

TEST_CASE("channel: a second CONNECT of a client id takes the session over", "[core][channel]") {
    Broker b;
    FakeConnection& first = b.connect("dev-1", ProtocolVersion::V5, false);
    first.received();
    FakeConnection& second = b.connect("dev-1", ProtocolVersion::V5, false);
    CHECK(first.closed());
    CHECK(first.reason() == ShutdownReason::Takenover);
    CHECK(only<mqtt::Connack>(second.received()).session_present);
    Session* s = b.worker->shard().sessions().findByClientId("dev-1");
    REQUIRE(s);
    CHECK(channelOf(*s) == &second.channel);

    SECTION("a clean start discards it instead") {
        FakeConnection& third = b.connect("dev-1", ProtocolVersion::V5, true);
        CHECK(second.reason() == ShutdownReason::Discarded);
        CHECK_FALSE(only<mqtt::Connack>(third.received()).session_present);
        CHECK(b.worker->shard().sessions().count() == 1);
    }
}

TEST_CASE("channel: a client id over max_clientid_len is refused", "[core][channel]") {
    Broker b;
    FakeConnection& c = b.connect(std::string(b.ctx.cfg.mqtt.max_clientid_len + 1, 'x'));
    CHECK(only<mqtt::Connack>(c.received()).reason == ReasonCode::ClientIdentifierNotValid);
    CHECK(c.closed());
    CHECK(b.worker->shard().sessions().count() == 0);
}

TEST_CASE("channel: a PUBLISH reaches a subscriber and the publisher is acknowledged", "[core][channel]") {
    Broker b;
    FakeConnection& sub = b.connect("sub");
    FakeConnection& pub = b.connect("pub");
    sub.received();
    pub.received();
    Broker::send(sub, subscribe("t/#", 1));
    CHECK(only<mqtt::Suback>(sub.received()).reasons == std::vector<ReasonCode>{ReasonCode::GrantedQoS1});

    Broker::send(pub, publish("t/1", 1, 7, "hello"));
    auto ack = only<mqtt::PubResponse>(pub.received());
    CHECK(ack.type == PacketType::Puback);
    CHECK(ack.packet_id == 7);
    CHECK(ack.reason == ReasonCode::Success);
    auto p = only<mqtt::Publish>(sub.received());
    CHECK(p.topic == "t/1");
    CHECK(p.payload == "hello");
    CHECK(p.qos == 1);

    Session* s = b.worker->shard().sessions().findByClientId("sub");
    REQUIRE(s);
    CHECK(s->inflightCount() == 1);
    Broker::send(sub, puback(p.packet_id));
    CHECK(s->inflightCount() == 0);
}

TEST_CASE("channel: MQTT 5 is told when nobody subscribes", "[core][channel]") {
    Broker b;
    FakeConnection& pub = b.connect("pub");
    pub.received();
    Broker::send(pub, publish("nobody/here", 1, 3, "x"));
    CHECK(only<mqtt::PubResponse>(pub.received()).reason == ReasonCode::NoMatchingSubscribers);
}

TEST_CASE("channel: a PUBLISH to a wildcard topic ends the connection with 0x90", "[core][channel]") {
    Broker b;
    FakeConnection& pub = b.connect("pub");
    pub.received();
    Broker::send(pub, publish("a/+", 0, 0, "x"));
    CHECK(only<mqtt::Disconnect>(pub.received()).reason == ReasonCode::TopicNameInvalid);
    CHECK(pub.closed());
    CHECK(pub.reason() == ShutdownReason::InvalidTopic);
}

TEST_CASE("channel: a second CONNECT is a protocol error", "[core][channel]") {
    Broker b;
    FakeConnection& c = b.connect("dev-1");
    c.received();
    mqtt::Connect again;
    again.version = ProtocolVersion::V5;
    again.client_id = "dev-1";
    Broker::send(c, again);
    CHECK(only<mqtt::Disconnect>(c.received()).reason == ReasonCode::ProtocolError);
    CHECK(c.closed());
    CHECK(c.reason() == ShutdownReason::ProtoUnexpectedC);  // EMQX's word for it
}

TEST_CASE("channel: the session outlives its connection only with an expiry interval", "[core][channel]") {
    Broker b;
    FakeConnection& c = b.connect("dev-1", ProtocolVersion::V311, true);
    c.received();
    Broker::send(c, mqtt::Disconnect{});
    CHECK(c.closed());
    CHECK(b.worker->shard().sessions().findByClientId("dev-1") == nullptr);

    FakeConnection& p = b.connect("dev-2", ProtocolVersion::V311, false);
    p.received();
    Broker::send(p, mqtt::Disconnect{});
    Session* s = b.worker->shard().sessions().findByClientId("dev-2");
    REQUIRE(s);
    CHECK_FALSE(s->connected());
    CHECK(channelOf(*s) == nullptr);
}

TEST_CASE("channel: a CONNECT whose session lives on another worker moves there", "[core][channel]") {
    Broker b(2);
    b.ctx.locator.claim("dev-1", 1);
    FakeConnection& c = b.connect("dev-1");
    CHECK(c.received().empty());  // nothing answered here
    CHECK(c.channel.holdsInput());
    auto migration = c.channel.takeMigration();
    REQUIRE(migration);
    CHECK(migration->owner == 1);
    CHECK(migration->hops == 1);
    CHECK(migration->connect.client_id == "dev-1");
}

TEST_CASE("channel: a CONNECT that moved three times and still missed its owner gets ServerBusy", "[core][channel]") {
    // The owner changed under every move (sessions of the id ending and starting
    // meanwhile): a session opened here would be a second one for the id.
    Broker b(2);
    b.ctx.locator.claim("dev-1", 1);
    FakeConnection& c = b.open();
    c.channel.handleMigratedConnect(connectPacket("dev-1", ProtocolVersion::V5, true), 3, false);
    CHECK(only<mqtt::Connack>(c.received()).reason == ReasonCode::ServerBusy);
    CHECK(c.closed());
    CHECK(c.reason() == ShutdownReason::ServerBusy);
    CHECK_FALSE(c.channel.takeMigration());
    CHECK(b.worker->shard().sessions().count() == 0);

    SECTION("two moves are still followed") {
        FakeConnection& d = b.open();
        d.channel.handleMigratedConnect(connectPacket("dev-1", ProtocolVersion::V5, true), 2, false);
        auto migration = d.channel.takeMigration();
        REQUIRE(migration);
        CHECK(migration->hops == 3);
    }
}

TEST_CASE("channel: a SUBSCRIBE and an UNSUBSCRIBE change the router once each, whatever their filter count",
          "[core][channel]") {
    Broker b;
    FakeConnection& c = b.connect("many");
    c.received();
    mqtt::Subscribe s = subscribe("a/1", 0);
    for (const char* filter : {"a/+", "$share/g/a/2", "a/#"})
        s.subscriptions.push_back(subscribe(filter, 0).subscriptions[0]);
    uint64_t before = b.ctx.router.generation();
    Broker::send(c, s);
    CHECK(only<mqtt::Suback>(c.received()).reasons.size() == 4);
    CHECK(b.ctx.router.generation() == before + 1);
    CHECK(b.ctx.router.subscriptions().value() == 4);

    mqtt::Unsubscribe u;
    u.packet_id = 2;
    u.filters = {"a/1", "a/+"};
    before = b.ctx.router.generation();
    Broker::send(c, u);
    CHECK(only<mqtt::Unsuback>(c.received()).reasons.size() == 2);
    CHECK(b.ctx.router.generation() == before + 1);
    CHECK(b.ctx.router.subscriptions().value() == 2);

    // The session's end takes its remaining routes out the same way.
    before = b.ctx.router.generation();
    Broker::send(c, mqtt::Disconnect{});
    CHECK(b.ctx.router.generation() == before + 1);
    CHECK(b.ctx.router.subscriptions().value() == 0);
}
