// GET /api/v5/prometheus/stats: the node's stats and metrics for Prometheus
// to scrape (EMQX 5.8's path and names, prometheus_stats.h), text format
// 0.0.4, or JSON with `Accept: application/json`. As in EMQX, no API key is
// needed unless prometheus.enable_basic_auth is true.
#include "common/clock/wall_clock.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_auth.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"
#include "emqxd/http/prometheus_stats.h"
#include "emqxd/sys/os_stats.h"

namespace emqx::http {

namespace {

constexpr std::string_view kStatsPath = "/api/v5/prometheus/stats";

bool wantsJson(const HttpRequest& req) {
    const std::string* accept = req.header("accept");
    return accept && accept->find("application/json") != std::string::npos;
}

// EMQX's `mode`: on one node every mode gives the same numbers.
bool modeKnown(const ApiCall& call) {
    const std::string* mode = queryValue(call.query, "mode");
    if (!mode || *mode == "node" || *mode == "all_nodes_aggregated" || *mode == "all_nodes_unaggregated") return true;
    call.reply(
        errorResponse(400, "BAD_REQUEST",
                      "mode: expected node, all_nodes_aggregated or all_nodes_unaggregated, got \"" + *mode + "\""));
    return false;
}

// The host's figures that EMQX reads from the Erlang VM's os_mon (cpu_sup,
// memsup) and scheduler, read from /proc.
ctl::Json vmFigures(sys::HostCpuMeter& cpu) {
    ctl::Json vm = ctl::Json::object();
    if (auto busy = cpu.busyPercent()) {
        vm["cpu_use"] = *busy;
        vm["cpu_idle"] = 100 - *busy;
    }
    vm["run_queue"] = sys::hostRunnableThreads();
    if (auto mem = sys::hostMemory()) {
        vm["total_memory"] = mem->total;
        vm["used_memory"] = mem->used();
    }
    return vm;
}

void getStats(const ApiContext& cx, ApiCall call) {
    if (cx.broker.cfg.prometheus.enable_basic_auth)
        if (auto refusal = checkCaller(call.request, *cx.broker.api_keys, *cx.broker.dashboard_tokens, "GET",
                                       kStatsPath, call.params, wallClockMs()))
            return call.reply(*refusal);
    if (!modeKnown(call)) return;
    std::string node = cx.broker.cfg.node.name;
    bool json = wantsJson(call.request);
    ctl::Json vm = vmFigures(*cx.broker.host_cpu);
    callCtlAll(cx, {"broker.stats", "broker.metrics", "listeners.list", "license.info", "cluster.status"}, call.reply,
               [node, json, vm, reply = call.reply](std::vector<ctl::Answer>& a) {
                   if (const ctl::Answer* failed = firstFailure(a)) return reply(ctlFailure(*failed));
                   auto samples = prometheusSamples(node, {a[0].data, a[1].data, a[2].data, a[3].data, a[4].data, vm});
                   if (json) return reply(jsonResponse(prometheusJson(node, samples)));
                   HttpResponse r;
                   r.body = prometheusText(samples);
                   r.headers.emplace_back("content-type", std::string(kPrometheusContentType));
                   reply(r);
               });
}

}  // namespace

void addPrometheusRoutes(std::vector<Route>& routes) {
    routes.push_back(
        Route{"GET",
              kStatsPath,
              "Monitor",
              "The node's stats and metrics for Prometheus (text format 0.0.4; JSON with "
              "Accept: application/json); an API key only when prometheus.enable_basic_auth is true",
              false,
              {{"mode", "string", "node, all_nodes_aggregated or all_nodes_unaggregated (one node: all alike)"}},
              {200, 400},
              getStats});
}

}  // namespace emqx::http
