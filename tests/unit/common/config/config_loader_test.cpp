// Loading etc/emqx.toml + EMQX_* env overrides: values, every error form (with
// its exact line), env overrides, and the shipped file.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "common/config/config_keys.h"
#include "common/config/config_loader.h"

using namespace emqx::config;

namespace {

using Env = std::map<std::string, std::string>;

// A config file in a fresh temp directory, removed on destruction.
struct TempFile {
    std::filesystem::path dir;
    std::filesystem::path path;
    explicit TempFile(const std::string& text) {
        static int counter = 0;
        dir = std::filesystem::temp_directory_path() /
              ("emqx-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::create_directories(dir);
        path = dir / "emqx.toml";
        std::ofstream(path, std::ios::binary) << text;
    }
    ~TempFile() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

struct Result {
    bool ok = false;
    BrokerConfig config;
    std::vector<std::string> errors;  // the temp path shown as "emqx.toml"
};

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
        s.replace(pos, from.size(), to);
    return s;
}

Result loadPath(const std::string& path, const Env& env = {}) {
    Result r;
    std::vector<ConfigError> errors;
    r.ok = loadConfig(path, env, r.config, errors);
    for (const ConfigError& e : errors)
        r.errors.push_back(path.empty() ? e.message : replaceAll(e.message, path, "emqx.toml"));
    return r;
}

Result load(const std::string& text, const Env& env = {}) {
    TempFile f(text);
    return loadPath(f.path.string(), env);
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& l : lines) out += l + "\n";
    return out;
}

const ListenerConfig* listener(const BrokerConfig& c, const std::string& id) {
    for (const ListenerConfig& l : c.listeners)
        if (l.id() == id) return &l;
    return nullptr;
}

// One error expected: returns it (or the whole list when there are more).
std::string onlyError(const std::string& text, const Env& env = {}) {
    Result r = load(text, env);
    REQUIRE_FALSE(r.ok);
    if (r.errors.size() != 1) return joined(r.errors);
    return r.errors[0];
}

}  // namespace

// ---- defaults and the key table ---------------------------------------------

TEST_CASE("no file, no env: the table defaults, listeners tcp, ws on; ssl, wss off", "[config]") {
    Result r = loadPath("");
    REQUIRE(r.ok);
    REQUIRE(r.errors.empty());
    REQUIRE(r.config.listeners.size() == 4);
    const ListenerConfig& l = *listener(r.config, "tcp:default");
    CHECK(l.id() == "tcp:default");
    CHECK(l.bind == "0.0.0.0:1883");
    CHECK(l.enable);
    CHECK_FALSE(listener(r.config, "ssl:default")->enable);  // a fresh start needs no certificates
    CHECK(listener(r.config, "ssl:default")->bind == "0.0.0.0:8883");
    CHECK(listener(r.config, "ssl:default")->ssl_options.versions == "tlsv1.3,tlsv1.2");
    CHECK(listener(r.config, "ssl:default")->ssl_options.handshake_timeout == 15000);
    CHECK(listener(r.config, "ws:default")->enable);
    CHECK(listener(r.config, "ws:default")->bind == "0.0.0.0:8083");
    CHECK(listener(r.config, "ws:default")->websocket.mqtt_path == "/mqtt");
    CHECK_FALSE(listener(r.config, "wss:default")->enable);
    CHECK(listener(r.config, "wss:default")->bind == "0.0.0.0:8084");
    CHECK(r.config.node.name == "emqx@127.0.0.1");
    CHECK(r.config.mqtt.idle_timeout == 15000);
    CHECK(r.config.mqtt.max_packet_size == 1024 * 1024);
    CHECK(r.config.mqtt.server_keepalive == 0);
    CHECK(r.config.mqtt.await_rel_timeout == 300000);
    CHECK(r.config.sys_topics.sys_msg_interval == 60000);
    CHECK(r.config.auto_subscribe_topics.empty());
    CHECK(renderConfig(r.config) == renderConfig(defaultConfig()));
}

TEST_CASE("broker_config.h defaults agree with the key table", "[config]") {
    BrokerConfig plain;
    plain.listeners.clear();
    for (auto [type, bind, enable] :
         {std::tuple{"ssl", "0.0.0.0:8883", false}, std::tuple{"tcp", "0.0.0.0:1883", true},
          std::tuple{"ws", "0.0.0.0:8083", true}, std::tuple{"wss", "0.0.0.0:8084", false}}) {
        ListenerConfig l;
        l.type = type;
        l.bind = bind;
        l.enable = enable;
        plain.listeners.push_back(l);
    }
    CHECK(renderConfig(plain) == renderConfig(defaultConfig()));
}

TEST_CASE("key table: unique paths, valid defaults, bounds that fit their fields", "[config]") {
    std::map<std::string, int> seen;
    for (const KeyDef& key : configKeys()) {
        INFO(key.path);
        CHECK(seen[key.path]++ == 0);
        CHECK_FALSE(key.doc.empty());
        CHECK(key.doc.find('\n') == std::string::npos);
        CHECK(static_cast<bool>(key.set));
        CHECK(static_cast<bool>(key.get));
        std::vector<std::string> segs = key.segments();
        CHECK(key.listener == (segs[0] == "listeners"));
        if (key.listener) {
            REQUIRE(segs.size() >= 4);
            CHECK(segs[2] == kListenerPlaceholder);
        }
        for (const std::string& s : segs) {
            CHECK_FALSE(s.empty());
            if (s != kListenerPlaceholder)
                CHECK(s.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos);
        }
        if (key.type == KeyType::Integer || key.type == KeyType::Duration || key.type == KeyType::Size) {
            CHECK(key.min <= key.max);
            CHECK(key.max <= key.storage_max);
        }
        if (key.type == KeyType::TableList) {
            CHECK(key.default_text == "[]");
        } else {
            std::string expected;
            CHECK(parseKeyText(key, key.default_text, expected));
            CHECK(expected.empty());
        }
    }
}

