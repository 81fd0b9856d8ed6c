#pragma once
// GET /api/v5/prometheus/stats in EMQX 5.8's terms, on the answers of the
// handlers of `emqxctl broker stats`, `broker metrics`, `listeners`,
// `license info` and `cluster status`. Stats are gauges (`connections.count`
// -> emqx_connections_count), metrics counters (`messages.received` ->
// emqx_messages_received; EMQX's one exception, `packets.connect.received` ->
// emqx_packets_connect), each with this node's `node` label; the license's
// expiry (emqx_license_expiry_at, no label, as EMQX), the TLS listeners'
// certificates' (emqx_cert_expiry_at{listener_type, listener_name}, no node
// label, as EMQX) and the cluster's running and stopped nodes as EMQX has
// them; the host's CPU and memory as EMQX's emqx_vm_* gauges; and ours:
// every listener's connections closed by reason
// (emqx_listener_shutdown_total). Pure JSON in, text or JSON out.
#include <string>
#include <vector>

#include "common/ctl/protocol.h"
#include "common/http/prometheus_text.h"

namespace emqx::http {

struct PromSample {
    std::string name;
    MetricType type;
    std::string help;
    MetricLabels labels;
    double value;
};

// What each command answered (its `data`).
struct PromSources {
    ctl::Json stats;      // broker.stats
    ctl::Json metrics;    // broker.metrics
    ctl::Json listeners;  // listeners.list
    ctl::Json license;    // license.info
    ctl::Json cluster;    // cluster.status
    // The host as EMQX's emqx_vm_* name it (a figure that could not be read
    // is absent): cpu_use, cpu_idle (percent), run_queue, total_memory,
    // used_memory (bytes).
    ctl::Json vm;
};

// The Prometheus name of one of our dotted stats or metrics names.
std::string prometheusName(const std::string& dotted);

std::vector<PromSample> prometheusSamples(const std::string& node, const PromSources& s);

// The text format 0.0.4.
std::string prometheusText(const std::vector<PromSample>& samples);

// EMQX's JSON form (its `node` mode): one object, the metric names as keys
// and the node's name under "node". A family whose samples carry labels
// besides `node` (ours, by listener and reason) is a list of
// {<label>: <value>..., "value": n}.
ctl::Json prometheusJson(const std::string& node, const std::vector<PromSample>& samples);

}  // namespace emqx::http
