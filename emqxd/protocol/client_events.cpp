#include "emqxd/protocol/client_events.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "common/clock/wall_clock.h"
#include "common/net/peer_address.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/protocol/connection_port.h"
#include "emqxd/protocol/sys_message.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/worker/worker.h"

namespace emqx {

namespace {

// The listener's port: "0.0.0.0:1883", "[::]:1883" and "1883" -> 1883.
int sockPort(std::string_view bind) {
    if (auto colon = bind.rfind(':'); colon != std::string_view::npos) bind.remove_prefix(colon + 1);
    int port = 0;
    std::from_chars(bind.data(), bind.data() + bind.size(), port);
    return port;
}

void publishClientEvent(const config::BrokerConfig& cfg, Worker& worker, const Channel& channel, bool connected,
                        ShutdownReason reason) {
    const ConnectionPort& conn = channel.connection();
    int64_t now = wallClockMs();
    nlohmann::json j;
    j["clientid"] = channel.clientId();
    j["username"] = channel.username().empty() ? nlohmann::json(nullptr) : nlohmann::json(channel.username());
    j["ipaddress"] = std::string(net::peerHost(channel.peer()));
    j["sockport"] = sockPort(conn.listenerConfig().bind);
    j["protocol"] = "mqtt";
    j["proto_name"] = channel.protoVer() == mqtt::ProtocolVersion::V31 ? "MQIsdp" : "MQTT";
    j["proto_ver"] = static_cast<int>(channel.protoVer());
    j["connected_at"] = conn.connectedAtMs();
    j["ts"] = now;
    if (connected) {
        j["keepalive"] = channel.keepalive();
        j["clean_start"] = channel.cleanStart();
        const Session* session = channel.session();
        j["expiry_interval"] = session ? static_cast<int64_t>(session->expiry_interval_s) * 1000 : 0;
    } else {
        j["reason"] = std::string(disconnectedEventReason(reason));
        j["disconnected_at"] = now;
    }
    std::string topic = "$SYS/brokers/" + cfg.node.name + "/clients/" + channel.clientId() +
                        (connected ? "/connected" : "/disconnected");
    worker.shard().publish(makeSysMessage(std::move(topic), j.dump(), false));
}

}  // namespace

std::string_view disconnectedEventReason(ShutdownReason reason) {
    return reason == ShutdownReason::Closed ? "tcp_closed" : shutdownReasonName(reason);
}

void subscribeClientEvents(hooks::HookBus& bus, const config::BrokerConfig& cfg) {
    const auto& events = cfg.sys_topics.sys_event_messages;
    if (events.client_connected)
        bus.add<hooks::ClientConnected>(hooks::kPrioritySysMsgs, [&cfg](const hooks::ClientConnected& e) {
            publishClientEvent(cfg, e.worker, e.channel, true, ShutdownReason::Normal);
        });
    if (events.client_disconnected)
        bus.add<hooks::ClientDisconnected>(hooks::kPrioritySysMsgs, [&cfg](const hooks::ClientDisconnected& e) {
            publishClientEvent(cfg, e.worker, e.channel, false, e.reason);
        });
}

}  // namespace emqx
