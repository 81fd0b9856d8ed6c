// The config key table. To add a key: add a field to broker_config.h, a row
// here, and regenerate etc/emqx.toml (unit_tests "[.regen-config]").
#include "common/config/config_keys.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <limits>
#include <type_traits>

#include "common/config/value_parsers.h"

namespace emqx::config {
namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kKB = 1024;
constexpr int64_t kMB = 1024 * kKB;
constexpr int64_t kGB = 1024 * kMB;
constexpr int64_t kU32Max = std::numeric_limits<uint32_t>::max();

// ---- binding a key to a BrokerConfig / ListenerConfig field ----------------

template <class R, class M>
decltype(auto) follow(R& root, M member) {
    return (root.*member);
}
template <class R, class M, class... Ms>
decltype(auto) follow(R& root, M member, Ms... rest) {
    return follow(root.*member, rest...);
}

template <class T>
void assign(T& field, const Value& v) {
    if constexpr (std::is_same_v<T, bool>) field = std::get<bool>(v);
    else if constexpr (std::is_same_v<T, std::string>) field = std::get<std::string>(v);
    else if constexpr (std::is_floating_point_v<T>) field = static_cast<T>(std::get<double>(v));
    else field = static_cast<T>(std::get<int64_t>(v));  // bounds are checked against storage_max by a test
}

template <class T>
Value toValue(const T& field) {
    if constexpr (std::is_same_v<T, bool>) return field;
    else if constexpr (std::is_same_v<T, std::string>) return field;
    else if constexpr (std::is_floating_point_v<T>) return static_cast<double>(field);
    else return static_cast<int64_t>(field);
}

template <class T>
int64_t storageMax() {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        if constexpr (std::numeric_limits<T>::max() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return std::numeric_limits<int64_t>::max();
        else return static_cast<int64_t>(std::numeric_limits<T>::max());
    } else {
        return 0;
    }
}

struct Binding {
    Setter set;
    Getter get;
    int64_t storage_max = 0;
};

// A field of BrokerConfig: at(&BrokerConfig::mqtt, &MqttConfig::max_inflight).
template <class... Ms>
Binding at(Ms... members) {
    using T = std::remove_cvref_t<decltype(follow(std::declval<BrokerConfig&>(), members...))>;
    return {[=](BrokerConfig& c, ListenerConfig*, const Value& v) { assign(follow(c, members...), v); },
            [=](const BrokerConfig& c, const ListenerConfig*) { return toValue(follow(c, members...)); },
            storageMax<T>()};
}

// A field of ListenerConfig: lat(&ListenerConfig::tcp_options, &TcpOptions::nodelay).
template <class... Ms>
Binding lat(Ms... members) {
    using T = std::remove_cvref_t<decltype(follow(std::declval<ListenerConfig&>(), members...))>;
    return {[=](BrokerConfig&, ListenerConfig* l, const Value& v) { assign(follow(*l, members...), v); },
            [=](const BrokerConfig&, const ListenerConfig* l) { return toValue(follow(*l, members...)); },
            storageMax<T>()};
}

// Same, with the value held in seconds while the key is a duration (ms).
template <class... Ms>
Binding atSeconds(Ms... members) {
    Binding b = at(members...);
    Setter set = b.set;
    Getter get = b.get;
    b.set = [set](BrokerConfig& c, ListenerConfig* l, const Value& v) { set(c, l, std::get<int64_t>(v) / kSecond); };
    b.get = [get](const BrokerConfig& c, const ListenerConfig* l) -> Value {
        return std::get<int64_t>(get(c, l)) * kSecond;
    };
    b.storage_max = b.storage_max > std::numeric_limits<int64_t>::max() / kSecond ? std::numeric_limits<int64_t>::max()
                                                                                  : b.storage_max * kSecond;
    return b;
}

// A percentage key ("80%") held as its number (80.0).
template <class... Ms>
Binding atPercent(Ms... members) {
    Binding b = at(members...);
    Setter set = b.set;
    Getter get = b.get;
    b.set = [set](BrokerConfig& c, ListenerConfig* l, const Value& v) {
        set(c, l, *parsePercent(std::get<std::string>(v)));
    };
    b.get = [get](const BrokerConfig& c, const ListenerConfig* l) -> Value {
        std::string number = std::to_string(std::get<double>(get(c, l)));
        number.erase(number.find_last_not_of('0') + 1);
        if (number.back() == '.') number.pop_back();
        return number + "%";
    };
    return b;
}

// ---- row builders -----------------------------------------------------------

KeyDef row(std::string path, KeyType type, std::string def, std::string doc, Binding b) {
    KeyDef k;
    k.path = std::move(path);
    k.type = type;
    k.default_text = std::move(def);
    k.doc = std::move(doc);
    k.set = std::move(b.set);
    k.get = std::move(b.get);
    k.storage_max = b.storage_max;
    return k;
}

KeyDef boolKey(std::string path, std::string def, std::string doc, Binding b) {
    return row(std::move(path), KeyType::Bool, std::move(def), std::move(doc), std::move(b));
}

KeyDef intKey(std::string path, std::string def, int64_t min, int64_t max, std::string doc, Binding b,
              std::vector<std::pair<std::string, int64_t>> specials = {}) {
    KeyDef k = row(std::move(path), KeyType::Integer, std::move(def), std::move(doc), std::move(b));
    k.min = min;
    k.max = max;
    k.specials = std::move(specials);
    return k;
}

KeyDef durationKey(std::string path, std::string def, int64_t min, int64_t max, std::string doc, Binding b,
                   std::vector<std::pair<std::string, int64_t>> specials = {}) {
    KeyDef k = row(std::move(path), KeyType::Duration, std::move(def), std::move(doc), std::move(b));
    k.min = min;
    k.max = max;
    k.specials = std::move(specials);
    return k;
}

KeyDef sizeKey(std::string path, std::string def, int64_t min, int64_t max, std::string doc, Binding b) {
    KeyDef k = row(std::move(path), KeyType::Size, std::move(def), std::move(doc), std::move(b));
    k.min = min;
    k.max = max;
    return k;
}

KeyDef stringKey(std::string path, std::string def, std::string doc, Binding b, StringCheck check = {}) {
    KeyDef k = row(std::move(path), KeyType::String, std::move(def), std::move(doc), std::move(b));
    k.check = std::move(check);
    return k;
}

KeyDef enumKey(std::string path, std::string def, std::vector<std::string> words, std::string doc, Binding b) {
    KeyDef k = row(std::move(path), KeyType::Enum, std::move(def), std::move(doc), std::move(b));
    k.words = std::move(words);
    return k;
}

KeyDef floatKey(std::string path, std::string def, double above, std::string doc, Binding b) {
    KeyDef k = row(std::move(path), KeyType::Float, std::move(def), std::move(doc), std::move(b));
    k.float_above = above;
    return k;
}

// A key whose value is never read back (EMQX's sensitive fields).
KeyDef secret(KeyDef k) {
    k.secret = true;
    return k;
}

// ---- string checks ------------------------------------------------------------

std::string nonEmpty(std::string& s) { return s.empty() ? "a non-empty string" : ""; }

bool nodePart(std::string_view s, bool host) {
    if (s.empty()) return false;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                  (host && (c == '.' || c == ':'));
        if (!ok) return false;
    }
    return true;
}

std::string nodeName(std::string& s) {
    auto at = s.find('@');
    bool ok = at != std::string::npos && s.find('@', at + 1) == std::string::npos &&
              nodePart(std::string_view(s).substr(0, at), false) && nodePart(std::string_view(s).substr(at + 1), true);
    return ok ? "" : "a node name like emqx@127.0.0.1";
}

// "0.0.0.0:1883", "[::]:1883", "1883" (-> "0.0.0.0:1883"). Port 0..65535.
std::string bindAddress(std::string& s) {
    const std::string expected = "an address like 0.0.0.0:1883";
    std::string host = "0.0.0.0";
    std::string port = s;
    if (auto colon = s.rfind(':'); colon != std::string::npos) {
        host = s.substr(0, colon);
        port = s.substr(colon + 1);
        if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
            in6_addr a6{};
            if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &a6) != 1) return expected;
        } else {
            in_addr a4{};
            if (inet_pton(AF_INET, host.c_str(), &a4) != 1) return expected;
        }
    }
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return expected;
    if (std::stoi(port) > 65535) return expected;
    s = host + ":" + std::to_string(std::stoi(port));
    return "";
}

