#include "bench/options.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstring>
#include <iostream>
#include <thread>

#include "bench/source_addresses.h"
#include "bench/topic_template.h"

namespace emqx::bench {

const char* commandName(Command c) {
    switch (c) {
        case Command::Conn: return "conn";
        case Command::Pub: return "pub";
        case Command::Sub: return "sub";
    }
    return "?";
}

namespace {

void addCommon(CLI::App* sub, Options& o, std::string& ifaddr) {
    sub->add_option("-h,--host", o.host, "Broker address: an IP literal or localhost (default 127.0.0.1)");
    sub->add_option("-p,--port", o.port,
                    "Broker port (default: EMQX's for the transport: 1883 tcp, 8883 --ssl, 8083 --ws, 8084 --ssl --ws)")
        ->check(CLI::Range(1, 65535));
    sub->add_option("-c,--count", o.count, "Number of clients (default 200)")->check(CLI::Range(1, 1000000));
    sub->add_option("-n,--startnumber", o.start_number,
                    "Client sequence numbers (%i) start after this number (default 0)")
        ->check(CLI::NonNegativeNumber);
    sub->add_option("-i,--interval", o.connect_interval_ms,
                    "Milliseconds between two connection attempts, over all threads (default 10)")
        ->check(CLI::Range(0, 3600000));
    sub->add_option("--max-pending", o.max_pending,
                    "Handshakes in progress at once per thread (TCP connect to CONNACK, and SUBACK for sub); "
                    "below a broker's listen backlog, -i 0 cannot overflow it (default 1024)")
        ->check(CLI::Range(1, 1000000));
    sub->add_option("-V,--version", o.version, "MQTT protocol version: 3 (3.1), 4 (3.1.1), 5 (default 4)")
        ->check(CLI::IsMember({3, 4, 5}));
    sub->add_option("-u,--username", o.username, "Username");
    sub->add_option("-P,--password", o.password, "Password");
    sub->add_option("-x,--session-expiry", o.session_expiry, "Session Expiry Interval in seconds (MQTT 5)");
    sub->add_option("-k,--keepalive", o.keepalive, "Keep alive in seconds, 0 = off (default 300)")
        ->check(CLI::Range(0, 65535));
    sub->add_option("-C,--clean", o.clean, "Clean start / clean session: true|false (default true)");
    sub->add_option("--prefix", o.prefix, "Client id prefix (default emqx-bench-<pid>)");
    sub->add_option("--duration", o.duration, "Seconds the run lasts, then it ends by itself (default 10, max 3600)")
        ->check(CLI::Range(0.001, 3600.0));
    sub->add_option("--threads", o.threads, "Event-loop threads (default: 2 on 2+ cores, else 1)")
        ->check(CLI::Range(1, 64));
    sub->add_option("--json", o.json_path, "Also write the JSON summary to this file");
    sub->add_option("--ifaddr", ifaddr,
                    "Local addresses to connect from, as emqtt_bench: a comma-separated list of IP literals; an item "
                    "may also be an IPv4 range FIRST-LAST (127.0.0.1-127.0.0.40). Client k uses address k mod count");
    sub->add_flag("-S,--ssl", o.ssl,
                  "MQTT over TLS 1.2/1.3. Without --cacertfile the broker's certificate is NOT verified");
    sub->add_option("--cacertfile", o.cacertfile,
                    "PEM CA certificates to verify the broker's certificate with (its chain, and -h against its "
                    "subjectAltName); needs --ssl")
        ->check(CLI::ExistingFile);
    sub->add_option("--certfile", o.certfile, "PEM client certificate (chain), for brokers that ask; needs --ssl")
        ->check(CLI::ExistingFile);
    sub->add_option("--keyfile", o.keyfile, "PEM private key of --certfile")->check(CLI::ExistingFile);
    sub->add_flag("--ws", o.ws, "MQTT over WebSocket (subprotocol mqtt); with --ssl: WSS");
    sub->add_option("--ws-path", o.ws_path, "HTTP path of the WebSocket upgrade (default /mqtt); needs --ws")
        ->check(CLI::Validator(
            [](std::string& p) -> std::string {
                if (p.empty() || p.front() != '/') return "must start with /";
                for (char ch : p)
                    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f) return "no spaces or control characters";
                return "";
            },
            "PATH"));
}

int defaultPort(const Options& o) {
    if (o.ws) return o.ssl ? 8084 : 8083;
    return o.ssl ? 8883 : 1883;
}

// Transport options that would be ignored: a usage error rather than a silent plain-TCP run.
std::string transportUsageError(const CLI::App* sub, const Options& o) {
    if (!o.ssl) {
        for (const char* opt : {"--cacertfile", "--certfile", "--keyfile"})
            if (sub->count(opt)) return std::string(opt) + " needs -S/--ssl";
    }
    if (o.certfile.empty() != o.keyfile.empty()) return "--certfile and --keyfile go together";
    if (!o.ws && sub->count("--ws-path")) return "--ws-path needs --ws";
    return "";
}

// pub publishes to one topic; its %rand_N levels must be numbers.
std::string topicUsageError(const Options& o) {
    if (o.command != Command::Pub) return "";
    if (o.topics.size() != 1) return "pub takes one -t/--topic";
    TopicTemplate t;
    std::string error;
    return t.parse(o.topics.front(), error) ? "" : "-t: " + error;
}

void addQos(CLI::App* sub, Options& o) {
    sub->add_option("-q,--qos", o.qos, "QoS 0|1|2 (default 0)")->check(CLI::IsMember({0, 1, 2}));
}

}  // namespace

