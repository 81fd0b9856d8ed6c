#pragma once
// Command line of emqx-bench (emqtt_bench's subcommands and short flags) and
// the target address check: an IP literal (or "localhost"), nothing resolved.
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace emqx::bench {

enum class Command { Conn, Pub, Sub };

const char* commandName(Command c);

struct Options {
    Command command = Command::Conn;
    // common
    std::string host = "127.0.0.1";
    int port = 1883;               // -p; without it, EMQX's port for the transport: 1883, 8883, 8083, 8084
    int count = 200;               // -c clients
    int start_number = 0;          // -n: client sequence numbers are start_number+1 ..
    int connect_interval_ms = 10;  // -i: ms between two connection attempts (whole run)
    int max_pending = 1024;        // --max-pending: handshakes in progress at once, per thread
    int version = 4;               // -V 3|4|5
    std::optional<std::string> username;
    std::optional<std::string> password;
    std::optional<uint32_t> session_expiry;      // -x, MQTT 5
    int keepalive = 300;                         // -k seconds, 0 = off
    bool clean = true;                           // -C
    std::string prefix;                          // client id prefix
    double duration = 10;                        // seconds, (0, 3600]
    int threads = 0;                             // event loops; 0 = default
    std::string json_path;                       // --json FILE
    std::vector<sockaddr_storage> source_addrs;  // --ifaddr: client k binds to source_addrs[k % size]
    // transport
    bool ssl = false;        // -S/--ssl: TLS 1.2/1.3
    std::string cacertfile;  // verify the broker's certificate ("" = no verification)
    std::string certfile;    // client certificate (with keyfile)
    std::string keyfile;
    bool ws = false;                // --ws: MQTT over WebSocket (with --ssl: WSS)
    std::string ws_path = "/mqtt";  // --ws-path
    // pub / sub
    std::vector<std::string> topics;  // -t: pub: one topic (%i %c %rand_N); sub: its filters (%i %c), one SUBSCRIBE
    int qos = 0;                      // -q
    // pub
    int interval_ms = 1000;  // -I: ms between two publishes of one client, 0 = as fast as possible
    uint64_t limit = 0;      // -L: total messages over all publishers, 0 = no limit
    int size = 256;          // -s payload bytes
    bool retain = false;     // -r / --retain
    int inflight = 32;       // -F: unacknowledged QoS 1/2 publishes per client
};

// Parses argv into `out`. Returns -1 to go on, else the exit code (0 after
// --help, 2 on a usage error, already reported on stderr).
int parseOptions(int argc, char** argv, Options& out);

struct Target {
    sockaddr_storage addr{};
    std::string text;        // "127.0.0.1:1883" / "[::1]:1883"
    std::string host;        // -h without brackets: "127.0.0.1", "::1", "localhost"
    bool ip_literal = true;  // false for "localhost"
    bool ipv6 = false;
    bool loopback = false;
};

// Accepts an IPv4/IPv6 literal (IPv6 with or without brackets) or "localhost"
// (127.0.0.1); never resolves a name. False with `error` set otherwise.
bool resolveTarget(const std::string& host, int port, Target& out, std::string& error);

// "%i" -> the client's sequence number, "%c" -> its client id.
std::string expandPlaceholders(const std::string& pattern, uint64_t seq, const std::string& client_id);

}  // namespace emqx::bench
