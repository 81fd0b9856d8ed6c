#include "emqxd/protocol/client_events.h"

#include <nlohmann/json.hpp>

#include "emqxd/net/connection.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/protocol/sys_message.h"
#include "emqxd/worker/worker.h"

namespace emqx {

namespace {

// "127.0.0.1:5555" -> "127.0.0.1"; "[::1]:5555" -> "::1"
std::string ipOf(const std::string& peer) {
    auto colon = peer.rfind(':');
    std::string host = colon == std::string::npos ? peer : peer.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return host;
}

}  // namespace

void publishClientEvent(Worker& worker, const Channel& channel, bool connected, ShutdownReason reason) {
    const auto& events = worker.ctx().cfg.sys_topics.sys_event_messages;
    if (connected ? !events.client_connected : !events.client_disconnected) return;
    int64_t now = Worker::wallMs();
    nlohmann::json j;
    j["clientid"] = channel.clientId();
    j["username"] = channel.username().empty() ? nlohmann::json(nullptr) : nlohmann::json(channel.username());
    j["ipaddress"] = ipOf(channel.peer());
    j["proto_name"] = channel.protoVer() == mqtt::ProtocolVersion::V31 ? "MQIsdp" : "MQTT";
    j["proto_ver"] = static_cast<int>(channel.protoVer());
    if (connected) {
        j["keepalive"] = channel.keepalive();
        j["clean_start"] = channel.cleanStart();
        j["connected_at"] = now;
        j["ts"] = now;
    } else {
        j["reason"] = std::string(shutdownReasonName(reason));
        j["disconnected_at"] = now;
        j["ts"] = now;
    }
    std::string topic = "$SYS/brokers/" + worker.ctx().cfg.node.name + "/clients/" + channel.clientId() +
                        (connected ? "/connected" : "/disconnected");
    worker.publish(makeSysMessage(std::move(topic), j.dump(), false));
}

}  // namespace emqx
