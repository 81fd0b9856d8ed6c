#pragma once
// The broker's typed configuration, filled by the loader (config_loader.h) from
// the key table (config_keys.cpp): every key is declared once there, with its
// path, type, default, bounds and doc line.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace emqx::config {

using Millis = int64_t;  // durations ("15s", "2h", "500ms") are held in milliseconds

// The most bytes one read takes from a socket: the size of each worker's read
// buffer, and the bound of tcp_options.buffer.
inline constexpr uint64_t kReadBufferLimit = 64 * 1024;

struct NodeConfig {
    std::string name = "emqx@127.0.0.1";
    std::string cookie = "emqxsecretcookie";
    std::string data_dir = "data";
    std::string ctl_socket;  // empty: <data_dir>/emqxd.sock
    unsigned workers = 0;    // 0: one per CPU core
    // At low load every worker loop runs on one thread (the Erlang VM's +scl).
    bool worker_compaction = true;
    // A CONNECT for a client id whose session another worker owns:
    // move_connection moves the socket to the session, move_session hands the
    // session over to the socket's worker (the way sessions move between nodes).
    std::string session_handover = "move_connection";
};

struct TcpOptions {
    bool nodelay = true;
    int backlog = 1024;
    Millis send_timeout = 15000;
    uint64_t buffer = 0;  // most bytes one read takes (EMQX's user-space buffer), 0: kReadBufferLimit
    uint64_t sndbuf = 0;  // SO_SNDBUF in bytes, 0: OS default
    uint64_t recbuf = 0;  // SO_RCVBUF in bytes, 0: OS default
    bool send_timeout_close = true;
};

// ssl_options of the ssl and wss listeners and of dashboard.listeners.https (EMQX 5 names).
struct SslOptions {
    std::string certfile;
    std::string keyfile;
    std::string cacertfile;
    std::string verify = "verify_none";  // verify_none | verify_peer
    bool fail_if_no_peer_cert = false;
    std::string versions = "tlsv1.3,tlsv1.2";  // comma-joined list (an array in the file)
    std::string ciphers;                       // comma-joined list; empty: OpenSSL's defaults
    bool reuse_sessions = true;
    Millis handshake_timeout = 15000;
    std::string crlfile;  // PEM CRLs checked when enable_crl_check
    bool enable_crl_check = false;
};

// websocket options of the ws and wss listeners.
struct WebsocketOptions {
    std::string mqtt_path = "/mqtt";
    uint64_t max_frame_size = 0;                           // 0: infinity (still bounded by mqtt.max_packet_size)
    std::string proxy_address_header = "x-forwarded-for";  // empty: ignore proxies
};

struct ListenerConfig {
    std::string type = "tcp";  // tcp, ssl, ws, wss
    std::string name = "default";
    bool enable = true;
    std::string bind = "0.0.0.0:1883";
    uint64_t max_connections = 1024000;
    // Rates as EMQX writes them ("infinity", "1000/s", "10MB/s"); parsed with
    // config::parseRate, which the loader has already checked them against.
    std::string max_conn_rate = "infinity";  // new connections accepted by this listener
    std::string messages_rate = "infinity";  // PUBLISH packets received, per client
    std::string bytes_rate = "infinity";     // bytes received, per client
    TcpOptions tcp_options;
    SslOptions ssl_options;      // ssl, wss
    WebsocketOptions websocket;  // ws, wss
    std::string id() const { return type + ":" + name; }
};

