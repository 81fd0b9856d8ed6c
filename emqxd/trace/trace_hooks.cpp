#include "emqxd/trace/trace_hooks.h"

#include "common/trace/trace_format.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/trace/trace_registry.h"

namespace emqx::trace {

namespace {

// The client id an event is about: the channel's, or before CONNECT was
// accepted the one the CONNECT carries.
std::string_view clientOf(const Channel& ch, const mqtt::Packet* p) {
    if (p)
        if (auto* c = std::get_if<mqtt::Connect>(p)) return c->client_id;
    return ch.clientId();
}

// The topic a packet is about, for topic traces: a PUBLISH's topic (a
// SUBSCRIBE/UNSUBSCRIBE is matched by its first filter, below).
std::string_view topicOf(const mqtt::Packet& p) {
    if (auto* pub = std::get_if<mqtt::Publish>(&p)) return pub->topic;
    return {};
}

using Kind = Field::Kind;

void emitPacket(const BrokerContext& ctx, const Channel& ch, const mqtt::Packet& p, std::string_view msg) {
    const auto& reg = *ctx.traces;
    std::string_view client = clientOf(ch, &p);
    std::string_view topic = topicOf(p);
    if (auto* s = std::get_if<mqtt::Subscribe>(&p); s && !s->subscriptions.empty()) topic = s->subscriptions.front().filter;
    if (auto* u = std::get_if<mqtt::Unsubscribe>(&p); u && !u->filters.empty()) topic = u->filters.front();
    // The line is built only when a trace takes it.
    if (!reg.wants(Level::Debug, client, ch.peer(), topic)) return;
    reg.emit({Level::Debug, client, ch.peer(), topic, msg, {{"packet", describePacket(p)}}});
}

}  // namespace

void packetIn(const BrokerContext& ctx, const Channel& ch, const mqtt::Packet& p) {
    emitPacket(ctx, ch, p, "mqtt_packet_received");
}

void packetOut(const BrokerContext& ctx, const Channel& ch, const mqtt::Packet& p) {
    emitPacket(ctx, ch, p, "mqtt_packet_sent");
}

void publishOut(const BrokerContext& ctx, const Channel& ch, const Message& m, uint8_t qos, uint16_t packet_id,
                bool dup, bool retain) {
    if (!ctx.traces->wants(Level::Debug, ch.clientId(), ch.peer(), m.topic)) return;
    ctx.traces->emit({Level::Debug, ch.clientId(), ch.peer(), m.topic, "mqtt_packet_sent",
                      {{"packet", describePublish(m.topic, m.payload, qos, retain, dup, packet_id)}}});
}

void connected(const BrokerContext& ctx, const Channel& ch) {
    const auto& reg = *ctx.traces;
    if (!reg.wants(Level::Info, ch.clientId(), ch.peer(), {})) return;
    Field username = ch.username().empty() ? Field{"username", "undefined"}
                                           : Field{"username", ch.username(), Kind::ClientBytes};
    reg.emit({Level::Info, ch.clientId(), ch.peer(), {}, "authenticate",
              {{"result", "anonymous (no authenticator configured)"}, std::move(username)}});
    reg.emit({Level::Info, ch.clientId(), ch.peer(), {}, "client_connected",
              {{"proto_ver", static_cast<int>(ch.protoVer())},
               {"clean_start", ch.cleanStart()},
               {"keepalive", ch.keepalive()}}});
}

void authorized(const BrokerContext& ctx, std::string_view clientid, std::string_view peer, authz::Action action,
                std::string_view topic, const authz::Decision& decision) {
    if (decision.allow || !ctx.traces->wants(Level::Info, clientid, peer, topic)) return;
    ctx.traces->emit({Level::Info, clientid, peer, topic, "authorization_permission_denied",
                      {{"action", action == authz::Action::Publish ? "publish" : "subscribe"},
                       {"topic", topic, Kind::ClientBytes},
                       {"reason", decision.describe()}}});
}

void willDenied(const BrokerContext& ctx, std::string_view clientid, std::string_view peer, std::string_view topic,
                std::string_view why) {
    if (!ctx.traces->wants(Level::Warning, clientid, peer, topic)) return;
    ctx.traces->emit({Level::Warning, clientid, peer, topic, "last_will_testament_publish_denied",
                      {{"topic", topic, Kind::ClientBytes}, {"reason", why}}});
}

void closed(const BrokerContext& ctx, const Channel& ch, ShutdownReason reason) {
    if (!ctx.traces->wants(Level::Info, ch.clientId(), ch.peer(), {})) return;
    ctx.traces->emit({Level::Info, ch.clientId(), ch.peer(), {}, "client_disconnected",
                      {{"reason", shutdownReasonName(reason)}}});
}

void DropTracer::onDrop(const Session& s, DropReason reason, const Message* msg) {
    if (!ctx_.tracing()) return;
    std::string peer;
    if (auto* ch = dynamic_cast<const Channel*>(s.sink())) peer = ch->peer();
    std::string_view topic = msg ? std::string_view(msg->topic) : std::string_view();
    if (!ctx_.traces->wants(Level::Warning, s.clientId(), peer, topic)) return;
    Event e{Level::Warning, s.clientId(), peer, topic, "delivery_dropped", {{"reason", dropReasonName(reason)}}};
    if (msg) {
        e.fields.push_back({"topic", msg->topic, Kind::ClientBytes});
        e.fields.push_back({"payload", msg->payload, Kind::Payload});
    }
    ctx_.traces->emit(e);
}

}  // namespace emqx::trace
