// emqx-bench: the project's MQTT load generator, modelled on EMQX's emqtt_bench.
//   emqx-bench conn|pub|sub [options]      (emqx-bench <cmd> --help)
// Every run ends by itself after --duration seconds (or when a pub -L limit is
// reached), targets only the IP address given, prints a progress line every
// second on stderr and a JSON summary on stdout. Exit codes: 0 completed run,
// 1 a connection failed (the reasons are printed), 2 usage error.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "bench/client_transport.h"
#include "bench/options.h"
#include "bench/source_addresses.h"
#include "bench/worker.h"

using namespace emqx::bench;

namespace {

const char* versionName(int v) {
    switch (v) {
        case 3: return "3.1";
        case 5: return "5";
        default: return "3.1.1";
    }
}

void raiseFileLimit(uint64_t wanted) {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < wanted) {
        std::fprintf(stderr,
                     "emqx-bench: warning: the open-file limit (%" PRIu64 ") is below %" PRIu64
                     " clients + 64; expect 'too many open files' failures\n",
                     static_cast<uint64_t>(rl.rlim_cur), wanted - 64);
    }
}

// "topic a/b" or "100 filters: a/1, a/2, ..."
std::string topicsText(const std::vector<std::string>& topics) {
    if (topics.size() == 1) return "topic " + topics.front();
    return std::to_string(topics.size()) + " filters: " + topics[0] + ", " + topics[1] +
           (topics.size() > 2 ? ", ..." : "");
}

double round1(double v) { return std::round(v * 10.0) / 10.0; }
double round2(double v) { return std::round(v * 100.0) / 100.0; }

// Events per second over [first, last]; count/elapsed when the span is empty.
double rate(uint64_t count, uint64_t first_ns, uint64_t last_ns, double elapsed_s) {
    if (count == 0) return 0.0;
    if (first_ns && last_ns > first_ns)
        return static_cast<double>(count) / (static_cast<double>(last_ns - first_ns) / 1e9);
    return elapsed_s > 0 ? static_cast<double>(count) / elapsed_s : 0.0;
}

