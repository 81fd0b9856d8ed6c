// GET /api/v5/listeners: EMQX 5.8's listener list (by id, with status and
// node_status), from the handler of `emqxctl listeners`. Only enabled
// listeners exist at run time, so only they are listed. POST
// /api/v5/listeners/:id/start|stop|restart, on `emqxctl listeners start|stop|restart`.
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

bool knownType(std::string_view type) { return type == "tcp" || type == "ssl" || type == "ws" || type == "wss"; }

void listListeners(const ApiContext& cx, ApiCall call) {
    const std::string* type = queryValue(call.query, "type");
    if (type && !knownType(*type))
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

// EMQX's answers: 200 without a body; an id that is not <type>:<name> 400, one
// that names no listener 404 BAD_LISTENER_ID; a failed action (a port taken) 400.
void listenerAction(const ApiContext& cx, ApiCall call, std::string_view verb) {
    const std::string& id = call.param("id");
    auto colon = id.find(':');
    if (colon == std::string::npos || !knownType(std::string_view(id).substr(0, colon)) || colon + 1 == id.size())
        return call.reply(errorResponse(
            400, "BAD_LISTENER_ID", "id: expected <type>:<name> with type tcp, ssl, ws or wss, got \"" + id + "\""));
    callCtl(cx, "listeners." + std::string(verb), {{"id", id}}, call.reply, [reply = call.reply](ctl::Answer a) {
        if (a.is_ok) return reply(HttpResponse{200, {}, {}});
        if (a.code == ctl::code::kNotFound) return reply(errorResponse(404, "BAD_LISTENER_ID", "Listener not found"));
        if (a.code == ctl::code::kFailed) return reply(errorResponse(400, "BAD_REQUEST", a.message));
        reply(ctlFailure(a));
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
    routes.push_back(Route{"POST",
                           "/api/v5/listeners/:id/start",
                           "Listeners",
                           "Start a stopped listener",
                           true,
                           {},
                           {200, 400, 404},
                           [](const ApiContext& cx, ApiCall call) { listenerAction(cx, std::move(call), "start"); }});
    routes.push_back(Route{"POST",
                           "/api/v5/listeners/:id/stop",
                           "Listeners",
                           "Stop accepting on a listener (its connections stay)",
                           true,
                           {},
                           {200, 400, 404},
                           [](const ApiContext& cx, ApiCall call) { listenerAction(cx, std::move(call), "stop"); }});
    routes.push_back(Route{"POST",
                           "/api/v5/listeners/:id/restart",
                           "Listeners",
                           "Stop then start a listener",
                           true,
                           {},
                           {200, 400, 404},
                           [](const ApiContext& cx, ApiCall call) { listenerAction(cx, std::move(call), "restart"); }});
}

}  // namespace emqx::http