TEST_CASE("a rendered config loads back to the same config", "[config]") {
    Result r = load(R"([mqtt]
max_inflight = 7
retry_interval = "1h30m"
server_keepalive = "2m"
keepalive_multiplier = 2
max_mqueue_len = "infinity"
[listeners.tcp.extra]
bind = "[::1]:1999"
[auto_subscribe]
topics = [{topic = "a/${clientid}", qos = 1, nl = true}, {topic = "b"}]
)");
    REQUIRE(r.ok);
    std::string text = renderConfig(r.config);
    Result again = load(text);
    REQUIRE(again.ok);
    CHECK(renderConfig(again.config) == text);
}

// ---- values from the file -----------------------------------------------------

TEST_CASE("file values of every type land in BrokerConfig", "[config]") {
    Result r = load(R"(node.name = "emqx@10.0.0.5"
node.workers = 4

[mqtt]
max_inflight = 64
idle_timeout = "500ms"
max_packet_size = "2MB"
keepalive_multiplier = 2.5
server_keepalive = "1m"
shared_subscription_strategy = "sticky"
retain_available = false
max_subscriptions = 10
session_expiry_interval = "1d"

[sys_topics]
sys_msg_interval = "disabled"
sys_event_messages = { client_connected = false }

[log]
console.level = "debug"
file.rotation_size = "10MB"
file.path = "/var/log/emqx.log"

[auto_subscribe]
topics = [
  {topic = "a/${clientid}", qos = 1, rh = 2, rap = true, nl = true},
  {topic = "b/#"},
]
)");
    INFO(joined(r.errors));
    REQUIRE(r.ok);
    const BrokerConfig& c = r.config;
    CHECK(c.node.name == "emqx@10.0.0.5");
    CHECK(c.node.workers == 4);
    CHECK(c.mqtt.max_inflight == 64);
    CHECK(c.mqtt.idle_timeout == 500);
    CHECK(c.mqtt.max_packet_size == 2 * 1024 * 1024);
    CHECK(c.mqtt.keepalive_multiplier == 2.5);
    CHECK(c.mqtt.server_keepalive == 60);  // held in seconds
    CHECK(c.mqtt.shared_subscription_strategy == "sticky");
    CHECK_FALSE(c.mqtt.retain_available);
    CHECK(c.mqtt.max_subscriptions == 10);
    CHECK(c.mqtt.session_expiry_interval == 86400000);
    CHECK(c.sys_topics.sys_msg_interval == 0);
    CHECK_FALSE(c.sys_topics.sys_event_messages.client_connected);
    CHECK(c.sys_topics.sys_event_messages.client_disconnected);
    CHECK(c.log.console_level == "debug");
    CHECK(c.log.file_rotation_size == 10 * 1024 * 1024);
    CHECK(c.log.file_path == "/var/log/emqx.log");
    REQUIRE(c.auto_subscribe_topics.size() == 2);
    CHECK(c.auto_subscribe_topics[0].topic == "a/${clientid}");
    CHECK(c.auto_subscribe_topics[0].qos == 1);
    CHECK(c.auto_subscribe_topics[0].rh == 2);
    CHECK(c.auto_subscribe_topics[0].rap);
    CHECK(c.auto_subscribe_topics[0].nl);
    CHECK(c.auto_subscribe_topics[1].topic == "b/#");
    CHECK(c.auto_subscribe_topics[1].qos == 0);
    CHECK_FALSE(c.auto_subscribe_topics[1].nl);
}

TEST_CASE("listeners: more, disabled, bind forms, ordered by id", "[config]") {
    Result r = load(R"([listeners.tcp.default]
enable = false

[listeners.tcp.b-2]
bind = "1883"
tcp_options.nodelay = false
tcp_options.backlog = 128
tcp_options.send_timeout = "5s"
tcp_options.buffer = "64KB"

[listeners.tcp.a_1]
bind = "[::]:8883"
max_connections = 10
)");
    INFO(joined(r.errors));
    REQUIRE(r.ok);
    REQUIRE(r.config.listeners.size() == 6);  // and ssl, ws, wss default
    CHECK(r.config.listeners[1].id() == "tcp:a_1");
    CHECK(r.config.listeners[2].id() == "tcp:b-2");
    CHECK(r.config.listeners[3].id() == "tcp:default");
    const ListenerConfig* def = listener(r.config, "tcp:default");
    CHECK_FALSE(def->enable);  // kept, not started
    CHECK(def->bind == "0.0.0.0:1883");
    const ListenerConfig* b = listener(r.config, "tcp:b-2");
    CHECK(b->bind == "0.0.0.0:1883");  // "1883" normalised; default is disabled so no clash
    CHECK_FALSE(b->tcp_options.nodelay);
    CHECK(b->tcp_options.backlog == 128);
    CHECK(b->tcp_options.send_timeout == 5000);
    CHECK(b->tcp_options.buffer == 65536);
    CHECK(b->max_connections == 1024000);  // defaults for the rest
    const ListenerConfig* a = listener(r.config, "tcp:a_1");
    CHECK(a->bind == "[::]:8883");
    CHECK(a->max_connections == 10);
    CHECK(a->tcp_options.nodelay);
}

TEST_CASE("an empty listener table creates a listener with defaults", "[config]") {
    Result r = load("[listeners.tcp.default]\nenable = false\n[listeners.tcp.other]\n");
    REQUIRE(r.ok);
    REQUIRE(listener(r.config, "tcp:other"));
    CHECK(listener(r.config, "tcp:other")->bind == "0.0.0.0:1883");
}

// ---- every error form -----------------------------------------------------------

