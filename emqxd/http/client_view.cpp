#include "emqxd/http/client_view.h"

#include <arpa/inet.h>

#include <algorithm>

#include "common/net/peer_address.h"
#include "common/trace/trace_format.h"

namespace emqx::http {

namespace {

using ctl::Json;

bool isIpAddress(const std::string& s) {
    unsigned char buf[sizeof(in6_addr)];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

std::string text(const Json& row, const char* key) {
    auto it = row.find(key);
    return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Json date(const Json& ms) { return ms.is_number() ? Json(trace::isoTimestamp(ms.get<int64_t>())) : Json(nullptr); }

// EMQX shows an unlimited maximum as "infinity".
Json limit(unsigned v) { return v == 0 ? Json("infinity") : Json(v); }

}  // namespace

std::optional<ClientFilter> parseClientFilter(const QueryParams& q, std::string_view this_node, std::string& error) {
    ClientFilter f;
    for (const auto& [name, value] : q) {
        if (name == "clientid") f.clientids.push_back(value);
        else if (name == "username") f.usernames.push_back(value);
        else if (name == "like_clientid") f.like_clientid = value;
        else if (name == "like_username") f.like_username = value;
        else if (name == "node") f.other_node = value != this_node;
        else if (name == "ip_address") {
            if (!isIpAddress(value)) {
                error = "the ip_address parameter expected type is ip, but the value is " + value;
                return std::nullopt;
            }
            f.ip_address = value;
        } else if (name == "conn_state") {
            if (value != "connected" && value != "idle" && value != "disconnected") {
                error = "conn_state: expected connected, idle or disconnected, got \"" + value + "\"";
                return std::nullopt;
            }
            f.conn_state = value;
        } else if (name == "clean_start" || name == "proto_ver" || name == "gte_created_at" ||
                   name == "lte_created_at" || name == "gte_connected_at" || name == "lte_connected_at" ||
                   name == "fields") {
            error = name + ": this filter is not available yet (docs/http-api.md)";
            return std::nullopt;
        }
    }
    return f;
}

bool clientMatches(const ClientFilter& f, const Json& row) {
    if (f.other_node) return false;
    std::string id = text(row, "clientid");
    std::string user = text(row, "username");
    if (!f.clientids.empty() && std::find(f.clientids.begin(), f.clientids.end(), id) == f.clientids.end())
        return false;
    if (!f.usernames.empty() && std::find(f.usernames.begin(), f.usernames.end(), user) == f.usernames.end())
        return false;
    if (!f.like_clientid.empty() && id.find(f.like_clientid) == std::string::npos) return false;
    if (!f.like_username.empty() && user.find(f.like_username) == std::string::npos) return false;
    if (!f.ip_address.empty() && net::peerHost(text(row, "peername")) != f.ip_address) return false;
    if (!f.conn_state.empty()) {
        // A session exists from CONNECT on: no row is ever idle (before CONNECT).
        bool connected = row.value("connected", false);
        if (f.conn_state != (connected ? "connected" : "disconnected")) return false;
    }
    return true;
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