struct MqttConfig {
    uint64_t max_packet_size = 1024 * 1024;
    unsigned max_clientid_len = 65535;
    unsigned max_topic_levels = 128;
    unsigned max_topic_alias = 65535;
    unsigned max_qos_allowed = 2;
    bool retain_available = true;
    bool wildcard_subscription = true;
    bool shared_subscription = true;
    bool ignore_loop_deliver = false;
    Millis idle_timeout = 15000;
    double keepalive_multiplier = 1.5;
    unsigned server_keepalive = 0;  // 0: disabled ("disabled" in the file)
    unsigned max_inflight = 32;
    Millis retry_interval = 30000;
    unsigned max_awaiting_rel = 100;
    Millis await_rel_timeout = 300000;
    Millis session_expiry_interval = 2 * 3600 * 1000;
    unsigned max_mqueue_len = 1000;  // 0: unlimited
    bool mqueue_store_qos0 = true;
    std::string shared_subscription_strategy = "round_robin";
    unsigned max_subscriptions = 0;  // 0: unlimited
    bool strict_mode = false;
    bool use_username_as_clientid = false;
    // disabled | cn | dn | crt | pem | md5: take the username / client id from
    // the TLS client certificate (EMQX's values).
    std::string peer_cert_as_username = "disabled";
    std::string peer_cert_as_clientid = "disabled";
    unsigned max_conn_per_username = 0;  // 0: unlimited
    // With a non-empty `authentication` chain: admit a client that no
    // authenticator allowed or denied (all answered ignore). docs/security.md
    bool allow_anonymous = false;
};

struct SysEventMessages {
    bool client_connected = true;
    bool client_disconnected = true;
};

struct SysTopicsConfig {
    Millis sys_msg_interval = 60000;        // 0: disabled
    Millis sys_heartbeat_interval = 30000;  // 0: disabled
    SysEventMessages sys_event_messages;
};

struct AutoSubscribeTopic {
    std::string topic;  // may hold ${clientid} and ${username}
    unsigned qos = 0;
    unsigned rh = 0;
    bool rap = false;
    bool nl = false;
};

struct LogConfig {
    bool console_enable = true;
    std::string console_level = "warning";
    bool file_enable = true;
    std::string file_level = "warning";
    std::string file_path = "log/emqx.log";  // relative: under node.data_dir
    uint64_t file_rotation_size = 50 * 1024 * 1024;
    unsigned file_rotation_count = 10;
    // Protocol-error warnings past a burst are counted, not written, until
    // this window ends; then one summary line (EMQX's log.throttling).
    Millis throttling_time_window = 60000;
};

struct TraceConfig {
    uint64_t max_file_size = 50 * 1024 * 1024;  // a trace file stops growing here
};

struct LicenseConfig {
    std::string file;             // empty: <data_dir>/license/emqx.lic
    std::string public_key_file;  // empty: the built-in public key (tests use their own)
    // The license_quota alarm (percent of max_connections): raised above high, cleared below low.
    double connection_high_watermark = 80;
    double connection_low_watermark = 75;
};

// The alarm registry (emqxd/alarm): EMQX's alarm.* keys.
struct AlarmConfig {
    std::string actions = "log,publish";  // comma-joined: log, publish ($SYS/brokers/<node>/alarms/...)
    unsigned size_limit = 1000;           // deactivated alarms kept
    Millis validity_period = 86400000;    // a deactivated alarm is forgotten this long after it was deactivated
};

// EMQX's sysmon.os.*: the memory alarms (percent of the host's memory).
struct SysmonOsConfig {
    Millis mem_check_interval = 60000;  // 0: disabled
    double sysmem_high_watermark = 70;
    double procmem_high_watermark = 5;
};

struct ClusterConfig {
    std::string name = "emqxcl";
};

// Durable storage (emqxd/storage, docs/storage.md).
struct DurableConfig {
    bool enable = true;           // retained messages and persistent sessions in RocksDB
    std::string fsync = "batch";  // always | batch | never
};

// One element of the `authentication` chain (EMQX 5 names; the fields of
// password_hash_algorithm = {name, salt_position, mac_fun, iterations} are
// written flat in the element). docs/security.md
struct AuthenticatorConfig {
    std::string mechanism = "password_based";   // password_based | clientid_allowlist
    std::string backend = "built_in_database";  // password_based: built_in_database
    bool enable = true;
    std::string user_id_type = "username";           // username | clientid
    std::string password_hash_algorithm = "sha256";  // bcrypt | pbkdf2 | sha256 | sha512 | plain
    std::string salt_position = "prefix";            // prefix | suffix | disable (sha256, sha512)
    std::string mac_fun = "sha256";                  // pbkdf2: sha256 | sha512
    unsigned iterations = 4096;                      // pbkdf2
    unsigned salt_rounds = 10;                       // bcrypt cost
    std::string bootstrap_file;                      // CSV or JSON users imported at start
    std::string bootstrap_type = "plain";            // plain | hash
    std::string clientids;                           // clientid_allowlist: comma-joined list
};