nlohmann::ordered_json latencyJson(const LatencyHistogram& h) {
    nlohmann::ordered_json j;
    j["count"] = h.count();
    if (h.count() == 0) {
        for (const char* k : {"min", "mean", "p50", "p90", "p99", "p999", "max"}) j[k] = nullptr;
        return j;
    }
    auto us = [](double ns) { return round1(ns / 1000.0); };
    j["min"] = us(static_cast<double>(h.min()));
    j["mean"] = us(h.mean());
    j["p50"] = us(static_cast<double>(h.percentile(50)));
    j["p90"] = us(static_cast<double>(h.percentile(90)));
    j["p99"] = us(static_cast<double>(h.percentile(99)));
    j["p999"] = us(static_cast<double>(h.percentile(99.9)));
    j["max"] = us(static_cast<double>(h.max()));
    return j;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (int rc = parseOptions(argc, argv, o); rc >= 0) return rc;

    Target target;
    std::string error;
    if (!resolveTarget(o.host, o.port, target, error)) {
        std::fprintf(stderr, "emqx-bench: %s\n", error.c_str());
        return 2;
    }
    if (!target.loopback) {
        std::fprintf(stderr,
                     "emqx-bench: warning: %s is not a loopback address: load only brokers you run or may test\n",
                     target.text.c_str());
    }
    for (const sockaddr_storage& source : o.source_addrs) {
        if (source.ss_family != target.addr.ss_family) {
            std::fprintf(stderr, "emqx-bench: --ifaddr %s and -h %s are not of the same address family\n",
                         addressText(source).c_str(), o.host.c_str());
            return 2;
        }
    }
    TransportConfig transport;
    if (!makeTransportConfig(o, target, transport, error)) {
        std::fprintf(stderr, "emqx-bench: %s\n", error.c_str());
        return 2;
    }
    std::ofstream json_file;
    if (!o.json_path.empty()) {
        json_file.open(o.json_path, std::ios::out | std::ios::trunc);
        if (!json_file) {
            std::fprintf(stderr, "emqx-bench: cannot write --json file %s\n", o.json_path.c_str());
            return 2;
        }
    }
    raiseFileLimit(static_cast<uint64_t>(o.count) + 64);

    // Only the main thread takes SIGINT/SIGTERM (sigtimedwait below); workers never see them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    std::string what = std::string(commandName(o.command)) + ": " + std::to_string(o.count) +
                       (o.count == 1 ? " client to " : " clients to ") + target.text + " over " +
                       transportName(transport.kind) + ", MQTT " + versionName(o.version);
    if (o.ssl && o.cacertfile.empty()) what += " (the broker's certificate is not verified: no --cacertfile)";
    if (o.command != Command::Conn) what += ", QoS " + std::to_string(o.qos) + ", " + topicsText(o.topics);
    if (!o.source_addrs.empty()) what += ", from " + std::to_string(o.source_addrs.size()) + " local address(es)";
    std::fprintf(stderr, "emqx-bench %s, %d thread%s, %g s\n", what.c_str(), o.threads, o.threads == 1 ? "" : "s",
                 o.duration);

    const uint64_t t0 = monoNs();
    std::vector<std::unique_ptr<Worker>> workers;
    for (int i = 0; i < o.threads; ++i) workers.push_back(std::make_unique<Worker>(o, target, transport, i, t0));
    std::vector<std::thread> threads;
    for (auto& w : workers) threads.emplace_back([&w] { w->run(); });

    bool interrupted = false;
    bool ready_reported = false;
    uint64_t next_tick = t0 + 1000000000ull;
    uint64_t prev_sent = 0, prev_recv = 0, prev_tick = t0;
    const char* ready_word = o.command == Command::Sub ? "connected and subscribed" : "connected";
    for (;;) {
        bool all_done = true;
        uint64_t connected = 0, succeeded = 0, failed = 0, sent = 0, recv = 0;
        for (auto& w : workers) {
            const LiveCounters& l = w->live();
            all_done = all_done && l.finished.load();
            connected += l.connected.load(std::memory_order_relaxed);
            succeeded += l.succeeded.load(std::memory_order_relaxed);
            failed += l.failed.load(std::memory_order_relaxed);
            sent += l.sent.load(std::memory_order_relaxed);
            recv += l.received.load(std::memory_order_relaxed);
        }
        if (all_done) break;
        const uint64_t now = monoNs();
        if (!ready_reported && succeeded == static_cast<uint64_t>(o.count)) {
            ready_reported = true;
            std::fprintf(stderr, "all %d client%s %s in %.0f ms\n", o.count, o.count == 1 ? "" : "s", ready_word,
                         static_cast<double>(now - t0) / 1e6);
        }
        if (now >= next_tick) {
            const double dt = static_cast<double>(now - prev_tick) / 1e9;
            const auto per_s = [dt](uint64_t d) {
                return dt > 0 ? static_cast<uint64_t>(std::llround(static_cast<double>(d) / dt)) : uint64_t{0};
            };
            std::fprintf(stderr,
                         "%" PRIu64 "s connected(%" PRIu64 ")%s sent: %" PRIu64 ", %" PRIu64 "/s recv: %" PRIu64
                         ", %" PRIu64 "/s\n",
                         static_cast<uint64_t>((now - t0 + 500000000ull) / 1000000000ull), connected,
                         failed ? (" failed(" + std::to_string(failed) + ")").c_str() : "", sent,
                         per_s(sent - prev_sent), recv, per_s(recv - prev_recv));
            prev_sent = sent;
            prev_recv = recv;
            prev_tick = now;
            next_tick += 1000000000ull;
            if (next_tick <= now) next_tick = now + 1000000000ull;
        }
        timespec wait{0, 20000000};  // 20 ms
        const int sig = ::sigtimedwait(&stop_signals, nullptr, &wait);
        if ((sig == SIGINT || sig == SIGTERM) && !interrupted) {
            interrupted = true;
            std::fprintf(stderr, "emqx-bench: %s: stopping\n", sig == SIGINT ? "interrupted" : "terminated");
            for (auto& w : workers) w->requestStop();
        }
    }
    for (auto& t : threads) t.join();
    const uint64_t t_end = monoNs();
    const double elapsed = static_cast<double>(t_end - t0) / 1e9;

    WorkerTotals all;
    auto minNonZero = [](uint64_t a, uint64_t b) { return a == 0 ? b : (b == 0 ? a : std::min(a, b)); };
    for (auto& w : workers) {
        const WorkerTotals& t = w->totals();
        all.attempted += t.attempted;
        all.succeeded += t.succeeded;
        all.failed += t.failed;
        all.lost += t.lost;
        all.sent += t.sent;
        all.acked += t.acked;
        all.rejected += t.rejected;
        all.received += t.received;
        all.retained += t.retained;
        all.duplicates += t.duplicates;
        all.no_timestamp += t.no_timestamp;
        all.first_attempt_ns = minNonZero(all.first_attempt_ns, t.first_attempt_ns);
        all.last_ready_ns = std::max(all.last_ready_ns, t.last_ready_ns);
        all.first_sent_ns = minNonZero(all.first_sent_ns, t.first_sent_ns);
        all.last_sent_ns = std::max(all.last_sent_ns, t.last_sent_ns);
        all.pub_stop_ns = std::max(all.pub_stop_ns, t.pub_stop_ns);
        all.first_recv_ns = minNonZero(all.first_recv_ns, t.first_recv_ns);
        all.last_recv_ns = std::max(all.last_recv_ns, t.last_recv_ns);
        all.subscribed += t.subscribed;
        all.first_subscribe_ns = minNonZero(all.first_subscribe_ns, t.first_subscribe_ns);
        all.last_suback_ns = std::max(all.last_suback_ns, t.last_suback_ns);
        for (const auto& [k, v] : t.errors) all.errors[k] += v;
        for (const auto& [k, v] : t.publish_errors) all.publish_errors[k] += v;
        all.latency.merge(t.latency);
        all.ack_latency.merge(t.ack_latency);
    }

    nlohmann::ordered_json j;
    j["tool"] = "emqx-bench";
    j["command"] = commandName(o.command);
    j["target"] = target.text;
    j["transport"] = transportName(transport.kind);
    j["protocol_version"] = o.version;
    j["clients"] = o.count;
    j["threads"] = o.threads;
    if (o.command == Command::Pub) j["topic"] = o.topics.front();
    if (o.command == Command::Sub) j["topics"] = o.topics;
    if (o.command != Command::Conn) j["qos"] = o.qos;
    if (o.command == Command::Pub) {
        j["payload_size"] = o.size;
        j["interval_ms"] = o.interval_ms;
        j["limit"] = o.limit;
        j["retain"] = o.retain;
    }
    j["duration_s"] = o.duration;
    j["elapsed_s"] = round2(elapsed);
    j["interrupted"] = interrupted;
    nlohmann::ordered_json conns;
    conns["attempted"] = all.attempted;
    conns["succeeded"] = all.succeeded;
    conns["failed"] = all.failed;
    conns["lost"] = all.lost;
    conns["not_started"] = static_cast<uint64_t>(o.count) - all.attempted;
    conns["connect_rate"] = round1(rate(all.succeeded, all.first_attempt_ns, all.last_ready_ns, elapsed));
    conns["errors"] = all.errors;
    j["connections"] = conns;
    if (o.command == Command::Sub) {
        nlohmann::ordered_json subs;
        subs["requested"] = static_cast<uint64_t>(o.count) * o.topics.size();
        subs["granted"] = all.subscribed;
        subs["rate"] = round1(rate(all.subscribed, all.first_subscribe_ns, all.last_suback_ns, elapsed));
        j["subscriptions"] = subs;
    }
    nlohmann::ordered_json msgs;
    msgs["sent"] = all.sent;
    msgs["acked"] = all.acked;
    msgs["unacked"] = o.qos > 0 && o.command == Command::Pub ? all.sent - all.acked : 0;
    msgs["rejected"] = all.rejected;
    msgs["received"] = all.received;
    msgs["retained"] = all.retained;
    msgs["duplicates"] = all.duplicates;
    msgs["sent_rate"] = round1(rate(all.sent, all.first_sent_ns, std::max(all.pub_stop_ns, all.last_sent_ns), elapsed));
    msgs["recv_rate"] = round1(rate(all.received, all.first_recv_ns, all.last_recv_ns, elapsed));
    if (!all.publish_errors.empty()) msgs["publish_errors"] = all.publish_errors;
    j["messages"] = msgs;
    nlohmann::ordered_json lat = latencyJson(all.latency);
    lat["without_timestamp"] = all.no_timestamp;
    j["latency_us"] = lat;
    if (o.command == Command::Pub && o.qos > 0) j["ack_latency_us"] = latencyJson(all.ack_latency);

    const std::string text = j.dump(2);
    std::printf("%s\n", text.c_str());
    std::fflush(stdout);
    if (json_file.is_open()) {
        json_file << text << "\n";
        json_file.close();
        if (!json_file) std::fprintf(stderr, "emqx-bench: writing %s failed\n", o.json_path.c_str());
    }

    const uint64_t bad = all.failed + all.lost;
    if (bad > 0) {
        std::fprintf(stderr,
                     "emqx-bench: %" PRIu64 " of %" PRIu64 " connections failed (%" PRIu64
                     " never completed the handshake, %" PRIu64 " lost):\n",
                     bad, all.attempted, all.failed, all.lost);
        for (const auto& [reason, n] : all.errors) std::fprintf(stderr, "  %s: %" PRIu64 "\n", reason.c_str(), n);
        return 1;
    }
    return 0;
}