int parseOptions(int argc, char** argv, Options& o) {
    CLI::App app{"emqx-bench: MQTT load generator for emqxd (modelled on emqtt_bench).", "emqx-bench"};
    app.set_help_flag("--help", "Print this help message and exit");
    app.require_subcommand(1, 1);
    app.footer(
        "Progress goes to stderr once a second; the JSON summary to stdout (and --json FILE).\n"
        "Exit codes: 0 run completed, 1 a connection failed, 2 usage error.");

    std::string ifaddr;
    CLI::App* conn = app.add_subcommand("conn", "Open N connections at a given rate and hold them");
    addCommon(conn, o, ifaddr);

    CLI::App* pub = app.add_subcommand("pub", "N publishers, each publishing every -I ms");
    addCommon(pub, o, ifaddr);
    addQos(pub, o);
    pub->add_option("-t,--topic", o.topics,
                    "Topic; %i = client sequence number, %c = client id, a level %rand_N = a random number 1..N "
                    "drawn for every message")
        ->required()
        ->allow_extra_args(false);
    pub->add_option("-I,--interval_of_msg", o.interval_ms,
                    "Milliseconds between two publishes of one client, 0 = as fast as flow control allows "
                    "(default 1000)")
        ->check(CLI::Range(0, 3600000));
    pub->add_option("-L,--limit", o.limit, "Total messages over all publishers, 0 = no limit (default 0)");
    pub->add_option("-s,--size", o.size,
                    "Payload bytes (default 256); the first 8 carry the send time (CLOCK_MONOTONIC ns)")
        ->check(CLI::Range(0, 256 * 1024 * 1024 - 1024));
    pub->add_flag("-r,--retain", o.retain, "Set the retain flag");
    pub->add_option("-F,--inflight", o.inflight,
                    "Unacknowledged QoS 1/2 publishes per client (default 32; capped by the broker's "
                    "Receive Maximum on MQTT 5)")
        ->check(CLI::Range(1, 65535));

    CLI::App* sub = app.add_subcommand("sub", "N subscribers of one or more filters");
    addCommon(sub, o, ifaddr);
    addQos(sub, o);
    sub->add_option("-t,--topic", o.topics,
                    "Topic filter; %i and %c as for pub. Repeat -t to subscribe several filters in one SUBSCRIBE")
        ->required()
        ->allow_extra_args(false);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    if (conn->parsed()) o.command = Command::Conn;
    if (pub->parsed()) o.command = Command::Pub;
    if (sub->parsed()) o.command = Command::Sub;
    const CLI::App* chosen = conn->parsed() ? conn : pub->parsed() ? pub : sub;

    if (const std::string why = transportUsageError(chosen, o); !why.empty()) {
        std::cerr << "emqx-bench: " << why << "\n";
        return 2;
    }
    if (!chosen->count("--port")) o.port = defaultPort(o);
    if (const std::string why = topicUsageError(o); !why.empty()) {
        std::cerr << "emqx-bench: " << why << "\n";
        return 2;
    }
    if (std::string why; chosen->count("--ifaddr") && !parseSourceAddresses(ifaddr, o.source_addrs, why)) {
        std::cerr << "emqx-bench: --ifaddr: " << why << "\n";
        return 2;
    }

    if (o.session_expiry && o.version != 5) {
        std::cerr << "emqx-bench: -x/--session-expiry needs -V 5\n";
        return 2;
    }
    if (o.threads == 0) {
        const unsigned hw = std::thread::hardware_concurrency();
        o.threads = hw >= 2 ? 2 : 1;
    }
    if (o.threads > o.count) o.threads = o.count;
    if (o.prefix.empty()) o.prefix = "emqx-bench-" + std::to_string(::getpid());
    return -1;
}

bool resolveTarget(const std::string& host_in, int port, Target& out, std::string& error) {
    std::string host = host_in;
    out = Target{};
    if (host == "localhost") {
        host = "127.0.0.1";
        out.ip_literal = false;
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    out.host = out.ip_literal ? host : host_in;
    in_addr a4{};
    in6_addr a6{};
    if (::inet_pton(AF_INET, host.c_str(), &a4) == 1) {
        auto* sa = reinterpret_cast<sockaddr_in*>(&out.addr);
        sa->sin_family = AF_INET;
        sa->sin_port = htons(static_cast<uint16_t>(port));
        sa->sin_addr = a4;
        out.loopback = (ntohl(a4.s_addr) >> 24) == 127;
        out.text = host + ":" + std::to_string(port);
        return true;
    }
    if (::inet_pton(AF_INET6, host.c_str(), &a6) == 1) {
        auto* sa = reinterpret_cast<sockaddr_in6*>(&out.addr);
        sa->sin6_family = AF_INET6;
        sa->sin6_port = htons(static_cast<uint16_t>(port));
        sa->sin6_addr = a6;
        out.ipv6 = true;
        out.loopback = IN6_IS_ADDR_LOOPBACK(&a6) || (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
        out.text = "[" + host + "]:" + std::to_string(port);
        return true;
    }
    error = "host '" + host_in +
            "' is not an IP address: give the broker's IPv4/IPv6 literal (or localhost); names are not resolved";
    return false;
}

std::string expandPlaceholders(const std::string& pattern, uint64_t seq, const std::string& client_id) {
    std::string out;
    out.reserve(pattern.size() + 16);
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '%' && i + 1 < pattern.size()) {
            if (pattern[i + 1] == 'i') {
                out += std::to_string(seq);
                ++i;
                continue;
            }
            if (pattern[i + 1] == 'c') {
                out += client_id;
                ++i;
                continue;
            }
        }
        out += pattern[i];
    }
    return out;
}

}  // namespace emqx::bench
