// The configuration as JSON (GET /api/v5/configs): every key of the table
// nested by its path, values written as in the file, secrets redacted.
#include <catch2/catch.hpp>

#include <algorithm>

#include "common/config/config_json.h"
#include "common/config/config_keys.h"

using namespace emqx::config;

namespace {

// The JSON at a key's dotted path ("*" read as the listener name "default").
const nlohmann::json* at(const nlohmann::json& j, const KeyDef& key) {
    const nlohmann::json* node = &j;
    for (const std::string& s : key.segments()) {
        std::string name = s == kListenerPlaceholder ? std::string(kDefaultListenerName) : s;
        if (!node->is_object() || !node->contains(name)) return nullptr;
        node = &(*node)[name];
    }
    return node;
}

}  // namespace

TEST_CASE("every key of the table is in the JSON, grouped by root", "[config-json]") {
    nlohmann::json j = configJson(defaultConfig());
    for (const KeyDef& key : configKeys()) {
        INFO(key.path);
        CHECK(at(j, key) != nullptr);
    }
    std::vector<std::string> roots = configRoots();
    CHECK(j.size() == roots.size());
    for (const std::string& root : roots) CHECK(j.contains(root));
    CHECK(std::count(roots.begin(), roots.end(), "mqtt") == 1);
}

TEST_CASE("values are written as in the file", "[config-json]") {
    BrokerConfig c = defaultConfig();
    c.mqtt.max_inflight = 7;
    c.mqtt.max_mqueue_len = 0;
    c.mqtt.session_expiry_interval = 90 * 60 * 1000;
    c.mqtt.max_packet_size = 2 * 1024 * 1024;
    for (ListenerConfig& l : c.listeners)
        if (l.type == "ssl") l.ssl_options.versions = "tlsv1.3";
    nlohmann::json j = configJson(c);
    CHECK(j["mqtt"]["max_inflight"] == 7);
    CHECK(j["mqtt"]["max_mqueue_len"] == "infinity");
    CHECK(j["mqtt"]["session_expiry_interval"] == "1h30m");
    CHECK(j["mqtt"]["max_packet_size"] == "2MB");
    CHECK(j["listeners"]["tcp"]["default"]["bind"] == "0.0.0.0:1883");
    CHECK(j["listeners"]["ssl"]["default"]["ssl_options"]["versions"] == nlohmann::json::array({"tlsv1.3"}));
    CHECK(j["listeners"]["ssl"]["default"]["ssl_options"]["ciphers"] == nlohmann::json::array());
    CHECK(j["listeners"]["tcp"]["default"]["enable"] == true);
}

TEST_CASE("table lists are arrays of objects", "[config-json]") {
    BrokerConfig c = defaultConfig();
    c.authorization.sources.push_back({"file", true, "etc/acl.conf"});
    AuthenticatorConfig allow;
    allow.mechanism = "clientid_allowlist";
    allow.clientids = "a,b";
    c.authentication.push_back(allow);
    nlohmann::json j = configJson(c);
    CHECK(j["authorization"]["sources"] ==
          nlohmann::json::parse(R"([{"type": "file", "enable": true, "path": "etc/acl.conf"}])"));
    CHECK(j["authentication"][0]["mechanism"] == "clientid_allowlist");
    CHECK(j["authentication"][0]["clientids"] == nlohmann::json::array({"a", "b"}));
}

TEST_CASE("secret keys read ****** whatever their value", "[config-json]") {
    BrokerConfig c = defaultConfig();
    c.node.cookie = "a-cookie-nobody-may-read";
    c.dashboard.default_password = "";
    nlohmann::json j = configJson(c);
    CHECK(j["node"]["cookie"] == "******");
    CHECK(j["dashboard"]["default_password"] == "******");
    CHECK(j.dump().find("a-cookie-nobody-may-read") == std::string::npos);
    CHECK(j["dashboard"]["default_username"] == "admin");
}
