#include "emqxd/http/prometheus_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

namespace emqx::http {

namespace {

using ctl::Json;

void addAll(std::vector<PromSample>& out, const std::string& node, const Json& values, MetricType type,
            const std::string& source) {
    for (const auto& [dotted, value] : values.items())
        out.push_back({prometheusName(dotted), type, source + ": " + dotted, {{"node", node}}, value.get<double>()});
}

void addShutdownCounts(std::vector<PromSample>& out, const std::string& node, const Json& listeners) {
    for (const Json& l : listeners.at("listeners"))
        for (const auto& [reason, n] : l.at("shutdown_count").items())
            out.push_back({"emqx_listener_shutdown_total",
                           MetricType::Counter,
                           "emqxctl listeners: connections closed, by listener and reason (emqxd's, not EMQX's)",
                           {{"node", node},
                            {"listener_type", l.at("type").get<std::string>()},
                            {"listener_name", l.at("name").get<std::string>()},
                            {"reason", reason}},
                           n.get<double>()});
}

// As EMQX 5.8: the ssl and wss listeners' certificates, no node label (the
// same on every node).
void addCertExpiries(std::vector<PromSample>& out, const Json& listeners) {
    for (const Json& l : listeners.at("listeners"))
        if (l.contains("cert_expiry_at"))
            out.push_back({"emqx_cert_expiry_at",
                           MetricType::Gauge,
                           "emqxctl listeners: when the listener's certificate expires (notAfter, Unix time, s)",
                           {{"listener_type", l.at("type").get<std::string>()},
                            {"listener_name", l.at("name").get<std::string>()}},
                           l.at("cert_expiry_at").get<double>()});
}

void addVm(std::vector<PromSample>& out, const std::string& node, const Json& vm) {
    static constexpr std::pair<const char*, const char*> kFigures[] = {
        {"cpu_use", "the host's CPU busy percent since the previous scrape (/proc/stat)"},
        {"cpu_idle", "the host's CPU idle percent since the previous scrape (/proc/stat)"},
        {"run_queue", "the host's threads running or ready to run (/proc/stat procs_running)"},
        {"total_memory", "the host's memory, bytes (/proc/meminfo MemTotal)"},
        {"used_memory", "the host's memory in use, bytes (MemTotal - MemAvailable)"},
    };
    for (const auto& [key, help] : kFigures)
        if (vm.contains(key))
            out.push_back(
                {std::string("emqx_vm_") + key, MetricType::Gauge, help, {{"node", node}}, vm.at(key).get<double>()});
}

// A whole number as an integer (12, not 12.0).
Json number(double v) {
    if (v == std::trunc(v) && std::fabs(v) <= 9007199254740992.0) return static_cast<int64_t>(v);
    return v;
}

}  // namespace

std::string prometheusName(const std::string& dotted) {
    if (dotted == "packets.connect.received") return "emqx_packets_connect";
    std::string name = "emqx_" + dotted;
    std::replace(name.begin(), name.end(), '.', '_');
    return name;
}

std::vector<PromSample> prometheusSamples(const std::string& node, const PromSources& s) {
    std::vector<PromSample> out;
    addAll(out, node, s.stats, MetricType::Gauge, "emqxctl broker stats");
    addAll(out, node, s.metrics, MetricType::Counter, "emqxctl broker metrics");
    out.push_back({"emqx_cluster_nodes_running",
                   MetricType::Gauge,
                   "emqxctl cluster status: running nodes",
                   {{"node", node}},
                   static_cast<double>(s.cluster.at("running_nodes").size())});
    out.push_back({"emqx_cluster_nodes_stopped",
                   MetricType::Gauge,
                   "emqxctl cluster status: stopped nodes",
                   {{"node", node}},
                   static_cast<double>(s.cluster.at("stopped_nodes").size())});
    const Json& expiry = s.license.at("expiry_epoch");
    if (expiry.is_number())
        out.push_back({"emqx_license_expiry_at",
                       MetricType::Gauge,
                       "emqxctl license info: when the license expires (Unix time, s)",
                       {},
                       expiry.get<double>()});
    addCertExpiries(out, s.listeners);
    addVm(out, node, s.vm);
    addShutdownCounts(out, node, s.listeners);
    return out;
}

std::string prometheusText(const std::vector<PromSample>& samples) {
    PrometheusText t;
    for (const auto& s : samples) t.add(s.name, s.type, s.help, s.labels, s.value);
    return t.text();
}

Json prometheusJson(const std::string& node, const std::vector<PromSample>& samples) {
    Json out = Json::object();
    for (const auto& s : samples) {
        Json point = Json::object();
        for (const auto& [label, value] : s.labels)
            if (label != "node") point[label] = value;
        if (point.empty()) {
            out[s.name] = number(s.value);
            continue;
        }
        point["value"] = number(s.value);
        out[s.name].push_back(point);
    }
    out["node"] = node;
    return out;
}

}  // namespace emqx::http
