#include "emqxd/http/status_api.h"

#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"

namespace emqx::http {

HttpResponse statusResponse(std::string_view node, std::string_view version, bool running, bool json) {
    std::string_view broker = running ? "started" : "stopped";
    std::string_view app = running ? "running" : "not_running";
    HttpResponse r;
    r.status = running ? 200 : 503;
    if (json) {
        r.body = nlohmann::json{
            {"node_name", node},
            {"rel_vsn", "v" + std::string(version)},
            {"broker_status", broker},
            {"app_status",
             app}}.dump();
        r.headers.emplace_back("content-type", "application/json");
    } else {
        r.body = "Node " + std::string(node) + " is " + std::string(broker) + "\nemqx is " + std::string(app);
        r.headers.emplace_back("content-type", "text/plain");
    }
    r.headers.emplace_back("retry-after", "15");
    return r;
}

namespace {

void getStatus(const ApiContext& cx, ApiCall call) {
    const std::string* format = queryValue(call.query, "format");
    bool json = format && *format == "json";
    std::string node = cx.broker.cfg.node.name;
    callCtl(cx, "status", ctl::Json::object(), call.reply, [json, node, reply = call.reply](ctl::Answer a) {
        // The registry answers shutting_down while the broker stops.
        reply(statusResponse(a.is_ok ? a.data.value("node", node) : node, EMQX_VERSION, a.is_ok, json));
    });
}

}  // namespace

void addStatusRoutes(std::vector<Route>& routes) {
    const std::vector<QueryParamDoc> query = {{"format", "string", "text (the default) or json"}};
    for (std::string_view path : {"/status", "/api/v5/status"})
        routes.push_back(Route{
            "GET", path, "Status", "The node's health check (no API key needed)", false, query, {200, 503}, getStatus});
}

}  // namespace emqx::http