TEST_CASE("error: missing file", "[config]") {
    BrokerConfig out;
    std::vector<ConfigError> errors;
    REQUIRE_FALSE(loadConfig("/nonexistent/dir/emqx.toml", {}, out, errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "/nonexistent/dir/emqx.toml: cannot read: No such file or directory");
}

TEST_CASE("error: TOML syntax error with line and column", "[config]") {
    std::string e = onlyError("[mqtt]\nmax_inflight = 32\nretry_interval = = 3\n");
    CHECK(e.rfind("emqx.toml:3:", 0) == 0);
    CHECK(e.find("emqx.toml:3:18: ") == 0);
    CHECK(e.find('\n') == std::string::npos);
    // toml++ quotes the offending text, newline included: still one line.
    std::string e2 = onlyError("[mqtt]\nretain_available = tru\n");
    CHECK(e2.rfind("emqx.toml:2:", 0) == 0);
    CHECK(e2.find('\n') == std::string::npos);
}

TEST_CASE("error: syntax error still reports env errors", "[config]") {
    Result r = load("[mqtt\n", {{"EMQX_MQTT__MAX_INFLIGHT", "abc"}});
    REQUIRE(r.errors.size() == 2);
    CHECK(r.errors[0].rfind("emqx.toml:1:", 0) == 0);
    CHECK(r.errors[1] == "env EMQX_MQTT__MAX_INFLIGHT: mqtt.max_inflight: expected an integer 1..65535, got \"abc\"");
}

TEST_CASE("error: unknown keys", "[config]") {
    CHECK(onlyError("[mqtt]\n\nno_such = 1\n") == "emqx.toml:3: mqtt.no_such: unknown key");
    CHECK(onlyError("mqtt.no_such = 1\n") == "emqx.toml:1: mqtt.no_such: unknown key");
    CHECK(onlyError("\n[nope]\nx = 1\n") == "emqx.toml:2: nope: unknown key");
    CHECK(onlyError("[listeners.tcp.default]\nbindd = \"1.2.3.4:1\"\n") ==
          "emqx.toml:2: listeners.tcp.default.bindd: unknown key");
    CHECK(onlyError("\"mqtt.max_inflight\" = 3\n") == "emqx.toml:1: \"mqtt.max_inflight\": unknown key");
}

TEST_CASE("error: wrong types", "[config]") {
    CHECK(onlyError("[mqtt]\nmax_inflight = \"32\"\n") ==
          "emqx.toml:2: mqtt.max_inflight: expected an integer 1..65535, got \"32\"");
    CHECK(onlyError("[mqtt]\nretain_available = \"yes\"\n") ==
          "emqx.toml:2: mqtt.retain_available: expected true or false, got \"yes\"");
    CHECK(onlyError("[mqtt]\nretain_available = 1\n") ==
          "emqx.toml:2: mqtt.retain_available: expected true or false, got 1");
    CHECK(onlyError("[node]\ncookie = 5\n") == "emqx.toml:2: node.cookie: expected a non-empty string, got 5");
    CHECK(onlyError("mqtt = 5\n") == "emqx.toml:1: mqtt: expected a table, got 5");
    CHECK(onlyError("[mqtt]\nmax_inflight = [1]\n") ==
          "emqx.toml:2: mqtt.max_inflight: expected an integer 1..65535, got an array");
    CHECK(onlyError("[mqtt.max_inflight]\n") ==
          "emqx.toml:1: mqtt.max_inflight: expected an integer 1..65535, got a table");
    CHECK(onlyError("[mqtt]\nkeepalive_multiplier = \"1.5\"\n") ==
          "emqx.toml:2: mqtt.keepalive_multiplier: expected a number > 0, got \"1.5\"");
    CHECK(onlyError("[auto_subscribe]\ntopics = {topic = \"a\"}\n") ==
          "emqx.toml:2: auto_subscribe.topics: expected an array of tables like [{topic = \"t/1\", qos = 1}], got a "
          "table");
}

TEST_CASE("error: bad values", "[config]") {
    CHECK(onlyError("[mqtt]\nmax_inflight = 0\n") ==
          "emqx.toml:2: mqtt.max_inflight: expected an integer 1..65535, got 0");
    CHECK(onlyError("[mqtt]\nmax_inflight = 65536\n") ==
          "emqx.toml:2: mqtt.max_inflight: expected an integer 1..65535, got 65536");
    CHECK(onlyError("[mqtt]\nmax_qos_allowed = 3\n") ==
          "emqx.toml:2: mqtt.max_qos_allowed: expected an integer 0..2, got 3");
    CHECK(onlyError("[mqtt]\nmax_clientid_len = 22\n") ==
          "emqx.toml:2: mqtt.max_clientid_len: expected an integer 23..65535, got 22");
    CHECK(onlyError("[node]\nworkers = 1025\n") == "emqx.toml:2: node.workers: expected an integer 0..1024, got 1025");
    CHECK(onlyError("[mqtt]\nmax_subscriptions = \"lots\"\n") ==
          "emqx.toml:2: mqtt.max_subscriptions: expected an integer 0..4294967295 or \"infinity\", got \"lots\"");
    CHECK(onlyError("[mqtt]\nidle_timeout = -15\n") ==
          "emqx.toml:2: mqtt.idle_timeout: expected a duration like 15s or a number of milliseconds, got -15");
    CHECK(onlyError("[mqtt]\nidle_timeout = \"15x\"\n") ==
          "emqx.toml:2: mqtt.idle_timeout: expected a duration like 15s or a number of milliseconds, got \"15x\"");
    CHECK(onlyError("[mqtt]\nidle_timeout = \"disabled\"\n") ==
          "emqx.toml:2: mqtt.idle_timeout: expected a duration like 15s or a number of milliseconds, got \"disabled\"");
    CHECK(onlyError("[mqtt]\nidle_timeout = \"99999999999999999999s\"\n") ==
          "emqx.toml:2: mqtt.idle_timeout: expected a duration like 15s or a number of milliseconds, got "
          "\"99999999999999999999s\"");
    CHECK(onlyError("[mqtt]\nidle_timeout = \"2d\"\n") ==
          "emqx.toml:2: mqtt.idle_timeout: expected a duration from 1ms to 1d, got \"2d\"");
    CHECK(onlyError("[mqtt]\nserver_keepalive = -60\n") ==
          "emqx.toml:2: mqtt.server_keepalive: expected a number of seconds or a duration in whole seconds like 60s or "
          "\"disabled\", got -60");
    CHECK(onlyError("[mqtt]\nserver_keepalive = \"1500ms\"\n") ==
          "emqx.toml:2: mqtt.server_keepalive: expected a number of seconds or a duration in whole seconds like 60s or "
          "\"disabled\", got \"1500ms\"");
    CHECK(onlyError("[mqtt]\nserver_keepalive = \"65536s\"\n") ==
          "emqx.toml:2: mqtt.server_keepalive: expected a duration in whole seconds from 1s to 65535s or \"disabled\", "
          "got "
          "\"65536s\"");
    CHECK(onlyError("[mqtt]\nmax_packet_size = \"1 MB\"\n") ==
          "emqx.toml:2: mqtt.max_packet_size: expected a size like 1MB or a number of bytes, got \"1 MB\"");
    CHECK(onlyError("[mqtt]\nmax_packet_size = 15\n") ==
          "emqx.toml:2: mqtt.max_packet_size: expected a size from 16B to 256MB, got 15");
    CHECK(onlyError("[mqtt]\nmax_packet_size = \"1GB\"\n") ==
          "emqx.toml:2: mqtt.max_packet_size: expected a size from 16B to 256MB, got \"1GB\"");
    CHECK(onlyError("[mqtt]\nkeepalive_multiplier = 0\n") ==
          "emqx.toml:2: mqtt.keepalive_multiplier: expected a number > 0, got 0");
    CHECK(onlyError("[mqtt]\nkeepalive_multiplier = nan\n") ==
          "emqx.toml:2: mqtt.keepalive_multiplier: expected a number > 0, got nan");
    CHECK(onlyError("[mqtt]\nshared_subscription_strategy = \"fastest\"\n") ==
          "emqx.toml:2: mqtt.shared_subscription_strategy: expected one of random, round_robin, round_robin_per_group, "
          "sticky, local, hash_topic, hash_clientid, got \"fastest\"");
    CHECK(onlyError("[log.console]\nlevel = \"verbose\"\n") ==
          "emqx.toml:2: log.console.level: expected one of debug, info, notice, warning, error, critical, alert, "
          "emergency, got \"verbose\"");
    CHECK(onlyError("[node]\nname = \"emqx\"\n") ==
          "emqx.toml:2: node.name: expected a node name like emqx@127.0.0.1, got \"emqx\"");
    CHECK(onlyError("[node]\nname = \"emqx@\"\n") ==
          "emqx.toml:2: node.name: expected a node name like emqx@127.0.0.1, got \"emqx@\"");
    CHECK(onlyError("[node]\nname = \"a@b@c\"\n") ==
          "emqx.toml:2: node.name: expected a node name like emqx@127.0.0.1, got \"a@b@c\"");
    CHECK(onlyError("[log.file]\nrotation_count = 0\n") ==
          "emqx.toml:2: log.file.rotation_count: expected an integer 1..128, got 0");
}

TEST_CASE("error: listener binds", "[config]") {
    for (const char* bad :
         {"localhost:1883", "0.0.0.0:", "0.0.0.0:65536", "1.2.3:1883", "[::1:1883", "::1:1883", "", "x"}) {
        INFO(bad);
        CHECK(onlyError(std::string("[listeners.tcp.default]\nbind = \"") + bad + "\"\n") ==
              std::string("emqx.toml:2: listeners.tcp.default.bind: expected an address like 0.0.0.0:1883, got \"") +
                  bad + "\"");
    }
    CHECK(onlyError("[listeners.tcp.default]\nbind = 1883\n") ==
          "emqx.toml:2: listeners.tcp.default.bind: expected an address like 0.0.0.0:1883, got 1883");
}

TEST_CASE("error: unknown listener type, bad listener name", "[config]") {
    CHECK(onlyError("\n[listeners.quic.default]\nbind = \"0.0.0.0:14567\"\n") ==
          "emqx.toml:2: listeners.quic: unknown listener type (known: tcp, ssl, ws, wss)");
    CHECK(onlyError("[listeners.tcp.\"my listener\"]\n") ==
          "emqx.toml:1: listeners.tcp.\"my listener\": expected a listener name of letters, digits, _ and -, got "
          "\"my listener\"");
    CHECK(onlyError("[mqtt]\n\"a\\nb\" = 1\n") == "emqx.toml:2: mqtt.\"a\\nb\": unknown key");  // one line
    CHECK(onlyError("[mqtt]\n\"\" = 1\n") == "emqx.toml:2: mqtt.\"\": unknown key");
    CHECK(onlyError("[listeners]\ntcp = 1\n") == "emqx.toml:2: listeners.tcp: expected a table, got 1");
}

TEST_CASE("error: two enabled listeners on one bind name both", "[config]") {
    CHECK(onlyError("[listeners.tcp.second]\nenable = true\nbind = \"0.0.0.0:1883\"\n") ==
          "emqx.toml:3: listeners.tcp.second.bind: \"0.0.0.0:1883\" is also the bind of enabled listener "
          "listeners.tcp.default (the default config)");
    CHECK(onlyError("[listeners.tcp.a]\nbind = \"127.0.0.1:1\"\n[listeners.tcp.b]\nbind = \"127.0.0.1:1\"\n") ==
          "emqx.toml:4: listeners.tcp.b.bind: \"127.0.0.1:1\" is also the bind of enabled listener listeners.tcp.a "
          "(emqx.toml:2)");
    // Disabled listeners and port 0 (any free port) do not clash.
    CHECK(load("[listeners.tcp.x]\nenable = false\n").ok);
    CHECK(load("[listeners.tcp.a]\nbind = \"127.0.0.1:0\"\n[listeners.tcp.b]\nbind = \"127.0.0.1:0\"\n").ok);
}

TEST_CASE("error: auto_subscribe.topics elements", "[config]") {
    Result r = load(R"([auto_subscribe]
topics = [
  {topic = "a", qos = 3},
  {qos = 1},
  "x",
  {topic = "b", foo = 1},
  {topic = "c", rh = -1, nl = "no"},
  {topic = ""},
]
)");
    REQUIRE_FALSE(r.ok);
    CHECK(joined(r.errors) ==
          "emqx.toml:3: auto_subscribe.topics[0].qos: expected an integer 0..2, got 3\n"
          "emqx.toml:4: auto_subscribe.topics[1]: missing required key topic\n"
          "emqx.toml:5: auto_subscribe.topics[2]: expected a table like {topic = \"t/1\", qos = 1}, got \"x\"\n"
          "emqx.toml:6: auto_subscribe.topics[3].foo: unknown key\n"
          "emqx.toml:7: auto_subscribe.topics[4].nl: expected true or false, got \"no\"\n"
          "emqx.toml:7: auto_subscribe.topics[4].rh: expected an integer 0..2, got -1\n"
          "emqx.toml:8: auto_subscribe.topics[5].topic: expected a topic filter like \"c/${clientid}\", got \"\"\n");
}

TEST_CASE("errors: all of them, one line each, in line order", "[config]") {
    Result r = load(R"([mqtt]
zzz = 1
max_inflight = "x"
idle_timeout = "3x"

[node]
name = "bad"
[aaa]
)",
                    {{"EMQX_MQTT__NO_SUCH_KEY", "1"}});
    REQUIRE_FALSE(r.ok);
    CHECK(joined(r.errors) ==
          "emqx.toml:2: mqtt.zzz: unknown key\n"
          "emqx.toml:3: mqtt.max_inflight: expected an integer 1..65535, got \"x\"\n"
          "emqx.toml:4: mqtt.idle_timeout: expected a duration like 15s or a number of milliseconds, got \"3x\"\n"
          "emqx.toml:7: node.name: expected a node name like emqx@127.0.0.1, got \"bad\"\n"
          "emqx.toml:8: aaa: unknown key\n"
          "env EMQX_MQTT__NO_SUCH_KEY: mqtt.no_such_key: unknown key\n");
    for (const std::string& e : r.errors) CHECK(e.find('\n') == std::string::npos);
}

