#include "emqxd/trace/trace_hooks.h"

#include "common/trace/trace_format.h"
#include "emqxd/session/session.h"
#include "emqxd/trace/trace_registry.h"

namespace emqx::trace {

namespace {

using Kind = Field::Kind;

// The client id an event is about: the client's, or before CONNECT was
// accepted the one the CONNECT carries.
std::string_view clientOf(const hooks::ClientView& ch, const mqtt::Packet& p) {
    if (auto* c = std::get_if<mqtt::Connect>(&p)) return c->client_id;
    return ch.clientId();
}

// The topic a packet is about, for topic traces: a PUBLISH's topic, a
// SUBSCRIBE's or UNSUBSCRIBE's first filter.
std::string_view topicOf(const mqtt::Packet& p) {
    if (auto* pub = std::get_if<mqtt::Publish>(&p)) return pub->topic;
    if (auto* s = std::get_if<mqtt::Subscribe>(&p); s && !s->subscriptions.empty())
        return s->subscriptions.front().filter;
    if (auto* u = std::get_if<mqtt::Unsubscribe>(&p); u && !u->filters.empty()) return u->filters.front();
    return {};
}

void packet(const TraceRegistry& reg, const hooks::ClientView& ch, const mqtt::Packet& p, std::string_view msg) {
    std::string_view client = clientOf(ch, p);
    std::string_view topic = topicOf(p);
    // The line is built only when a trace takes it.
    if (!reg.wants(Level::Debug, client, ch.peer(), topic)) return;
    reg.emit({Level::Debug, client, ch.peer(), topic, msg, {{"packet", describePacket(p)}}});
}

void delivered(const TraceRegistry& reg, const hooks::MessageDelivered& e) {
    const hooks::ClientView& ch = e.client;
    const Message& m = e.message;
    if (!reg.wants(Level::Debug, ch.clientId(), ch.peer(), m.topic)) return;
    reg.emit({Level::Debug,
              ch.clientId(),
              ch.peer(),
              m.topic,
              "mqtt_packet_sent",
              {{"packet", describePublish(m.topic, m.payload, e.qos, e.retain, e.dup, e.packet_id)}}});
}

// The authentication result and the connection's properties.
void connected(const TraceRegistry& reg, const hooks::ClientView& ch) {
    if (!reg.wants(Level::Info, ch.clientId(), ch.peer(), {})) return;
    Field username = ch.username().empty() ? Field{"username", "undefined"}
                                           : Field{"username", ch.username(), Kind::ClientBytes};
    reg.emit({Level::Info,
              ch.clientId(),
              ch.peer(),
              {},
              "authenticate",
              {{"result", "anonymous (no authenticator configured)"}, std::move(username)}});
    reg.emit({Level::Info,
              ch.clientId(),
              ch.peer(),
              {},
              "client_connected",
              {{"proto_ver", static_cast<int>(ch.protoVer())},
               {"clean_start", ch.cleanStart()},
               {"keepalive", ch.keepalive()}}});
}

void disconnected(const TraceRegistry& reg, const hooks::ClientDisconnected& e) {
    const hooks::ClientView& ch = e.client;
    if (!reg.wants(Level::Info, ch.clientId(), ch.peer(), {})) return;
    reg.emit(
        {Level::Info, ch.clientId(), ch.peer(), {}, "client_disconnected", {{"reason", shutdownReasonName(e.reason)}}});
}

// A denial (EMQX's authorization_permission_denied), with what made it.
// Allowed requests are not traced: a trace shows the packets for them.
void authorized(const TraceRegistry& reg, const hooks::ClientAuthorize& e) {
    const hooks::ClientView& ch = e.client;
    if (e.decision.allow || !reg.wants(Level::Info, ch.clientId(), ch.peer(), e.topic)) return;
    reg.emit({Level::Info,
              ch.clientId(),
              ch.peer(),
              e.topic,
              "authorization_permission_denied",
              {{"action", e.action == authz::Action::Publish ? "publish" : "subscribe"},
               {"topic", e.topic, Kind::ClientBytes},
               {"reason", e.decision.describe()}}});
}

void willRefused(const TraceRegistry& reg, const hooks::MessageDropped& e) {
    if (e.reason != hooks::MessageDropReason::WillRefused) return;
    if (!reg.wants(Level::Warning, e.publisher, e.peer, e.topic)) return;
    reg.emit({Level::Warning,
              e.publisher,
              e.peer,
              e.topic,
              "last_will_testament_publish_denied",
              {{"topic", e.topic, Kind::ClientBytes}, {"reason", e.detail}}});
}

void deliveryDropped(const TraceRegistry& reg, const hooks::DeliveryDropped& e) {
    const Session& s = e.session;
    const std::string& peer = s.sink() ? s.sink()->peer() : std::string();
    std::string_view topic = e.message ? std::string_view(e.message->topic) : std::string_view();
    if (!reg.wants(Level::Warning, s.clientId(), peer, topic)) return;
    Event line{Level::Warning, s.clientId(), peer, topic, "delivery_dropped", {{"reason", dropReasonName(e.reason)}}};
    if (e.message) {
        line.fields.push_back({"topic", e.message->topic, Kind::ClientBytes});
        line.fields.push_back({"payload", e.message->payload, Kind::Payload});
    }
    reg.emit(line);
}

}  // namespace

void subscribe(hooks::HookBus& bus, TraceRegistry& traces) {
    using namespace hooks;
    const TraceRegistry& reg = traces;
    Switch* on = &traces.activity();
    constexpr int p = kPriorityHighest;
    bus.add<PacketReceived>(
        p, [&reg](const PacketReceived& e) { packet(reg, e.client, e.packet, "mqtt_packet_received"); }, on);
    bus.add<PacketSent>(
        p, [&reg](const PacketSent& e) { packet(reg, e.client, e.packet, "mqtt_packet_sent"); }, on);
    bus.add<MessageDelivered>(
        p, [&reg](const MessageDelivered& e) { delivered(reg, e); }, on);
    bus.add<ClientConnected>(
        p, [&reg](const ClientConnected& e) { connected(reg, e.client); }, on);
    bus.add<ClientDisconnected>(
        p, [&reg](const ClientDisconnected& e) { disconnected(reg, e); }, on);
    bus.add<ClientAuthorize>(
        p, [&reg](const ClientAuthorize& e) { authorized(reg, e); }, on);
    bus.add<MessageDropped>(
        p, [&reg](const MessageDropped& e) { willRefused(reg, e); }, on);
    bus.add<DeliveryDropped>(
        p, [&reg](const DeliveryDropped& e) { deliveryDropped(reg, e); }, on);
}

}  // namespace emqx::trace