std::string percent(std::string& s) { return parsePercent(s) ? "" : "a percentage like \"80%\" (0% to 100%)"; }

KeyDef percentKey(std::string path, std::string def, std::string doc, Binding b) {
    return stringKey(std::move(path), std::move(def), std::move(doc), std::move(b), percent);
}

std::string topicFilter(std::string& s) {
    // Full filter validation happens on subscribe (the ${clientid} and
    // ${username} placeholders are replaced first); reject what can never work.
    if (s.empty() || s.find('\0') != std::string::npos) return "a topic filter like \"c/${clientid}\"";
    return "";
}

std::vector<std::string> logLevels() {
    return {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
}

// ---- the listener rows ------------------------------------------------------

// "infinity" or an amount per period ("1000/s", "10MB/s"); see parseRate.
StringCheck rate(bool bytes) {
    return [bytes](std::string& s) -> std::string {
        if (parseRate(s, bytes)) return "";
        return bytes ? "a rate like \"1MB/s\" or \"infinity\"" : "a rate like \"1000/s\" or \"infinity\"";
    };
}

// Keys every listener type has; `port` is the type's default port.
void addCommonListenerKeys(std::vector<KeyDef>& keys, const std::string& type, const std::string& port, bool enable) {
    const std::string p = "listeners." + type + ".*.";
    keys.push_back(
        boolKey(p + "enable", enable ? "true" : "false", "Start this listener", lat(&ListenerConfig::enable)));
    keys.push_back(stringKey(p + "bind", "0.0.0.0:" + port,
                             "Address and port to listen on; \"" + port + "\" means 0.0.0.0:" + port,
                             lat(&ListenerConfig::bind), bindAddress));
    keys.push_back(intKey(p + "max_connections", "1024000", 1, 100000000,
                          "Most concurrent connections this listener accepts", lat(&ListenerConfig::max_connections)));
    keys.push_back(stringKey(p + "max_conn_rate", "infinity",
                             "Most new connections accepted per period, e.g. \"1000/s\" (burst: one period's amount); "
                             "beyond it accepting pauses; infinity: no limit",
                             lat(&ListenerConfig::max_conn_rate), rate(false)));
    keys.push_back(
        stringKey(p + "messages_rate", "infinity",
                  "Per client: most PUBLISH packets read per period, e.g. \"1000/s\"; beyond it reading pauses",
                  lat(&ListenerConfig::messages_rate), rate(false)));
    keys.push_back(stringKey(p + "bytes_rate", "infinity",
                             "Per client: most bytes read per period, e.g. \"1MB/s\"; beyond it reading pauses",
                             lat(&ListenerConfig::bytes_rate), rate(true)));
}

// Socket options of the TCP-based types (tcp, ssl, ws, wss).
void addTcpOptionKeys(std::vector<KeyDef>& keys, const std::string& type) {
    const std::string p = "listeners." + type + ".*.tcp_options.";
    keys.push_back(boolKey(p + "nodelay", "true", "Set TCP_NODELAY (send small packets without delay)",
                           lat(&ListenerConfig::tcp_options, &TcpOptions::nodelay)));
    keys.push_back(intKey(p + "backlog", "1024", 1, 65535, "Length of the queue of connections waiting to be accepted",
                          lat(&ListenerConfig::tcp_options, &TcpOptions::backlog)));
    keys.push_back(durationKey(p + "send_timeout", "15s", 1, kDay, "How long a send may block before it times out",
                               lat(&ListenerConfig::tcp_options, &TcpOptions::send_timeout)));
    keys.push_back(boolKey(p + "send_timeout_close", "true", "Close the connection when a send times out",
                           lat(&ListenerConfig::tcp_options, &TcpOptions::send_timeout_close)));
    keys.push_back(sizeKey(
        p + "buffer", "0B", 0, kReadBufferLimit,
        "User-space buffer: the most bytes taken from the socket in one read; 0B: 64KB, the worker's read buffer",
        lat(&ListenerConfig::tcp_options, &TcpOptions::buffer)));
    keys.push_back(sizeKey(p + "sndbuf", "0B", 0, kGB, "Kernel send buffer (SO_SNDBUF); 0B keeps the OS default",
                           lat(&ListenerConfig::tcp_options, &TcpOptions::sndbuf)));
    keys.push_back(sizeKey(p + "recbuf", "0B", 0, kGB, "Kernel receive buffer (SO_RCVBUF); 0B keeps the OS default",
                           lat(&ListenerConfig::tcp_options, &TcpOptions::recbuf)));
}

// A comma-separated list whose every item is one of `words` (at least one item).
StringCheck wordList(std::vector<std::string> words) {
    return [words](std::string& s) -> std::string {
        std::string expected = "a list of";
        for (size_t i = 0; i < words.size(); ++i) expected += (i ? ", " : " ") + words[i];
        if (s.empty()) return expected;
        size_t start = 0;
        while (start <= s.size()) {
            size_t comma = s.find(',', start);
            std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (std::find(words.begin(), words.end(), item) == words.end()) return expected;
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        return "";
    };
}

// OpenSSL cipher names: letters, digits, '-', '_' (TLS 1.3 suites start with TLS_).
std::string cipherList(std::string& s) {
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == ','))
            return "a list of cipher names like [\"TLS_AES_256_GCM_SHA384\", \"ECDHE-RSA-AES256-GCM-SHA384\"]";
    return "";
}

std::string httpPath(std::string& s) {
    if (s.empty() || s[0] != '/' || s.find_first_of(" \t\r\n?#") != std::string::npos) return "a path like \"/mqtt\"";
    return "";
}