TEST_CASE("out is untouched on errors", "[config]") {
    TempFile f("[mqtt]\nmax_inflight = 0\n");
    BrokerConfig out;
    out.mqtt.max_inflight = 7;
    std::vector<ConfigError> errors;
    CHECK_FALSE(loadConfig(f.path.string(), {}, out, errors));
    CHECK(errors.size() == 1);
    CHECK(out.mqtt.max_inflight == 7);
}

// ---- environment overrides ----------------------------------------------------

TEST_CASE("env: overrides beat the file, paths are case-insensitive", "[config]") {
    Result r = load("[mqtt]\nmax_inflight = 10\nmax_mqueue_len = 5\n",
                    {{"EMQX_MQTT__MAX_INFLIGHT", "20"},
                     {"EMQX_mqtt__max_awaiting_rel", "7"},
                     {"EMQX_NODE__COOKIE", "s3cret"},
                     {"EMQX_MQTT__RETRY_INTERVAL", "2s"},
                     {"EMQX_MQTT__RETAIN_AVAILABLE", "false"},
                     {"EMQX_MQTT__KEEPALIVE_MULTIPLIER", "2"},
                     {"EMQX_MQTT__SERVER_KEEPALIVE", "disabled"},
                     {"EMQX_MQTT__MAX_PACKET_SIZE", "512KB"},
                     {"EMQX_MQTT__SHARED_SUBSCRIPTION_STRATEGY", "hash_topic"},
                     {"EMQX_SYS_TOPICS__SYS_EVENT_MESSAGES__CLIENT_CONNECTED", "false"},
                     {"EMQX_LOG__FILE__PATH", "/tmp/x.log"},
                     {"PATH", "/usr/bin"},
                     {"MQTT__MAX_INFLIGHT", "1"}});
    INFO(joined(r.errors));
    REQUIRE(r.ok);
    CHECK(r.config.mqtt.max_inflight == 20);
    CHECK(r.config.mqtt.max_mqueue_len == 5);  // file, not overridden
    CHECK(r.config.mqtt.max_awaiting_rel == 7);
    CHECK(r.config.node.cookie == "s3cret");
    CHECK(r.config.mqtt.retry_interval == 2000);
    CHECK_FALSE(r.config.mqtt.retain_available);
    CHECK(r.config.mqtt.keepalive_multiplier == 2.0);
    CHECK(r.config.mqtt.server_keepalive == 0);
    CHECK(r.config.mqtt.max_packet_size == 512 * 1024);
    CHECK(r.config.mqtt.shared_subscription_strategy == "hash_topic");
    CHECK_FALSE(r.config.sys_topics.sys_event_messages.client_connected);
    CHECK(r.config.log.file_path == "/tmp/x.log");
}

