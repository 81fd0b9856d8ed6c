// GET /api/v5/listeners: EMQX 5.8's listener list (by id, with status and
// node_status), from the handler of `emqxctl listeners`. Only enabled
// listeners exist at run time, so only they are listed.
#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"

namespace emqx::http {

namespace {

using ctl::Json;

Json listenerJson(const std::string& node, const Json& l) {
    Json status = {{"running", l.at("running")},
                   {"max_connections", l.at("max_conns")},
                   {"current_connections", l.at("current_conn")}};
    return {{"id", l.at("id")},
            {"name", l.at("name")},
            {"type", l.at("type")},
            {"enable", l.at("enable")},
            {"number", 1},
            {"bind", l.at("listen_on")},
            {"acceptors", l.at("acceptors")},
            {"status", status},
            {"node_status", Json::array({{{"node", node}, {"status", status}}})}};
}

void listListeners(const ApiContext& cx, ApiCall call) {
    const std::string* type = queryValue(call.query, "type");
    if (type && *type != "tcp" && *type != "ssl" && *type != "ws" && *type != "wss")
        return call.reply(
            errorResponse(400, "BAD_REQUEST", "type: expected tcp, ssl, ws or wss, got \"" + *type + "\""));
    std::string node = cx.broker.cfg.node.name;
    std::string only = type ? *type : "";
    callCtl(cx, "listeners.list", Json::object(), call.reply, [node, only, reply = call.reply](ctl::Answer a) {
        if (!a.is_ok) return reply(ctlFailure(a));
        Json out = Json::array();
        for (const Json& l : a.data.at("listeners"))
            if (only.empty() || l.at("type") == only) out.push_back(listenerJson(node, l));
        reply(jsonResponse(out));
    });
}

}  // namespace

void addListenerRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET",
                           "/api/v5/listeners",
                           "Listeners",
                           "List the listeners with their status",
                           true,
                           {{"type", "string", "only listeners of this type: tcp, ssl, ws or wss"}},
                           {200, 400},
                           listListeners});
}

}  // namespace emqx::http
