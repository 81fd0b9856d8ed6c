#include "emqxd/http/client_view.h"

#include "common/net/peer_address.h"
#include "common/trace/trace_format.h"

namespace emqx::http {

namespace {

using ctl::Json;

std::string text(const Json& row, const char* key) {
    auto it = row.find(key);
    return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json date(const Json& ms) { return ms.is_number() ? Json(trace::isoTimestamp(ms.get<int64_t>())) : Json(nullptr); }

// EMQX shows an unlimited maximum as "infinity".
Json limit(unsigned v) { return v == 0 ? Json("infinity") : Json(v); }

}  // namespace

std::optional<Json> clientListArgs(const QueryParams& q, std::string_view this_node, bool& other_node,
                                   std::string& error) {
    Json args = Json::object();
    other_node = false;
    for (const auto& [name, value] : q) {
        if (name == "clientid" || name == "username") {
            if (!args.contains(name)) args[name] = Json::array();
            args[name].push_back(value);
        } else if (name == "like_clientid") args["match"] = value;
        else if (name == "like_username" || name == "ip_address" || name == "conn_state") args[name] = value;
        else if (name == "node") other_node = value != this_node;
        else if (name == "clean_start" || name == "proto_ver" || name == "gte_created_at" || name == "lte_created_at" ||
                 name == "gte_connected_at" || name == "lte_connected_at" || name == "fields") {
            error = name + ": this filter is not available yet (docs/http-api.md)";
            return std::nullopt;
        }
    }
    return args;
}

Json emqxClient(const Json& row, const config::MqttConfig& mqtt, std::string_view node) {
    std::string peer = text(row, "peername");
    std::string port(net::peerPort(peer));
    bool connected = row.value("connected", false);
    Json c = {
        {"clientid", row.value("clientid", "")},
        {"username", row.value("username", Json(nullptr))},
        {"node", node},
        {"ip_address", peer.empty() ? Json(nullptr) : Json(std::string(net::peerHost(peer)))},
        {"port", port.empty() ? Json(nullptr) : Json(std::stoi(port))},
        {"listener", row.value("listener", Json(nullptr))},
        {"proto_name", "MQTT"},
        {"proto_ver", row.value("proto_ver", Json(nullptr))},
        {"clean_start", row.value("clean_start", false)},
        {"keepalive", row.value("keepalive", 0)},
        {"expiry_interval", row.value("session_expiry_interval", 0)},
        {"connected", connected},
        {"created_at", date(row.value("created_at", Json(nullptr)))},
        {"connected_at", date(row.value("connected_at", Json(nullptr)))},
        {"subscriptions_cnt", row.value("subscriptions", 0)},
        {"subscriptions_max", limit(mqtt.max_subscriptions)},
        {"inflight_cnt", row.value("inflight", 0)},
        {"inflight_max", mqtt.max_inflight},
        {"mqueue_len", row.value("mqueue_len", 0)},
        {"mqueue_max", limit(mqtt.max_mqueue_len)},
        {"mqueue_dropped", row.value("mqueue_dropped", 0)},
        {"awaiting_rel_cnt", row.value("awaiting_rel", 0)},
        {"awaiting_rel_max", mqtt.max_awaiting_rel},
        {"is_bridge", false},
        {"is_persistent", false},
        {"durable", false},
        {"is_expired", false},
        {"mountpoint", nullptr},
    };
    if (!connected) c["disconnected_at"] = date(row.value("disconnected_at", Json(nullptr)));
    return c;
}

}  // namespace emqx::http