TEST_CASE("env: listener keys, and a listener only in the environment", "[config]") {
    Result r = loadPath("", {{"EMQX_LISTENERS__TCP__DEFAULT__BIND", "127.0.0.1:1883"},
                             {"EMQX_LISTENERS__TCP__DEFAULT__TCP_OPTIONS__NODELAY", "false"},
                             {"EMQX_LISTENERS__TCP__SECOND__BIND", "127.0.0.1:1884"}});
    INFO(joined(r.errors));
    REQUIRE(r.ok);
    REQUIRE(r.config.listeners.size() == 5);  // + ssl, ws, wss default
    const ListenerConfig* def = listener(r.config, "tcp:default");
    REQUIRE(def);
    CHECK(def->bind == "127.0.0.1:1883");
    CHECK_FALSE(def->tcp_options.nodelay);
    const ListenerConfig* second = listener(r.config, "tcp:second");
    REQUIRE(second);
    CHECK(second->bind == "127.0.0.1:1884");
    CHECK(second->enable);
    CHECK(second->tcp_options.nodelay);  // created with the defaults
    CHECK(second->max_connections == 1024000);
    CHECK(second->tcp_options.send_timeout == 15000);
}

TEST_CASE("env: matches a file listener whatever its case, and can disable it", "[config]") {
    Result r =
        load("[listeners.tcp.Edge]\nbind = \"127.0.0.1:2000\"\n",
             {{"EMQX_LISTENERS__TCP__EDGE__MAX_CONNECTIONS", "5"}, {"EMQX_LISTENERS__TCP__DEFAULT__ENABLE", "false"}});
    INFO(joined(r.errors));
    REQUIRE(r.ok);
    REQUIRE(r.config.listeners.size() == 5);
    REQUIRE(listener(r.config, "tcp:Edge"));
    CHECK(listener(r.config, "tcp:Edge")->max_connections == 5);
    CHECK_FALSE(listener(r.config, "tcp:default")->enable);
}