std::string headerName(std::string& s) {
    for (char& c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return "an HTTP header name like \"x-forwarded-for\" or \"\" (none)";
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return "";
}

// ssl_options under the prefix `p` ("listeners.ssl.*.ssl_options.",
// "dashboard.listeners.https.ssl_options."): `field(&SslOptions::certfile)`
// binds a row to that owner's SslOptions.
template <class Field>
void addSslOptionKeys(std::vector<KeyDef>& keys, const std::string& p, Field field) {
    keys.push_back(stringKey(p + "certfile", "",
                             "PEM file with the server certificate (and its chain); required when enabled",
                             field(&SslOptions::certfile)));
    keys.push_back(stringKey(p + "keyfile", "", "PEM file with the server's private key; required when enabled",
                             field(&SslOptions::keyfile)));
    keys.push_back(stringKey(p + "cacertfile", "",
                             "PEM file with the CA certificates that client certificates are checked against",
                             field(&SslOptions::cacertfile)));
    keys.push_back(enumKey(p + "verify", "verify_none", {"verify_none", "verify_peer"},
                           "verify_peer: ask for and check a client certificate", field(&SslOptions::verify)));
    keys.push_back(boolKey(p + "fail_if_no_peer_cert", "false",
                           "With verify_peer: refuse a client that sends no certificate",
                           field(&SslOptions::fail_if_no_peer_cert)));
    KeyDef versions = stringKey(p + "versions", "tlsv1.3,tlsv1.2", "TLS versions offered", field(&SslOptions::versions),
                                wordList({"tlsv1.3", "tlsv1.2"}));
    versions.string_list = true;
    keys.push_back(std::move(versions));
    KeyDef ciphers = stringKey(p + "ciphers", "",
                               "Cipher suites (OpenSSL names; TLS_* are TLS 1.3 suites); []: OpenSSL's defaults",
                               field(&SslOptions::ciphers), cipherList);
    ciphers.string_list = true;
    keys.push_back(std::move(ciphers));
    keys.push_back(boolKey(p + "reuse_sessions", "true",
                           "Allow session resumption (TLS 1.2 session cache, TLS 1.3 tickets)",
                           field(&SslOptions::reuse_sessions)));
    keys.push_back(durationKey(p + "handshake_timeout", "15s", 1, kDay,
                               "Close a connection whose TLS handshake takes longer",
                               field(&SslOptions::handshake_timeout)));
    keys.push_back(stringKey(p + "crlfile", "",
                             "PEM file with certificate revocation lists, checked when enable_crl_check",
                             field(&SslOptions::crlfile)));
    keys.push_back(boolKey(p + "enable_crl_check", "false",
                           "With verify_peer: refuse client certificates revoked by the CRLs in crlfile",
                           field(&SslOptions::enable_crl_check)));
}

// ssl_options of the TLS-based listener types (ssl, wss).
void addListenerSslOptionKeys(std::vector<KeyDef>& keys, const std::string& type) {
    addSslOptionKeys(keys, "listeners." + type + ".*.ssl_options.",
                     [](auto member) { return lat(&ListenerConfig::ssl_options, member); });
}

// dashboard.listeners.<scheme>: `bind_default` as written in the file ("0": off),
// `port` the one the doc line names; `field(&DashboardHttpConfig::bind)` binds a
// row to that listener's config.
template <class Field>
void addDashboardListenerKeys(std::vector<KeyDef>& keys, const std::string& scheme, const std::string& bind_default,
                              const std::string& port, bool over_tls, Field field) {
    using DH = DashboardHttpConfig;
    const std::string p = "dashboard.listeners." + scheme + ".";
    const std::string what = over_tls ? "the HTTP API over TLS" : "the HTTP API";
    keys.push_back(boolKey(p + "enable", "true", "Serve " + what + " (REST under /api/v5, /status, the dashboard)",
                           field(&DH::enable)));
    KeyDef bind = stringKey(p + "bind", bind_default,
                            "Address and port of " + what + "; \"" + port + "\" means 0.0.0.0:" + port + "; 0: off",
                            field(&DH::bind), bindAddress);
    bind.integer_text = true;
    keys.push_back(std::move(bind));
    keys.push_back(intKey(p + "max_connections", "512", 1, 1000000,
                          "Most concurrent " + scheme + " connections; one more is closed at once (and counted)",
                          field(&DH::max_connections)));
    keys.push_back(durationKey(p + "idle_timeout", "60s", 100, kDay,
                               "Ours (EMQX has no key): close a connection whose next request has not arrived "
                               "whole within this since it opened (over TLS: since its handshake) or since the "
                               "last response was written",
                               field(&DH::idle_timeout)));
}

// websocket options of the WebSocket types (ws, wss).
void addWebsocketKeys(std::vector<KeyDef>& keys, const std::string& type) {
    const std::string p = "listeners." + type + ".*.websocket.";
    keys.push_back(stringKey(p + "mqtt_path", "/mqtt", "HTTP path the WebSocket upgrade must ask for",
                             lat(&ListenerConfig::websocket, &WebsocketOptions::mqtt_path), httpPath));
    keys.push_back(sizeKey(p + "max_frame_size", "infinity", 0, 256 * kMB,
                           "Largest WebSocket frame or message accepted; infinity: mqtt.max_packet_size bounds it",
                           lat(&ListenerConfig::websocket, &WebsocketOptions::max_frame_size)));
    keys.back().specials = {{"infinity", 0}};
    keys.push_back(stringKey(p + "proxy_address_header", "x-forwarded-for",
                             "Header a proxy puts the client address in; \"\": use the socket's peer",
                             lat(&ListenerConfig::websocket, &WebsocketOptions::proxy_address_header), headerName));
}

using AddListenerKeys = void (*)(std::vector<KeyDef>&, const std::string&);

// One entry per listener type: adding a type is adding a line here and its rows.
const std::vector<std::pair<std::string, AddListenerKeys>>& listenerTypeTable() {
    static const std::vector<std::pair<std::string, AddListenerKeys>> types = {
        {"tcp",
         [](std::vector<KeyDef>& keys, const std::string& type) {
             addCommonListenerKeys(keys, type, "1883", true);
             addTcpOptionKeys(keys, type);
         }},
        {"ssl",
         [](std::vector<KeyDef>& keys, const std::string& type) {
             addCommonListenerKeys(keys, type, "8883", false);
             addTcpOptionKeys(keys, type);
             addListenerSslOptionKeys(keys, type);
         }},
        {"ws",
         [](std::vector<KeyDef>& keys, const std::string& type) {
             addCommonListenerKeys(keys, type, "8083", true);
             addTcpOptionKeys(keys, type);
             addWebsocketKeys(keys, type);
         }},
        {"wss",
         [](std::vector<KeyDef>& keys, const std::string& type) {
             addCommonListenerKeys(keys, type, "8084", false);
             addTcpOptionKeys(keys, type);
             addListenerSslOptionKeys(keys, type);
             addWebsocketKeys(keys, type);
         }},
    };
    return types;
}

// ---- auto_subscribe.topics --------------------------------------------------

KeyDef topicField(std::string name, KeyType type, std::string def, std::string doc) {
    KeyDef f;
    f.path = std::move(name);
    f.type = type;
    f.default_text = std::move(def);
    f.doc = std::move(doc);
    return f;
}

KeyDef autoSubscribeTopics() {
    KeyDef k;
    k.path = "auto_subscribe.topics";
    k.type = KeyType::TableList;
    k.default_text = "[]";
    k.doc = "Topics every client is subscribed to when it connects";
    k.example = {"${clientid} and ${username} in a topic are replaced. Fields: topic (required),",
                 "qos 0..2, rh (retain handling) 0..2, rap (retain as published), nl (no local).",
                 "Example:",
                 "topics = [",
                 "  {topic = \"c/${clientid}\", qos = 1, rh = 0, rap = false, nl = false},",
                 "  {topic = \"broadcast/#\"},",
                 "]"};
    KeyDef topic = topicField("topic", KeyType::String, "", "Topic filter");
    topic.required = true;
    topic.check = topicFilter;
    KeyDef qos = topicField("qos", KeyType::Integer, "0", "Subscription QoS");
    qos.min = 0;
    qos.max = 2;
    KeyDef rh = topicField("rh", KeyType::Integer, "0", "Retain handling");
    rh.min = 0;
    rh.max = 2;
    k.fields = {topic, qos, rh, topicField("rap", KeyType::Bool, "false", "Retain as published"),
                topicField("nl", KeyType::Bool, "false", "No local")};
    k.set = [](BrokerConfig& c, ListenerConfig*, const Value& v) {
        c.auto_subscribe_topics.clear();
        for (const TableRow& r : std::get<std::vector<TableRow>>(v)) {
            AutoSubscribeTopic t;
            t.topic = std::get<std::string>(r.at("topic"));
            if (auto it = r.find("qos"); it != r.end()) t.qos = static_cast<unsigned>(std::get<int64_t>(it->second));
            if (auto it = r.find("rh"); it != r.end()) t.rh = static_cast<unsigned>(std::get<int64_t>(it->second));
            if (auto it = r.find("rap"); it != r.end()) t.rap = std::get<bool>(it->second);
            if (auto it = r.find("nl"); it != r.end()) t.nl = std::get<bool>(it->second);
            c.auto_subscribe_topics.push_back(std::move(t));
        }
    };
    k.get = [](const BrokerConfig& c, const ListenerConfig*) -> Value {
        std::vector<TableRow> rows;
        for (const AutoSubscribeTopic& t : c.auto_subscribe_topics)
            rows.push_back({{"topic", t.topic},
                            {"qos", static_cast<int64_t>(t.qos)},
                            {"rh", static_cast<int64_t>(t.rh)},
                            {"rap", t.rap},
                            {"nl", t.nl}});
        return rows;
    };
    return k;
}

// ---- authentication / authorization.sources (docs/security.md) --------------

KeyDef enumField(std::string name, std::string def, std::vector<std::string> words, std::string doc) {
    KeyDef f = topicField(std::move(name), KeyType::Enum, std::move(def), std::move(doc));
    f.words = std::move(words);
    return f;
}

KeyDef authenticationChain() {
    KeyDef k;
    k.path = "authentication";
    k.type = KeyType::TableList;
    k.default_text = "[]";
    k.doc = "Authenticators tried in order (allow / deny / ignore); empty: every client is let in (anonymous)";
    k.example = {
        "See docs/security.md. EMQX's password_hash_algorithm = {name, salt_position, mac_fun, iterations}",
        "is written flat here; an inline table stays on one line (TOML). Examples:",
        "authentication = [",
        "  {mechanism = \"password_based\", password_hash_algorithm = \"sha256\", salt_position = \"suffix\"},",
        "  {mechanism = \"clientid_allowlist\", clientids = [\"sensor-1\", \"sensor-2\"]},",
        "]"};
    KeyDef iterations = topicField("iterations", KeyType::Integer, "4096", "pbkdf2 iterations");
    iterations.min = 1;
    iterations.max = 10000000;
    KeyDef rounds = topicField("salt_rounds", KeyType::Integer, "10", "bcrypt cost (log2 rounds)");
    rounds.min = 4;
    rounds.max = 31;
    KeyDef clientids = topicField("clientids", KeyType::String, "", "clientid_allowlist: the allowed client ids");
    clientids.string_list = true;
    k.fields = {
        enumField("mechanism", "password_based", {"password_based", "clientid_allowlist"}, "Mechanism"),
        enumField("backend", "built_in_database", {"built_in_database"}, "password_based backend"),
        topicField("enable", KeyType::Bool, "true", "Use this authenticator"),
        enumField("user_id_type", "username", {"username", "clientid"}, "Users are keyed by"),
        enumField("password_hash_algorithm", "sha256", {"bcrypt", "pbkdf2", "sha256", "sha512", "plain", "md5", "sha"},
                  "Password hash"),
        enumField("salt_position", "prefix", {"prefix", "suffix", "disable"}, "sha256/sha512: where the salt goes"),
        enumField("mac_fun", "sha256", {"sha256", "sha512"}, "pbkdf2 MAC function"),
        iterations,
        rounds,
        topicField("bootstrap_file", KeyType::String, "", "CSV or JSON users imported at start"),
        enumField("bootstrap_type", "plain", {"plain", "hash"}, "Bootstrap file holds plain passwords or hashes"),
        clientids};
    k.set = [](BrokerConfig& c, ListenerConfig*, const Value& v) {
        c.authentication.clear();
        for (const TableRow& r : std::get<std::vector<TableRow>>(v)) {
            AuthenticatorConfig a;
            auto str = [&](const char* name, std::string& out) {
                if (auto it = r.find(name); it != r.end()) out = std::get<std::string>(it->second);
            };
            str("mechanism", a.mechanism);
            str("backend", a.backend);
            str("user_id_type", a.user_id_type);
            str("password_hash_algorithm", a.password_hash_algorithm);
            str("salt_position", a.salt_position);
            str("mac_fun", a.mac_fun);
            str("bootstrap_file", a.bootstrap_file);
            str("bootstrap_type", a.bootstrap_type);
            str("clientids", a.clientids);
            if (auto it = r.find("enable"); it != r.end()) a.enable = std::get<bool>(it->second);
            if (auto it = r.find("iterations"); it != r.end())
                a.iterations = static_cast<unsigned>(std::get<int64_t>(it->second));
            if (auto it = r.find("salt_rounds"); it != r.end())
                a.salt_rounds = static_cast<unsigned>(std::get<int64_t>(it->second));
            c.authentication.push_back(std::move(a));
        }
    };
    k.get = [](const BrokerConfig& c, const ListenerConfig*) -> Value {
        std::vector<TableRow> rows;
        for (const AuthenticatorConfig& a : c.authentication)
            rows.push_back({{"mechanism", a.mechanism},
                            {"backend", a.backend},
                            {"enable", a.enable},
                            {"user_id_type", a.user_id_type},
                            {"password_hash_algorithm", a.password_hash_algorithm},
                            {"salt_position", a.salt_position},
                            {"mac_fun", a.mac_fun},
                            {"iterations", static_cast<int64_t>(a.iterations)},
                            {"salt_rounds", static_cast<int64_t>(a.salt_rounds)},
                            {"bootstrap_file", a.bootstrap_file},
                            {"bootstrap_type", a.bootstrap_type},
                            {"clientids", a.clientids}});
        return rows;
    };
    return k;
}

KeyDef authorizationSources() {
    KeyDef k;
    k.path = "authorization.sources";
    k.type = KeyType::TableList;
    k.default_text = "[]";
    k.doc = "Authorization sources checked in order; empty: every publish/subscribe gets no_match";
    k.example = {"The ACL file in EMQX's syntax (etc/acl.conf ships EMQX's default rules):",
                 "sources = [{type = \"file\", path = \"etc/acl.conf\"}]"};
    KeyDef path = topicField("path", KeyType::String, "", "ACL file (relative: to the working directory)");
    path.required = true;
    k.fields = {enumField("type", "file", {"file"}, "Source type"),
                topicField("enable", KeyType::Bool, "true", "Use this source"), path};
    k.set = [](BrokerConfig& c, ListenerConfig*, const Value& v) {
        c.authorization.sources.clear();
        for (const TableRow& r : std::get<std::vector<TableRow>>(v)) {
            AuthzSourceConfig s;
            if (auto it = r.find("type"); it != r.end()) s.type = std::get<std::string>(it->second);
            if (auto it = r.find("enable"); it != r.end()) s.enable = std::get<bool>(it->second);
            s.path = std::get<std::string>(r.at("path"));
            c.authorization.sources.push_back(std::move(s));
        }
    };
    k.get = [](const BrokerConfig& c, const ListenerConfig*) -> Value {
        std::vector<TableRow> rows;
        for (const AuthzSourceConfig& s : c.authorization.sources)
            rows.push_back({{"type", s.type}, {"enable", s.enable}, {"path", s.path}});
        return rows;
    };
    return k;
}

// ---- the table ----------------------------------------------------------------

std::vector<KeyDef> buildKeys() {
    using B = BrokerConfig;
    using M = MqttConfig;
    std::vector<KeyDef> k;

    // authentication (a top-level key: it comes before the first [section])
    k.push_back(authenticationChain());

    // node
    {
        // Left unset in etc/emqx.toml, so that EMQX_HOST (the FAQ's Docker recipe) names the node.
        KeyDef name = stringKey("node.name", "emqx@127.0.0.1",
                                "Node name, <name>@<host>; when unset, EMQX_HOST sets it to emqx@<EMQX_HOST>",
                                at(&B::node, &NodeConfig::name), nodeName);
        name.commented_out = true;
        k.push_back(std::move(name));
    }
    k.push_back(
        secret(stringKey("node.cookie", "emqxsecretcookie", "Secret shared by the nodes of a cluster and by emqxctl",
                         at(&B::node, &NodeConfig::cookie), nonEmpty)));
    k.push_back(stringKey("node.data_dir", "data", "Directory for persistent data, logs and the control socket",
                          at(&B::node, &NodeConfig::data_dir), nonEmpty));
    k.push_back(stringKey("node.ctl_socket", "", "Unix socket emqxctl talks to; empty: <data_dir>/emqxd.sock",
                          at(&B::node, &NodeConfig::ctl_socket)));
    k.push_back(intKey("node.workers", "0", 0, 1024, "Worker threads; 0: one per CPU core",
                       at(&B::node, &NodeConfig::workers)));
    k.push_back(boolKey("node.worker_compaction", "true",
                        "At low load run every worker's loop on one thread, and each on its own again when that "
                        "thread is busy (as the Erlang VM's scheduler compaction of load, +scl): fewer thread "
                        "wake-ups per message at ordinary rates",
                        at(&B::node, &NodeConfig::worker_compaction)));
    k.push_back(enumKey("node.session_handover", "move_connection", {"move_connection", "move_session"},
                        "A CONNECT whose client id has a session on another worker: move_connection moves the "
                        "connection to that worker, move_session hands the session over by message (as between nodes)",
                        at(&B::node, &NodeConfig::session_handover)));

    // listeners
    for (const auto& [type, add] : listenerTypeTable()) add(k, type);
    for (KeyDef& key : k)
        if (key.path.starts_with("listeners.")) key.listener = true;

    // mqtt
    const std::string m = "mqtt.";
    k.push_back(durationKey(m + "idle_timeout", "15s", 1, kDay,
                            "Close a connection that sends no CONNECT within this time",
                            at(&B::mqtt, &M::idle_timeout)));
    k.push_back(sizeKey(m + "max_packet_size", "1MB", 16, 256 * kMB, "Largest MQTT packet accepted",
                        at(&B::mqtt, &M::max_packet_size)));
    k.push_back(intKey(m + "max_clientid_len", "65535", 23, 65535, "Longest client ID accepted",
                       at(&B::mqtt, &M::max_clientid_len)));
    k.push_back(intKey(m + "max_topic_levels", "128", 1, 65535, "Most levels a topic may have",
                       at(&B::mqtt, &M::max_topic_levels)));
    k.push_back(intKey(m + "max_topic_alias", "65535", 0, 65535, "Most topic aliases per MQTT 5 client; 0: none",
                       at(&B::mqtt, &M::max_topic_alias)));
    k.push_back(
        intKey(m + "max_qos_allowed", "2", 0, 2, "Highest QoS clients may use", at(&B::mqtt, &M::max_qos_allowed)));
    k.push_back(
        boolKey(m + "retain_available", "true", "Support retained messages", at(&B::mqtt, &M::retain_available)));
    k.push_back(boolKey(m + "wildcard_subscription", "true", "Allow subscribing to filters with + or #",
                        at(&B::mqtt, &M::wildcard_subscription)));
    k.push_back(boolKey(m + "shared_subscription", "true", "Allow $share/<group>/ subscriptions",
                        at(&B::mqtt, &M::shared_subscription)));
    k.push_back(
        enumKey(m + "shared_subscription_strategy", "round_robin",
                {"random", "round_robin", "round_robin_per_group", "sticky", "local", "hash_topic", "hash_clientid"},
                "How a message is dispatched among the members of a shared subscription group",
                at(&B::mqtt, &M::shared_subscription_strategy)));
    k.push_back(boolKey(m + "ignore_loop_deliver", "false",
                        "Do not deliver a message back to the MQTT 3 client that published it",
                        at(&B::mqtt, &M::ignore_loop_deliver)));
    k.push_back(boolKey(m + "strict_mode", "false",
                        "EMQX's: on, a PUBLISH with QoS 3, DUP on QoS 0 or a Payload Format Indicator over 1 is "
                        "malformed and a payload marked UTF-8 is checked; off, they pass (QoS 3 gets 0x9B)",
                        at(&B::mqtt, &M::strict_mode)));
    k.push_back(floatKey(m + "keepalive_multiplier", "1.5", 0.0,
                         "A client is disconnected after keepalive x this without a packet",
                         at(&B::mqtt, &M::keepalive_multiplier)));
    {
        KeyDef sk = durationKey(m + "server_keepalive", "disabled", kSecond, 65535 * kSecond,
                                "Keepalive imposed on MQTT 5 clients, in whole seconds; disabled: the client's own",
                                atSeconds(&B::mqtt, &M::server_keepalive), {{"disabled", 0}});
        sk.whole_seconds = true;
        k.push_back(std::move(sk));
    }
    k.push_back(intKey(m + "max_inflight", "32", 1, 65535, "Most QoS 1/2 messages in flight to a client",
                       at(&B::mqtt, &M::max_inflight)));
    k.push_back(durationKey(m + "retry_interval", "30s", 1, kDay, "Resend an unacknowledged QoS 1/2 message after this",
                            at(&B::mqtt, &M::retry_interval)));
    k.push_back(intKey(m + "max_awaiting_rel", "100", 1, 65535,
                       "Most incoming QoS 2 messages awaiting PUBREL per client", at(&B::mqtt, &M::max_awaiting_rel)));
    k.push_back(durationKey(m + "await_rel_timeout", "300s", 1, kDay,
                            "Drop an incoming QoS 2 message not released within this",
                            at(&B::mqtt, &M::await_rel_timeout)));
    k.push_back(durationKey(m + "session_expiry_interval", "2h", 0, kU32Max * kSecond,
                            "Keep the session of a disconnected MQTT 3 client this long; MQTT 5 clients ask their own",
                            at(&B::mqtt, &M::session_expiry_interval)));
    k.push_back(intKey(m + "max_mqueue_len", "1000", 0, kU32Max,
                       "Most messages queued for an offline or busy client; 0 or infinity: unlimited",
                       at(&B::mqtt, &M::max_mqueue_len), {{"infinity", 0}}));
    k.push_back(
        boolKey(m + "mqueue_store_qos0", "true", "Queue QoS 0 messages too", at(&B::mqtt, &M::mqueue_store_qos0)));
    k.push_back(intKey(m + "max_subscriptions", "infinity", 0, kU32Max,
                       "Most subscriptions per client; 0 or infinity: unlimited", at(&B::mqtt, &M::max_subscriptions),
                       {{"infinity", 0}}));
    k.push_back(boolKey(m + "use_username_as_clientid", "false", "Replace the client ID with the username",
                        at(&B::mqtt, &M::use_username_as_clientid)));
    const std::vector<std::string> peer_cert_fields = {"disabled", "cn", "dn", "crt", "pem", "md5"};
    k.push_back(enumKey(m + "peer_cert_as_username", "disabled", peer_cert_fields,
                        "TLS listeners: take the username from the client certificate: cn, dn (RFC 4514), crt/pem "
                        "(base64 of the DER), md5 (hex MD5 of the DER)",
                        at(&B::mqtt, &M::peer_cert_as_username)));
    k.push_back(enumKey(m + "peer_cert_as_clientid", "disabled", peer_cert_fields,
                        "TLS listeners: take the client ID from the client certificate, as peer_cert_as_username",
                        at(&B::mqtt, &M::peer_cert_as_clientid)));
    k.push_back(intKey(
        m + "max_conn_per_username", "infinity", 0, kU32Max,
        "Most concurrent connections with one username (CONNACK quota exceeded beyond); 0 or infinity: unlimited",
        at(&B::mqtt, &M::max_conn_per_username), {{"infinity", 0}}));
    k.push_back(boolKey(m + "allow_anonymous", "false",
                        "With a non-empty authentication chain, let in clients no authenticator allowed or denied",
                        at(&B::mqtt, &M::allow_anonymous)));

    // sys_topics
    k.push_back(durationKey("sys_topics.sys_msg_interval", "1m", 1, kDay,
                            "Publish $SYS broker stats this often; disabled: never",
                            at(&B::sys_topics, &SysTopicsConfig::sys_msg_interval), {{"disabled", 0}}));
    k.push_back(durationKey("sys_topics.sys_heartbeat_interval", "30s", 1, kDay,
                            "Publish $SYS heartbeat (uptime, datetime) this often; disabled: never",
                            at(&B::sys_topics, &SysTopicsConfig::sys_heartbeat_interval), {{"disabled", 0}}));
    k.push_back(boolKey("sys_topics.sys_event_messages.client_connected", "true",
                        "Publish $SYS/brokers/<node>/clients/<clientid>/connected",
                        at(&B::sys_topics, &SysTopicsConfig::sys_event_messages, &SysEventMessages::client_connected)));
    k.push_back(
        boolKey("sys_topics.sys_event_messages.client_disconnected", "true",
                "Publish $SYS/brokers/<node>/clients/<clientid>/disconnected",
                at(&B::sys_topics, &SysTopicsConfig::sys_event_messages, &SysEventMessages::client_disconnected)));

    // auto_subscribe
    k.push_back(autoSubscribeTopics());

    // log
    k.push_back(
        boolKey("log.console.enable", "true", "Log to standard output", at(&B::log, &LogConfig::console_enable)));
    k.push_back(enumKey("log.console.level", "warning", logLevels(), "Lowest level logged to standard output",
                        at(&B::log, &LogConfig::console_level)));
    k.push_back(boolKey("log.file.enable", "true", "Log to a file", at(&B::log, &LogConfig::file_enable)));
    k.push_back(enumKey("log.file.level", "warning", logLevels(), "Lowest level logged to the file",
                        at(&B::log, &LogConfig::file_level)));
    k.push_back(stringKey("log.file.path", "log/emqx.log", "Log file; a relative path is under node.data_dir",
                          at(&B::log, &LogConfig::file_path), nonEmpty));
    k.push_back(sizeKey("log.file.rotation_size", "50MB", kKB, 64 * kGB,
                        "Start a new log file when it reaches this size", at(&B::log, &LogConfig::file_rotation_size)));
    k.push_back(intKey("log.file.rotation_count", "10", 1, 128, "Rotated log files kept",
                       at(&B::log, &LogConfig::file_rotation_count)));
    k.push_back(durationKey("log.throttling.time_window", "1m", kSecond, kDay,
                            "Per worker, protocol-error warnings past the first 10 in this window are only counted, "
                            "then summed up in one line",
                            at(&B::log, &LogConfig::throttling_time_window)));

    // trace
    k.push_back(sizeKey("trace.max_file_size", "50MB", kKB, 64 * kGB,
                        "A trace file (emqxctl trace/traces) stops growing at this size",
                        at(&B::trace, &TraceConfig::max_file_size)));

    // license
    k.push_back(stringKey(
        "license.file", "",
        "License file (relative: under node.data_dir); empty: <data_dir>/license/emqx.lic; no file: community edition",
        at(&B::license, &LicenseConfig::file)));
    k.push_back(
        stringKey("license.public_key_file", "",
                  "PEM Ed25519 public key that verifies licenses instead of the built-in one (tests use their own)",
                  at(&B::license, &LicenseConfig::public_key_file)));
    k.push_back(percentKey("license.connection_high_watermark", "80%",
                           "Raise the license_quota alarm when the connections exceed this share of the license's "
                           "max_connections",
                           atPercent(&B::license, &LicenseConfig::connection_high_watermark)));
    k.push_back(percentKey("license.connection_low_watermark", "75%",
                           "Clear the license_quota alarm when the connections fall below this share of "
                           "max_connections",
                           atPercent(&B::license, &LicenseConfig::connection_low_watermark)));

    // durable
    k.push_back(boolKey("durable.enable", "true",
                        "Keep retained messages and persistent sessions (Session Expiry > 0 / Clean Session 0) in "
                        "RocksDB under <data_dir>/<node.name>/rocksdb; false: memory only, lost on restart",
                        at(&B::durable, &DurableConfig::enable)));
    k.push_back(enumKey("durable.fsync", "batch", {"always", "batch", "never"},
                        "always: each commit is fsynced before the PUBACK/PUBREC it covers; batch: the same, with "
                        "commits grouped every few ms; never: no fsync, survives a broker crash but not an OS crash",
                        at(&B::durable, &DurableConfig::fsync)));

    // authorization (docs/security.md)
    using AZ = AuthorizationConfig;
    k.push_back(enumKey("authorization.no_match", "allow", {"allow", "deny"},
                        "What a publish/subscribe no rule matched gets", at(&B::authorization, &AZ::no_match)));
    k.push_back(enumKey("authorization.deny_action", "ignore", {"ignore", "disconnect"},
                        "A denied publish: ignore (PUBACK/PUBREC 0x87 in MQTT 5, dropped in 3.1.1) or disconnect",
                        at(&B::authorization, &AZ::deny_action)));
    k.push_back(authorizationSources());
    k.push_back(boolKey("authorization.allow_sys_publish", "false",
                        "Let clients publish to $SYS/# (e.g. a bridge relaying another broker's $SYS; the ACL still "
                        "applies); false: only the broker writes $SYS, a client's PUBLISH or will there is refused",
                        at(&B::authorization, &AZ::allow_sys_publish)));
    k.push_back(boolKey("authorization.check_on_delivery", "false",
                        "Check each message against its receiver's subscribe permission on the message's topic as it "
                        "is sent (a subscriber of '#' then gets nothing a deny rule keeps from it); false: the filter "
                        "is checked once at SUBSCRIBE, as EMQX does",
                        at(&B::authorization, &AZ::check_on_delivery)));
    k.push_back(boolKey("authorization.cache.enable", "true", "Cache each client's authorization results",
                        at(&B::authorization, &AZ::cache_enable)));
    k.push_back(intKey("authorization.cache.max_size", "32", 1, 1048576, "Most cached results per client",
                       at(&B::authorization, &AZ::cache_max_size)));
    k.push_back(durationKey("authorization.cache.ttl", "1m", 1, kDay, "A cached result is used this long",
                            at(&B::authorization, &AZ::cache_ttl)));
    k.push_back(boolKey("authorization.topic_template_allow.plus", "false",
                        "A ${clientid}/${username} placeholder whose value holds '+' still matches (false: the rule "
                        "does not match, so client id '+' cannot widen '${clientid}/#')",
                        at(&B::authorization, &AZ::topic_template_allow_plus)));
    k.push_back(boolKey("authorization.topic_template_allow.hash", "false",
                        "A placeholder whose value holds '#' still matches (false: client id '#' cannot turn "
                        "'${clientid}/#' into '#/#')",
                        at(&B::authorization, &AZ::topic_template_allow_hash)));
    k.push_back(boolKey("authorization.topic_template_allow.slash", "false",
                        "A placeholder whose value holds '/' still matches (false: client id 'a/b' gets no rule "
                        "written for client id 'a')",
                        at(&B::authorization, &AZ::topic_template_allow_slash)));

    // flapping_detect
    using FD = FlappingDetectConfig;
    k.push_back(boolKey("flapping_detect.enable", "false",
                        "Ban a client id or IP address after max_count authentication failures within window_time",
                        at(&B::flapping_detect, &FD::enable)));
    k.push_back(intKey("flapping_detect.max_count", "15", 1, 1000000, "Failures within window_time that ban",
                       at(&B::flapping_detect, &FD::max_count)));
    k.push_back(durationKey("flapping_detect.window_time", "1m", 1, kDay, "The window failures are counted in",
                            at(&B::flapping_detect, &FD::window_time)));
    k.push_back(durationKey("flapping_detect.ban_time", "5m", 1, 365 * kDay, "How long a flapping client stays banned",
                            at(&B::flapping_detect, &FD::ban_time)));

    // dashboard: the login (docs/http-api.md)
    using DC = DashboardConfig;
    k.push_back(stringKey("dashboard.default_username", "admin",
                          "The dashboard user made at the first start (when <data_dir>/admins.json does not exist)",
                          at(&B::dashboard, &DC::default_username)));
    k.push_back(secret(stringKey("dashboard.default_password", "public",
                                 "That user's first password; until it is changed, its login may only change it",
                                 at(&B::dashboard, &DC::default_password))));
    k.push_back(durationKey("dashboard.token_expired_time", "60m", 1000, 365 * kDay,
                            "A login token expires this long after its last use",
                            at(&B::dashboard, &DC::token_expired_time)));
    k.push_back(intKey("dashboard.unsuccessful_login_max_attempts", "5", 1, 1000000,
                       "Failed logins from one address within unsuccessful_login_interval that lock it out",
                       at(&B::dashboard, &DC::unsuccessful_login_max_attempts)));
    k.push_back(durationKey("dashboard.unsuccessful_login_interval", "5m", 1000, kDay,
                            "The window failed logins are counted in",
                            at(&B::dashboard, &DC::unsuccessful_login_interval)));
    k.push_back(durationKey("dashboard.unsuccessful_login_lock_duration", "10m", 1000, kDay,
                            "How long a locked-out address is refused (LOGIN_LOCKED), even with the right password",
                            at(&B::dashboard, &DC::unsuccessful_login_lock_duration)));
    k.push_back(boolKey("dashboard.cors", "false",
                        "Let web pages of other origins call the API: answers to requests with an Origin header "
                        "carry Access-Control-Allow-Origin: *, and OPTIONS preflights are answered",
                        at(&B::dashboard, &DC::cors)));
    k.push_back(stringKey("dashboard.static_dir", "",
                          "Ours: the directory the dashboard is served from (index.html, static/); empty: the "
                          "emqxd/http/dashboard/ directory of the source tree emqxd was built from",
                          at(&B::dashboard, &DC::static_dir)));

    // dashboard.listeners.http and .https: the HTTP API (docs/http-api.md)
    addDashboardListenerKeys(k, "http", "0.0.0.0:18083", "18083", false,
                             [](auto member) { return at(&B::dashboard_http, member); });
    addDashboardListenerKeys(k, "https", "0", "18084", true,
                             [](auto member) { return at(&B::dashboard_https, member); });
    addSslOptionKeys(k, "dashboard.listeners.https.ssl_options.",
                     [](auto member) { return at(&B::dashboard_https, &DashboardHttpsConfig::ssl_options, member); });

    // api_key
    k.push_back(stringKey("api_key.bootstrap_file", "",
                          "File of API keys loaded at start, one key:secret[:role] a line (role: administrator, "
                          "viewer or publisher; default administrator); empty: none",
                          at(&B::api_key, &ApiKeyConfig::bootstrap_file)));

    // prometheus: the scrape endpoint of the HTTP API (docs/http-api.md)
    k.push_back(boolKey("prometheus.enable_basic_auth", "false",
                        "GET /api/v5/prometheus/stats wants an API key (HTTP Basic) as the rest of the API; "
                        "false: anyone who reaches the port may scrape",
                        at(&B::prometheus, &PrometheusConfig::enable_basic_auth)));

    // alarm (emqxd/alarm, docs/http-api.md "Alarms")
    {
        StringCheck words = wordList({"log", "publish"});
        KeyDef actions = stringKey("alarm.actions", "log,publish",
                                   "What an alarm's activation and deactivation do: log (a warning), publish (on "
                                   "$SYS/brokers/<node>/alarms/activate|deactivate); []: nothing",
                                   at(&B::alarm, &AlarmConfig::actions),
                                   [words](std::string& s) { return s.empty() ? "" : words(s); });
        actions.string_list = true;
        k.push_back(std::move(actions));
    }
    k.push_back(intKey("alarm.size_limit", "1000", 1, 3000,
                       "Deactivated alarms kept (GET /api/v5/alarms?activated=false); past it the oldest goes",
                       at(&B::alarm, &AlarmConfig::size_limit)));
    k.push_back(durationKey("alarm.validity_period", "24h", kSecond, 365 * kDay,
                            "A deactivated alarm is forgotten this long after its deactivation",
                            at(&B::alarm, &AlarmConfig::validity_period)));

    // sysmon.os: the memory alarms
    k.push_back(durationKey("sysmon.os.mem_check_interval", "60s", kSecond, kDay,
                            "Check the host's and this process's memory this often (and at start); disabled: never",
                            at(&B::sysmon_os, &SysmonOsConfig::mem_check_interval), {{"disabled", 0}}));
    k.push_back(percentKey("sysmon.os.sysmem_high_watermark", "70%",
                           "Raise high_system_memory_usage while the host's used memory is above this share of it",
                           atPercent(&B::sysmon_os, &SysmonOsConfig::sysmem_high_watermark)));
    k.push_back(percentKey("sysmon.os.procmem_high_watermark", "5%",
                           "Raise high_process_memory_usage while emqxd's resident memory is above this share of "
                           "the host's memory",
                           atPercent(&B::sysmon_os, &SysmonOsConfig::procmem_high_watermark)));

    // cluster
    k.push_back(stringKey("cluster.name", "emqxcl", "The cluster's name (GET /api/v5/cluster)",
                          at(&B::cluster, &ClusterConfig::name), nonEmpty));
    return k;
}

std::vector<std::string> split(std::string_view path) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        size_t dot = path.find('.', start);
        out.emplace_back(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return out;
}

bool segmentMatches(const std::string& pattern, const std::string& segment) {
    return pattern == kListenerPlaceholder ? isValidListenerName(segment) : pattern == segment;
}

std::string boundText(const KeyDef& key, int64_t v) {
    switch (key.type) {
        case KeyType::Duration: return key.whole_seconds ? std::to_string(v / kSecond) + "s" : formatDuration(v);
        case KeyType::Size: return formatSize(v);
        default: return std::to_string(v);
    }
}

std::string specialsText(const KeyDef& key) {
    std::string out;
    for (const auto& [word, value] : key.specials) out += " or \"" + word + "\"";
    return out;
}

std::string formatFloat(double d) {
    char buf[64];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, d);
    std::string s(buf, ec == std::errc() ? ptr : buf);
    if (s.find_first_of(".en") == std::string::npos) s += ".0";
    return s;
}

}  // namespace

