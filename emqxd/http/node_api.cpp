// nodes, nodes/:node, stats, metrics (EMQX 5.8's fields), from the handlers
// of `emqxctl broker`, `broker stats`, `broker metrics` and `vm`. A single
// node: the lists have one element, this node's. EMQX's memory_total,
// memory_used (the host's RAM), otp_release and sys_path have no
// counterpart here and are left out.
#include <filesystem>

#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"

namespace emqx::http {

namespace {

using ctl::Json;

Json nodeInfo(const BrokerContext& ctx, const Json& info, const Json& stats, const Json& vm) {
    const auto& log = ctx.cfg.log;
    std::filesystem::path log_file(log.file_path);
    if (log_file.is_relative()) log_file = std::filesystem::path(ctx.cfg.node.data_dir) / log_file;
    return {{"node", ctx.cfg.node.name},
            {"node_status", "running"},
            {"version", info.value("version", "")},
            {"edition", "Opensource"},
            {"role", "core"},
            {"uptime", info.value("uptime_s", int64_t{0}) * 1000},
            {"connections", stats.value("sessions.count", uint64_t{0})},
            {"live_connections", stats.value("live_connections.count", uint64_t{0})},
            {"cluster_sessions", stats.value("sessions.count", uint64_t{0})},
            {"load1", vm.at("cpu").value("load1", 0.0)},
            {"load5", vm.at("cpu").value("load5", 0.0)},
            {"load15", vm.at("cpu").value("load15", 0.0)},
            {"max_fds", vm.at("io").at("max_fds")},
            {"process_available", vm.at("process").at("limit")},
            {"process_used", vm.at("process").at("count")},
            {"log_path", log.file_enable ? Json(log_file.parent_path().string())
                                         : Json("log.file.enable is false, not logging to file.")}};
}

// GET /nodes and /nodes/:node: `one` answers the object, else a list of it.
void answerNodes(const ApiContext& cx, const Reply& reply, bool one) {
    const BrokerContext* ctx = &cx.broker;
    callCtlAll(cx, {"broker.info", "broker.stats", "vm"}, reply, [ctx, reply, one](std::vector<ctl::Answer>& a) {
        if (const ctl::Answer* failed = firstFailure(a)) return reply(ctlFailure(*failed));
        Json node = nodeInfo(*ctx, a[0].data, a[1].data, a[2].data);
        reply(jsonResponse(one ? node : Json::array({node})));
    });
}

// The node named in the path is this one; else answers EMQX's 404 and false.
bool thisNode(const ApiContext& cx, const ApiCall& call) {
    const std::string& node = call.param("node");
    if (node == cx.broker.cfg.node.name) return true;
    call.reply(errorResponse(404, "NOT_FOUND", "Node not found: " + node));
    return false;
}

// broker.stats / broker.metrics: the object when aggregated (or for one
// node), else [{node, ...}].
void answerCounters(const ApiContext& cx, const ApiCall& call, std::string_view cmd, bool aggregate) {
    std::string node = cx.broker.cfg.node.name;
    const std::string* only = queryValue(call.query, "node");
    bool other_node = only && *only != node;
    callCtl(cx, cmd, Json::object(), call.reply, [node, aggregate, other_node, reply = call.reply](ctl::Answer a) {
        if (!a.is_ok) return reply(ctlFailure(a));
        if (aggregate) return reply(jsonResponse(a.data));
        if (other_node) return reply(jsonResponse(Json::array()));  // EMQX's answer for a node not running
        Json one = a.data;
        one["node"] = node;
        reply(jsonResponse(Json::array({one})));
    });
}

const std::vector<QueryParamDoc> kAggregate = {
    {"aggregate", "boolean", "true: the cluster's sum as one object; false (the default): one object per node"}};

}  // namespace

void addNodeRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{
        "GET", "/api/v5/nodes", "Nodes", "List the nodes", true, {}, {200}, [](const ApiContext& cx, ApiCall call) {
            answerNodes(cx, call.reply, false);
        }});
    routes.push_back(Route{"GET",
                           "/api/v5/nodes/:node",
                           "Nodes",
                           "One node's information",
                           true,
                           {},
                           {200, 404},
                           [](const ApiContext& cx, ApiCall call) {
                               if (thisNode(cx, call)) answerNodes(cx, call.reply, true);
                           }});
    routes.push_back(Route{"GET",
                           "/api/v5/nodes/:node/stats",
                           "Nodes",
                           "One node's statistics",
                           true,
                           {},
                           {200, 404},
                           [](const ApiContext& cx, ApiCall call) {
                               if (thisNode(cx, call)) answerCounters(cx, call, "broker.stats", true);
                           }});
    routes.push_back(Route{"GET",
                           "/api/v5/nodes/:node/metrics",
                           "Nodes",
                           "One node's metrics",
                           true,
                           {},
                           {200, 404},
                           [](const ApiContext& cx, ApiCall call) {
                               if (thisNode(cx, call)) answerCounters(cx, call, "broker.metrics", true);
                           }});
    routes.push_back(Route{"GET",
                           "/api/v5/stats",
                           "Metrics",
                           "The statistics (connections, sessions, topics...)",
                           true,
                           kAggregate,
                           {200, 400},
                           [](const ApiContext& cx, ApiCall call) {
                               if (auto agg = call.boolQuery("aggregate", false))
                                   answerCounters(cx, call, "broker.stats", *agg);
                           }});
    std::vector<QueryParamDoc> metrics_query = kAggregate;
    metrics_query.push_back({"node", "string", "only this node's metrics"});
    routes.push_back(Route{"GET",
                           "/api/v5/metrics",
                           "Metrics",
                           "The metrics (packets, messages, bytes...)",
                           true,
                           metrics_query,
                           {200, 400},
                           [](const ApiContext& cx, ApiCall call) {
                               if (auto agg = call.boolQuery("aggregate", false))
                                   answerCounters(cx, call, "broker.metrics", *agg);
                           }});
}

}  // namespace emqx::http