TEST_CASE("env: a listener created from env clashing with the default names both", "[config]") {
    Result r = loadPath("", {{"EMQX_LISTENERS__TCP__SECOND__MAX_CONNECTIONS", "5"}});
    REQUIRE_FALSE(r.ok);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0] ==
          "env EMQX_LISTENERS__TCP__SECOND__MAX_CONNECTIONS: listeners.tcp.second.bind: \"0.0.0.0:1883\" is also the "
          "bind of enabled listener listeners.tcp.default (the default config)");
}

TEST_CASE("env: errors name the variable", "[config]") {
    auto envError = [](const Env& env) {
        Result r = loadPath("", env);
        REQUIRE_FALSE(r.ok);
        return joined(r.errors);
    };
    CHECK(envError({{"EMQX_MQTT__MAX_INFLIGHT", "abc"}}) ==
          "env EMQX_MQTT__MAX_INFLIGHT: mqtt.max_inflight: expected an integer 1..65535, got \"abc\"\n");
    CHECK(envError({{"EMQX_MQTT__NO_SUCH_KEY", "1"}}) == "env EMQX_MQTT__NO_SUCH_KEY: mqtt.no_such_key: unknown key\n");
    CHECK(envError({{"EMQX_MQTT__IDLE_TIMEOUT", "15 s"}}) ==
          "env EMQX_MQTT__IDLE_TIMEOUT: mqtt.idle_timeout: expected a duration like 15s or a number of milliseconds, "
          "got \"15 s\"\n");
    CHECK(envError({{"EMQX_MQTT__RETAIN_AVAILABLE", "yes"}}) ==
          "env EMQX_MQTT__RETAIN_AVAILABLE: mqtt.retain_available: expected true or false, got \"yes\"\n");
    CHECK(
        envError({{"EMQX_LISTENERS__QUIC__DEFAULT__BIND", "0.0.0.0:14567"}}) ==
        "env EMQX_LISTENERS__QUIC__DEFAULT__BIND: listeners.quic: unknown listener type (known: tcp, ssl, ws, wss)\n");
    CHECK(envError({{"EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__VERSIONS", "tlsv1.1"}}) ==
          "env EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__VERSIONS: listeners.ssl.default.ssl_options.versions: "
          "expected a list of tlsv1.3, tlsv1.2, got \"tlsv1.1\"\n");
    CHECK(envError({{"EMQX_LISTENERS__TCP__DEFAULT__BIND", "nowhere"}}) ==
          "env EMQX_LISTENERS__TCP__DEFAULT__BIND: listeners.tcp.default.bind: expected an address like 0.0.0.0:1883, "
          "got \"nowhere\"\n");
    CHECK(envError({{"EMQX_MQTT____MAX_INFLIGHT", "1"}}) ==
          "env EMQX_MQTT____MAX_INFLIGHT: mqtt.\"\".max_inflight: unknown key\n");
    CHECK(envError({{"EMQX_MQTT", "5"}}) == "env EMQX_MQTT: mqtt: expected a table like {key = value}, got \"5\"\n");
    CHECK(envError({{"EMQX_AUTO_SUBSCRIBE__TOPICS", "a/b"}}) ==
          "env EMQX_AUTO_SUBSCRIBE__TOPICS: auto_subscribe.topics: expected an array of tables like [{topic = \"t/1\", "
          "qos = 1}], got \"a/b\"\n");
    CHECK(envError({{"EMQX_AUTO_SUBSCRIBE__TOPICS", "[{qos = 5, topic = \"t\"}]"}}) ==
          "env EMQX_AUTO_SUBSCRIBE__TOPICS: auto_subscribe.topics[0].qos: expected an integer 0..2, got 5\n");
}

TEST_CASE("env: whole tables and lists as TOML values", "[config]") {
    Result r = loadPath("", {{"EMQX_MQTT", "{max_inflight = 64, retry_interval = \"1m\"}"},
                             {"EMQX_AUTO_SUBSCRIBE__TOPICS", "[{topic = \"a/${clientid}\", qos = 1}]"}});
    INFO(joined(r.errors));
    REQUIRE(r.ok);
    CHECK(r.config.mqtt.max_inflight == 64);
    CHECK(r.config.mqtt.retry_interval == 60000);
    REQUIRE(r.config.auto_subscribe_topics.size() == 1);
    CHECK(r.config.auto_subscribe_topics[0].topic == "a/${clientid}");
    CHECK(r.config.auto_subscribe_topics[0].qos == 1);
}

TEST_CASE("env: EMQX_HOST names the node unless node.name is set", "[config]") {
    SECTION("not set anywhere: emqx@<host>") {
        Result r = loadPath("", {{"EMQX_HOST", "10.1.2.3"}});
        REQUIRE(r.ok);
        CHECK(r.config.node.name == "emqx@10.1.2.3");
    }
    SECTION("EMQX_NAME sets the name part") {
        Result r = loadPath("", {{"EMQX_HOST", "node1.example.com"}, {"EMQX_NAME", "broker"}});
        REQUIRE(r.ok);
        CHECK(r.config.node.name == "broker@node1.example.com");
    }
    SECTION("set in the file: the file wins") {
        Result r = load("node.name = \"a@b\"\n", {{"EMQX_HOST", "10.1.2.3"}});
        REQUIRE(r.ok);
        CHECK(r.config.node.name == "a@b");
    }
    SECTION("set by EMQX_NODE__NAME: that wins") {
        Result r = loadPath("", {{"EMQX_HOST", "10.1.2.3"}, {"EMQX_NODE__NAME", "x@y"}});
        REQUIRE(r.ok);
        CHECK(r.config.node.name == "x@y");
    }
    SECTION("a host that makes a bad name is an error naming EMQX_HOST") {
        Result r = loadPath("", {{"EMQX_HOST", "bad host"}});
        REQUIRE_FALSE(r.ok);
        REQUIRE(r.errors.size() == 1);
        CHECK(r.errors[0] ==
              "env EMQX_HOST: node.name: expected a node name like emqx@127.0.0.1, got \"emqx@bad host\"");
    }
}