std::vector<std::string> KeyDef::segments() const { return split(path); }

const std::vector<KeyDef>& configKeys() {
    static const std::vector<KeyDef> keys = buildKeys();
    return keys;
}

const std::vector<std::string>& listenerTypes() {
    static const std::vector<std::string> types = [] {
        std::vector<std::string> t;
        for (const auto& [type, add] : listenerTypeTable()) t.push_back(type);
        return t;
    }();
    return types;
}

std::vector<std::string> sectionDoc(std::string_view section) {
    if (section == "node") return {"This node: its name, cluster cookie, data directory and threads."};
    if (section == "listeners.tcp.*")
        return {"The TCP listener named \"default\". Add more as [listeners.tcp.<name>] with the same keys;",
                "a listener set only from the environment (EMQX_LISTENERS__TCP__<NAME>__BIND=...) gets these",
                "defaults. enable = false keeps a listener declared but not started."};
    if (section == "listeners.ssl.*")
        return {"The TLS listener named \"default\" (EMQX's ssl listener). Off by default so that a fresh start",
                "needs no certificates: set ssl_options.certfile and keyfile (and cacertfile for verify_peer),",
                "then enable = true. A file that cannot be loaded fails the start naming the listener and the file."};
    if (section == "listeners.ws.*")
        return {"The WebSocket listener named \"default\": MQTT over ws://host:8083/mqtt (subprotocol mqtt)."};
    if (section == "listeners.wss.*")
        return {"The secure WebSocket listener named \"default\": TLS below WebSocket (wss://host:8084/mqtt).",
                "Off by default, as ssl; it takes both the ssl_options and the websocket keys."};
    if (section == "mqtt") return {"MQTT protocol limits and session behaviour."};
    if (section == "sys_topics") return {"$SYS topics the broker publishes about itself."};
    if (section == "auto_subscribe") return {"Subscriptions made on behalf of every client when it connects."};
    if (section == "log.console")
        return {"Logging: levels are debug, info, notice, warning, error, critical, alert, emergency."};
    if (section == "trace") return {"Tracing to files (emqxctl trace / traces)."};
    if (section == "authorization")
        return {"Authorization (docs/security.md): ACL file sources, what no rule matched gets, the per-client cache.",
                "emqxctl acl reload re-reads the files; emqxctl authz cache-clean all|<clientid> empties caches."};
    if (section == "authorization.topic_template_allow")
        return {"What a ${clientid} / ${username} (%c / %u) placeholder's value may hold for its rule to match",
                "(EMQX 6.3's keys). A NUL never passes, whatever these say."};
    if (section == "flapping_detect")
        return {
            "Repeated authentication failures from one client id or IP address ban it (emqxctl banned list|add|del)."};
    if (section == "durable")
        return {"Durable storage (docs/storage.md): retained messages and persistent sessions survive a restart.",
                "A store that cannot be read stops the start (exit 1) naming its path; start with",
                "`emqxd console --quarantine-data` (or `bin/emqx start --quarantine-data`) to move it aside and start "
                "empty."};
    if (section == "dashboard")
        return {"The dashboard's users and login (docs/http-api.md): POST /api/v5/login answers a bearer token",
                "for /api/v5; emqxctl admins add|passwd|del manages the users."};
    if (section == "dashboard.listeners.http")
        return {"The HTTP API (docs/http-api.md): EMQX 5's REST API under /api/v5 and GET /status. Every /api/v5",
                "request needs an API key (HTTP Basic, key:secret; none exists until one is created with",
                "`emqxctl api_keys add --name <name>` or listed in api_key.bootstrap_file) or a login's token."};
    if (section == "dashboard.listeners.https")
        return {"The same API and dashboard over TLS (EMQX's usual port: 18084). Off (bind = 0) by default, as",
                "in EMQX: set bind, ssl_options.certfile and keyfile; ssl_options are the ssl listeners' keys."};
    if (section == "alarm")
        return {"Alarms (GET /api/v5/alarms): license_quota, high_system_memory_usage, high_process_memory_usage."};
    if (section == "sysmon.os") return {"The memory alarms' thresholds, checked on a timer."};
    if (section == "cluster") return {"The cluster (one node today: joining others is not built yet)."};
    if (section == "license")
        return {"The license (emqxctl license info|reload). Without a license file the node runs as the",
                "community edition: no connection limit, no expiry."};
    return {};
}