struct AuthzSourceConfig {
    std::string type = "file";
    bool enable = true;
    std::string path;  // relative: to the working directory
};

struct AuthorizationConfig {
    std::vector<AuthzSourceConfig> sources;  // empty: every request gets no_match
    std::string no_match = "allow";          // allow | deny
    std::string deny_action = "ignore";      // ignore | disconnect
    bool cache_enable = true;
    unsigned cache_max_size = 32;
    Millis cache_ttl = 60000;
    // What a placeholder's value may hold (emqxd/authz/topic_template.h).
    bool topic_template_allow_plus = false;
    bool topic_template_allow_hash = false;
    bool topic_template_allow_slash = false;
    // Clients may publish to $SYS/# (ours; the broker alone writes it by default).
    bool allow_sys_publish = false;
    // Every message is checked against its receiver's read permission as it
    // is sent, not only the filter at SUBSCRIBE (ours; mosquitto's behaviour).
    bool check_on_delivery = false;
};

struct FlappingDetectConfig {
    bool enable = false;
    unsigned max_count = 15;
    Millis window_time = 60000;
    Millis ban_time = 300000;
};

// The HTTP API's listener (EMQX 5's dashboard.listeners.http): the REST API
// under /api/v5 and /status, and the dashboard's files (StaticFiles).
struct DashboardHttpConfig {
    bool enable = true;
    std::string bind = "0.0.0.0:18083";  // port 0: off, as EMQX's `bind = 0`
    unsigned max_connections = 512;
    // Ours: a request must arrive whole within this after the connection
    // opened or the last response was written (EMQX's cowboy has no key for it).
    Millis idle_timeout = 60000;
};

// EMQX 5's dashboard.listeners.https: the same API and dashboard over TLS,
// off by default (bind port 0) as in EMQX; with the ssl listeners' ssl_options.
struct DashboardHttpsConfig : DashboardHttpConfig {
    DashboardHttpsConfig() { bind = "0.0.0.0:0"; }
    SslOptions ssl_options;
};

// The dashboard's login (EMQX 5's dashboard.* keys; docs/http-api.md).
struct DashboardConfig {
    // The user made at the first start (no <data_dir>/admins.json yet); its
    // token may only change this password until it is changed.
    std::string default_username = "admin";
    std::string default_password = "public";
    Millis token_expired_time = 3600000;  // a token lives this long past its last use
    // EMQX 6's lock-out, counted per source address here: this many failed
    // logins within the interval lock the address out for the duration.
    unsigned unsuccessful_login_max_attempts = 5;
    Millis unsuccessful_login_interval = 300000;
    Millis unsuccessful_login_lock_duration = 600000;
    // As EMQX: a request with an Origin header gets Access-Control-Allow-Origin: *.
    bool cors = false;
    // Ours: where the dashboard's files are; "" is the emqxd/http/dashboard/ directory
    // of the source tree emqxd was built from (EMQXD_DASHBOARD_DIR).
    std::string static_dir;
};

struct PrometheusConfig {
    bool enable_basic_auth = false;  // true: /api/v5/prometheus/* want an API key, as the rest of the API
};

struct ApiKeyConfig {
    std::string bootstrap_file;  // lines key:secret[:role], read at start; empty: none
};

struct BrokerConfig {
    NodeConfig node;
    std::vector<ListenerConfig> listeners;  // ordered by id
    MqttConfig mqtt;
    SysTopicsConfig sys_topics;
    std::vector<AutoSubscribeTopic> auto_subscribe_topics;
    LogConfig log;
    TraceConfig trace;
    LicenseConfig license;
    DurableConfig durable;
    std::vector<AuthenticatorConfig> authentication;
    AuthorizationConfig authorization;
    FlappingDetectConfig flapping_detect;
    DashboardConfig dashboard;
    DashboardHttpConfig dashboard_http;
    DashboardHttpsConfig dashboard_https;
    ApiKeyConfig api_key;
    PrometheusConfig prometheus;
    AlarmConfig alarm;
    SysmonOsConfig sysmon_os;
    ClusterConfig cluster;
};

}  // namespace emqx::config