TEST_CASE("env: known non-config EMQX_ variables are ignored", "[config]") {
    Result r = loadPath("", {{"EMQX_NODE_NAME", "whatever"},
                             {"EMQX_NODE_COOKIE", "x"},
                             {"EMQX_LOG_DIR", "/var/log/emqx"},
                             {"EMQX_NAME", "emqx"},
                             {"EMQX_HOST", ""}});
    INFO(joined(r.errors));
    REQUIRE(r.ok);
    CHECK(renderConfig(r.config) == renderConfig(defaultConfig()));
}

// ---- the shipped etc/emqx.toml ------------------------------------------------------

namespace {
const std::string kShippedFile = std::string(EMQX_SOURCE_DIR) + "/etc/emqx.toml";

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
}  // namespace

TEST_CASE("shipped etc/emqx.toml is the generated default file", "[config]") {
    INFO("regenerate with: unit_tests \"[.regen-config]\"");
    CHECK(readFile(kShippedFile) == defaultConfigFile());
}

TEST_CASE("loading the shipped etc/emqx.toml gives the defaults", "[config]") {
    Result r = loadPath(kShippedFile);
    INFO(joined(r.errors));
    REQUIRE(r.ok);
    CHECK(renderConfig(r.config) == renderConfig(defaultConfig()));
}

TEST_CASE("the shipped etc/emqx.toml leaves node.name to EMQX_HOST (the FAQ's Docker recipe)", "[config]") {
    CHECK(readFile(kShippedFile).find("\n# name = \"emqx@127.0.0.1\"\n") != std::string::npos);
    Result host = loadPath(kShippedFile, {{"EMQX_HOST", "10.1.2.3"}});
    REQUIRE(host.ok);
    CHECK(host.config.node.name == "emqx@10.1.2.3");
    Result both = loadPath(kShippedFile, {{"EMQX_HOST", "10.1.2.3"}, {"EMQX_NODE__NAME", "x@y"}});
    REQUIRE(both.ok);
    CHECK(both.config.node.name == "x@y");
}

TEST_CASE("the generated file: every key once, sections once, a commented example", "[config]") {
    std::string text = defaultConfigFile();
    TempFile f(text);
    Result r = loadPath(f.path.string());
    REQUIRE(r.ok);
    std::map<std::string, int> sections;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] == '[') CHECK(sections[line]++ == 0);
    CHECK(sections.count("[listeners.tcp.default]") == 1);
    CHECK(text.find("\ntopics = []\n") != std::string::npos);
    CHECK(text.find("#   {topic = \"c/${clientid}\", qos = 1") != std::string::npos);
    CHECK(text.find("# Node name, <name>@<host>") < text.find("[listeners.tcp.default]"));
    CHECK(text.find("[listeners.tcp.default]") < text.find("[mqtt]"));
    CHECK(text.find("[mqtt]") < text.find("[sys_topics]"));
    CHECK(text.find("[sys_topics]") < text.find("[auto_subscribe]"));
    CHECK(text.find("[auto_subscribe]") < text.find("[log.console]"));
    CHECK(text.find("# Largest MQTT packet accepted (default: 1MB)\nmax_packet_size = \"1MB\"\n") != std::string::npos);
    // The example, uncommented, is a valid value.
    Result ex = load(
        "[auto_subscribe]\ntopics = [\n  {topic = \"c/${clientid}\", qos = 1, rh = 0, rap = false, nl = false},\n]\n");
    CHECK(ex.ok);
}

// Not run by default: rewrites etc/emqx.toml from the key table.
TEST_CASE("regenerate etc/emqx.toml", "[.regen-config]") {
    std::ofstream(kShippedFile, std::ios::binary) << defaultConfigFile();
    CHECK(readFile(kShippedFile) == defaultConfigFile());
}

TEST_CASE("server_keepalive takes a bare number of seconds, as EMQX writes it", "[config]") {
    Result file = load("[mqtt]\nserver_keepalive = 60\n");
    REQUIRE(file.ok);
    CHECK(file.config.mqtt.server_keepalive == 60);
    Result env = loadPath("", {{"EMQX_MQTT__SERVER_KEEPALIVE", "45"}});
    REQUIRE(env.ok);
    CHECK(env.config.mqtt.server_keepalive == 45);
}

TEST_CASE("a bare integer is milliseconds for a duration and bytes for a size (HOCON's rule)", "[config]") {
    Result file = load("[mqtt]\nidle_timeout = 2500\nretry_interval = \"45000\"\nmax_packet_size = 4096\n");
    REQUIRE(file.ok);
    CHECK(file.config.mqtt.idle_timeout == 2500);
    CHECK(file.config.mqtt.retry_interval == 45000);
    CHECK(file.config.mqtt.max_packet_size == 4096);
    Result env = loadPath("", {{"EMQX_MQTT__IDLE_TIMEOUT", "15000"}, {"EMQX_MQTT__MAX_PACKET_SIZE", "2048"}});
    REQUIRE(env.ok);
    CHECK(env.config.mqtt.idle_timeout == 15000);
    CHECK(env.config.mqtt.max_packet_size == 2048);
}