bool isValidListenerName(std::string_view name) {
    if (name.empty()) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

std::optional<KeyMatch> findKey(const std::vector<std::string>& segments) {
    for (const KeyDef& key : configKeys()) {
        std::vector<std::string> pattern = key.segments();
        if (pattern.size() != segments.size()) continue;
        bool ok = true;
        for (size_t i = 0; i < pattern.size() && ok; ++i) ok = segmentMatches(pattern[i], segments[i]);
        if (!ok) continue;
        KeyMatch m;
        m.key = &key;
        if (key.listener) {
            m.listener_type = segments[1];
            m.listener_name = segments[2];
        }
        return m;
    }
    return std::nullopt;
}

bool isTablePath(const std::vector<std::string>& segments) {
    for (const KeyDef& key : configKeys()) {
        std::vector<std::string> pattern = key.segments();
        if (pattern.size() <= segments.size()) continue;
        bool ok = true;
        for (size_t i = 0; i < segments.size() && ok; ++i) ok = segmentMatches(pattern[i], segments[i]);
        if (ok) return true;
    }
    return false;
}

std::string expectedText(const KeyDef& key) {
    switch (key.type) {
        case KeyType::Bool: return "true or false";
        case KeyType::Integer:
            return "an integer " + std::to_string(key.min) + ".." + std::to_string(key.max) + specialsText(key);
        case KeyType::Float:
            return "a number > " + std::to_string(static_cast<int64_t>(key.float_above));  // bounds are whole
        case KeyType::String: {
            if (!key.check) return "a string";
            std::string probe;  // every check rejects "": that yields what it expects
            std::string e = key.check(probe);
            return e.empty() ? "a string" : e;
        }
        case KeyType::Enum: {
            std::string out = "one of ";
            for (size_t i = 0; i < key.words.size(); ++i) out += (i ? ", " : "") + key.words[i];
            return out;
        }
        case KeyType::Duration:
            return std::string(key.whole_seconds ? "a number of seconds or a duration in whole seconds like 60s"
                                                 : "a duration like 15s or a number of milliseconds") +
                   specialsText(key);
        case KeyType::Size: return "a size like 1MB or a number of bytes";
        case KeyType::TableList: {
            std::string out = "an array of tables like [{";
            for (size_t i = 0; i < key.fields.size() && i < 2; ++i) {
                const KeyDef& f = key.fields[i];
                out += (i ? ", " : "") + f.path + " = " + (f.type == KeyType::String ? "\"t/1\"" : "1");
            }
            return out + "}]";
        }
    }
    return "a value";
}

std::optional<Value> parseKeyText(const KeyDef& key, std::string_view text, std::string& expected) {
    auto fail = [&](std::string e) -> std::optional<Value> {
        expected = std::move(e);
        return std::nullopt;
    };
    auto inRange = [&](int64_t v) -> std::optional<Value> {
        if (v < key.min || v > key.max) {
            if (key.type == KeyType::Integer) return fail(expectedText(key));
            std::string what = key.type == KeyType::Size ? "a size"
                               : key.whole_seconds       ? "a duration in whole seconds"
                                                         : "a duration";
            return fail(what + " from " + boundText(key, key.min) + " to " + boundText(key, key.max) +
                        specialsText(key));
        }
        return Value{v};
    };
    for (const auto& [word, value] : key.specials)
        if (text == word) return Value{value};
    switch (key.type) {
        case KeyType::Bool:
            if (auto b = parseBool(text)) return Value{*b};
            return fail(expectedText(key));
        case KeyType::Integer:
            if (auto i = parseInteger(text)) return inRange(*i);
            return fail(expectedText(key));
        case KeyType::Float:
            if (auto d = parseFloat(text); d && *d > key.float_above) return Value{*d};
            return fail(expectedText(key));
        case KeyType::String: {
            std::string s(text);
            if (key.check) {
                std::string e = key.check(s);
                if (!e.empty()) return fail(e);
            }
            return Value{std::move(s)};
        }
        case KeyType::Enum:
            for (const std::string& w : key.words)
                if (text == w) return Value{w};
            return fail(expectedText(key));
        case KeyType::Duration: {
            if (key.whole_seconds) {
                if (auto secs = parseInteger(text)) {
                    if (*secs < 0 || *secs > key.max / kSecond) return fail(expectedText(key));
                    return inRange(*secs * kSecond);
                }
            }
            // HOCON's rule, which EMQX's configs rely on: a bare integer duration is milliseconds.
            auto ms = parseInteger(text);
            if (!ms) ms = parseDuration(text);
            if (!ms || *ms < 0) return fail(expectedText(key));
            if (key.whole_seconds && *ms % kSecond != 0) return fail(expectedText(key));
            return inRange(*ms);
        }
        case KeyType::Size: {
            // HOCON's rule: a bare integer size is bytes.
            auto b = parseInteger(text);
            if (!b) b = parseSize(text);
            if (!b || *b < 0) return fail(expectedText(key));
            return inRange(*b);
        }
        case KeyType::TableList: return fail(expectedText(key));
    }
    return fail(expectedText(key));
}

std::vector<std::string> listItems(const std::string& joined) {
    std::vector<std::string> items;
    size_t start = 0;
    while (!joined.empty() && start <= joined.size()) {
        size_t comma = joined.find(',', start);
        items.push_back(joined.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return items;
}

std::optional<std::string> integerWords(const KeyDef& key, int64_t v) {
    // The default's own spelling wins when it means the same value (0 written "infinity").
    for (const auto& [word, value] : key.specials)
        if (value == v) return word;
    switch (key.type) {
        case KeyType::Duration: return formatDuration(v);
        case KeyType::Size: return formatSize(v);
        default: return std::nullopt;
    }
}

namespace {
std::string renderScalar(const KeyDef& key, const Scalar& s) {
    if (auto* b = std::get_if<bool>(&s)) return *b ? "true" : "false";
    if (auto* str = std::get_if<std::string>(&s); str && key.string_list) {
        std::string out = "[";
        for (const std::string& item : listItems(*str)) out += (out.size() > 1 ? ", " : "") + quoteString(item);
        return out + "]";
    }
    if (auto* d = std::get_if<double>(&s)) return formatFloat(*d);
    if (auto* str = std::get_if<std::string>(&s)) return quoteString(*str);
    int64_t v = std::get<int64_t>(s);
    if (auto words = integerWords(key, v)) return quoteString(*words);
    return std::to_string(v);
}
}  // namespace

std::string renderValue(const KeyDef& key, const Value& value) {
    if (auto* rows = std::get_if<std::vector<TableRow>>(&value)) {
        std::string out = "[";
        for (size_t i = 0; i < rows->size(); ++i) {
            out += i ? ", {" : "{";
            bool first = true;
            for (const KeyDef& f : key.fields) {  // field order, not map order
                auto it = (*rows)[i].find(f.path);
                if (it == (*rows)[i].end()) continue;
                out += (first ? "" : ", ") + f.path + " = " + renderScalar(f, it->second);
                first = false;
            }
            out += "}";
        }
        return out + "]";
    }
    Scalar s = std::visit(
        [](const auto& v) -> Scalar {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::vector<TableRow>>)
                return false;  // handled above
            else return v;
        },
        value);
    return renderScalar(key, s);
}

namespace {
Value defaultValue(const KeyDef& key) {
    if (key.type == KeyType::TableList) return std::vector<TableRow>{};  // every list key defaults to []
    std::string expected;
    auto v = parseKeyText(key, key.default_text, expected);
    // A bad default is a bug in the table: a unit test loads every default.
    return v ? *v : Value{int64_t{0}};
}
}  // namespace

ListenerConfig defaultListener(const std::string& type, const std::string& name) {
    ListenerConfig l;
    l.type = type;
    l.name = name;
    BrokerConfig scratch;
    const std::string prefix = "listeners." + type + ".";
    for (const KeyDef& key : configKeys())
        if (key.listener && key.path.starts_with(prefix)) key.set(scratch, &l, defaultValue(key));
    return l;
}

BrokerConfig defaultConfig() {
    BrokerConfig c;
    for (const KeyDef& key : configKeys())
        if (!key.listener) key.set(c, nullptr, defaultValue(key));
    // Ordered by id. ssl and wss are off by default: a fresh start needs no certificates.
    const std::string def(kDefaultListenerName);
    c.listeners = {defaultListener("ssl", def), defaultListener("tcp", def), defaultListener("ws", def),
                   defaultListener("wss", def)};
    return c;
}

void forEachSetting(const BrokerConfig& config,
                    const std::function<void(const KeyDef& key, const ListenerConfig* listener)>& visit) {
    bool listeners_done = false;
    for (const KeyDef& key : configKeys()) {
        if (!key.listener) {
            visit(key, nullptr);
            continue;
        }
        if (listeners_done) continue;
        listeners_done = true;  // all listener rows are contiguous: visit them per listener
        std::vector<const ListenerConfig*> sorted;
        for (const ListenerConfig& l : config.listeners) sorted.push_back(&l);
        std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->id() < b->id(); });
        for (const ListenerConfig* l : sorted)
            for (const KeyDef& lk : configKeys())
                if (lk.listener && lk.path.starts_with("listeners." + l->type + ".")) visit(lk, l);
    }
}

std::string renderConfig(const BrokerConfig& config) {
    std::string out;
    std::string section;
    forEachSetting(config, [&](const KeyDef& key, const ListenerConfig* l) {
        std::vector<std::string> segs = key.segments();
        std::string sec;
        for (size_t i = 0; i + 1 < segs.size(); ++i) {
            std::string s = segs[i] == kListenerPlaceholder ? l->name : segs[i];
            sec += (i ? "." : "") + s;
        }
        if (sec != section) {
            out += (out.empty() ? "[" : "\n[") + sec + "]\n";
            section = sec;
        }
        out += segs.back() + " = " + renderValue(key, key.get(config, l)) + "\n";
    });
    return out;
}

}  // namespace emqx::config
