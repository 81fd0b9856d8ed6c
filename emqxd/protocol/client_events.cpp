#include "emqxd/protocol/client_events.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "common/clock/wall_clock.h"
#include "common/net/peer_address.h"
#include "emqxd/protocol/sys_message.h"
#include "emqxd/shard/broker_shard.h"

namespace emqx {

namespace {

// The listener's port: "0.0.0.0:1883", "[::]:1883" and "1883" -> 1883.
int sockPort(std::string_view bind) {
    if (auto colon = bind.rfind(':'); colon != std::string_view::npos) bind.remove_prefix(colon + 1);
    int port = 0;
    std::from_chars(bind.data(), bind.data() + bind.size(), port);
    return port;
}

void publishClientEvent(const config::BrokerConfig& cfg, BrokerShard& shard, const hooks::ClientView& client,
                        bool connected, ShutdownReason reason) {
    int64_t now = wallClockMs();
    nlohmann::json j;
    j["clientid"] = client.clientId();
    j["username"] = client.username().empty() ? nlohmann::json(nullptr) : nlohmann::json(client.username());
    j["ipaddress"] = std::string(net::peerHost(client.peer()));
    j["sockport"] = sockPort(client.listenerBind());
    j["protocol"] = "mqtt";
    j["proto_name"] = client.protoVer() == mqtt::ProtocolVersion::V31 ? "MQIsdp" : "MQTT";
    j["proto_ver"] = static_cast<int>(client.protoVer());
    j["connected_at"] = client.connectedAtMs();
    j["ts"] = now;
    if (connected) {
        j["keepalive"] = client.keepalive();
        j["clean_start"] = client.cleanStart();
        j["expiry_interval"] = client.expiryIntervalMs();
    } else {
        j["reason"] = std::string(disconnectedEventReason(reason));
        j["disconnected_at"] = now;
    }
    std::string topic = "$SYS/brokers/" + cfg.node.name + "/clients/" + client.clientId() +
                        (connected ? "/connected" : "/disconnected");
    shard.publish(makeSysMessage(std::move(topic), j.dump(), false));
}

}  // namespace

std::string_view disconnectedEventReason(ShutdownReason reason) {
    return reason == ShutdownReason::Closed ? "tcp_closed" : shutdownReasonName(reason);
}

void subscribeClientEvents(hooks::HookBus& bus, const config::BrokerConfig& cfg) {
    const auto& events = cfg.sys_topics.sys_event_messages;
    if (events.client_connected)
        bus.add<hooks::ClientConnected>(hooks::kPrioritySysMsgs, [&cfg](const hooks::ClientConnected& e) {
            publishClientEvent(cfg, e.shard, e.client, true, ShutdownReason::Normal);
        });
    if (events.client_disconnected)
        bus.add<hooks::ClientDisconnected>(hooks::kPrioritySysMsgs, [&cfg](const hooks::ClientDisconnected& e) {
            publishClientEvent(cfg, e.shard, e.client, false, e.reason);
        });
}

}  // namespace emqx