TEST_CASE("env: EMQX_ names outside the config's sections are not ours and are ignored", "[config]") {
    // CI and launch scripts set variables such as EMQX_FUZZ_SECONDS; EMQX ignores them too.
    Result r = loadPath("", {{"EMQX_FOO", "1"}, {"EMQX_FUZZ_SECONDS", "20"}, {"EMQX_MQTT__MAX_INFLIGHT", "7"}});
    REQUIRE(r.ok);
    CHECK(r.config.mqtt.max_inflight == 7);
}

TEST_CASE("dashboard.listeners.https: off by default (bind 0, as EMQX), ssl_options as the ssl listeners'",
          "[config]") {
    Result def = loadPath("", {});
    REQUIRE(def.ok);
    CHECK(def.config.dashboard_https.bind == "0.0.0.0:0");
    CHECK(def.config.dashboard_https.enable);
    CHECK(def.config.dashboard_https.max_connections == 512);
    CHECK(def.config.dashboard_https.idle_timeout == 60000);
    CHECK(def.config.dashboard_https.ssl_options.versions == "tlsv1.3,tlsv1.2");
    CHECK(def.config.dashboard_https.ssl_options.handshake_timeout == 15000);
    CHECK(def.config.dashboard_https.ssl_options.verify == "verify_none");
    CHECK(def.config.dashboard_http.bind == "0.0.0.0:18083");  // the http listener keeps its own values

    Result r = load(
        "[dashboard.listeners.https]\nbind = 18084\nmax_connections = 9\nidle_timeout = \"7s\"\n"
        "ssl_options.certfile = \"/c.pem\"\nssl_options.keyfile = \"/k.pem\"\nssl_options.cacertfile = \"/ca.pem\"\n"
        "ssl_options.verify = \"verify_peer\"\nssl_options.fail_if_no_peer_cert = true\n"
        "ssl_options.versions = [\"tlsv1.2\"]\nssl_options.ciphers = [\"ECDHE-RSA-AES128-GCM-SHA256\"]\n"
        "ssl_options.reuse_sessions = false\nssl_options.handshake_timeout = \"3s\"\n"
        "ssl_options.crlfile = \"/crl.pem\"\nssl_options.enable_crl_check = true\n");
    REQUIRE(r.ok);
    const DashboardHttpsConfig& h = r.config.dashboard_https;
    CHECK(h.bind == "0.0.0.0:18084");
    CHECK(h.max_connections == 9);
    CHECK(h.idle_timeout == 7000);
    CHECK(h.ssl_options.certfile == "/c.pem");
    CHECK(h.ssl_options.keyfile == "/k.pem");
    CHECK(h.ssl_options.cacertfile == "/ca.pem");
    CHECK(h.ssl_options.verify == "verify_peer");
    CHECK(h.ssl_options.fail_if_no_peer_cert);
    CHECK(h.ssl_options.versions == "tlsv1.2");
    CHECK(h.ssl_options.ciphers == "ECDHE-RSA-AES128-GCM-SHA256");
    CHECK_FALSE(h.ssl_options.reuse_sessions);
    CHECK(h.ssl_options.handshake_timeout == 3000);
    CHECK(h.ssl_options.crlfile == "/crl.pem");
    CHECK(h.ssl_options.enable_crl_check);
    CHECK(r.config.dashboard_http.max_connections == 512);
    CHECK(r.config.listeners.size() == def.config.listeners.size());  // no listener of the MQTT kind made

    Result env = loadPath("", {{"EMQX_DASHBOARD__LISTENERS__HTTPS__BIND", "127.0.0.1:18094"},
                               {"EMQX_DASHBOARD__LISTENERS__HTTPS__SSL_OPTIONS__CERTFILE", "/env.pem"}});
    REQUIRE(env.ok);
    CHECK(env.config.dashboard_https.bind == "127.0.0.1:18094");
    CHECK(env.config.dashboard_https.ssl_options.certfile == "/env.pem");
}

TEST_CASE("dashboard.listeners.https: bad values name the key and the line", "[config]") {
    Result v = load("[dashboard.listeners.https]\nssl_options.versions = [\"tlsv1.1\"]\n");
    REQUIRE_FALSE(v.ok);
    CHECK(joined(v.errors).find(
              "emqx.toml:2: dashboard.listeners.https.ssl_options.versions: expected a list of tlsv1.3, tlsv1.2") !=
          std::string::npos);
    Result verify = load("[dashboard.listeners.https]\nssl_options.verify = \"always\"\n");
    REQUIRE_FALSE(verify.ok);
    CHECK(joined(verify.errors).find("emqx.toml:2: dashboard.listeners.https.ssl_options.verify") != std::string::npos);
    CHECK_FALSE(load("[dashboard.listeners.https]\nbind = 70000\n").ok);
    CHECK_FALSE(load("[dashboard.listeners.https]\nssl_options.certfil = \"/c.pem\"\n").ok);
}

TEST_CASE("dashboard.listeners.http.bind takes EMQX's bare integers: 0 turns the API off", "[config]") {
    Result off = load("[dashboard.listeners.http]\nbind = 0\n");
    REQUIRE(off.ok);
    CHECK(off.config.dashboard_http.bind == "0.0.0.0:0");
    Result port = load("[dashboard.listeners.http]\nbind = 18084\nidle_timeout = \"5s\"\nmax_connections = 8\n");
    REQUIRE(port.ok);
    CHECK(port.config.dashboard_http.bind == "0.0.0.0:18084");
    CHECK(port.config.dashboard_http.idle_timeout == 5000);
    CHECK(port.config.dashboard_http.max_connections == 8);
    CHECK_FALSE(load("[dashboard.listeners.http]\nbind = 70000\n").ok);
    Result env = loadPath("", {{"EMQX_DASHBOARD__LISTENERS__HTTP__BIND", "127.0.0.1:18090"},
                               {"EMQX_API_KEY__BOOTSTRAP_FILE", "/etc/keys.txt"}});
    REQUIRE(env.ok);
    CHECK(env.config.dashboard_http.bind == "127.0.0.1:18090");
    CHECK(env.config.api_key.bootstrap_file == "/etc/keys.txt");
}
