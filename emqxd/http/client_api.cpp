// clients (paged, filtered), clients/:clientid GET and DELETE (a kick), on
// the handlers of `emqxctl clients list|show|kick`.
#include "common/http/paging.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/client_view.h"
#include "emqxd/http/ctl_call.h"

namespace emqx::http {

namespace {

using ctl::Json;

void listClients(const ApiContext& cx, ApiCall call) {
    std::string error;
    auto page = parsePageRequest(call.query, error);
    if (!page) return call.reply(errorResponse(400, "BAD_REQUEST", error));
    bool other_node = false;
    auto args = clientListArgs(call.query, cx.broker.cfg.node.name, other_node, error);
    if (!args) return call.reply(errorResponse(400, "BAD_REQUEST", error));
    if (other_node) return call.reply(jsonResponse({{"data", Json::array()}, {"meta", pageMeta(*page, 0)}}));
    (*args)["skip"] = rowsBefore(*page);
    (*args)["limit"] = page->limit;
    const BrokerContext* ctx = &cx.broker;
    callCtl(cx, "clients.list", std::move(*args), call.reply, [ctx, page = *page, reply = call.reply](ctl::Answer a) {
        if (!a.is_ok) return reply(ctlFailure(a));
        Json data = Json::array();
        for (const Json& row : a.data.at("clients")) data.push_back(emqxClient(row, ctx->cfg.mqtt, ctx->cfg.node.name));
        reply(jsonResponse({{"data", std::move(data)}, {"meta", pageMeta(page, a.data.at("total").get<uint64_t>())}}));
    });
}

void getClient(const ApiContext& cx, ApiCall call) {
    const BrokerContext* ctx = &cx.broker;
    callCtl(cx, "clients.show", {{"clientid", call.param("clientid")}}, call.reply,
            [ctx, reply = call.reply](ctl::Answer a) {
                if (!a.is_ok) return reply(clientFailure(a));
                reply(jsonResponse(emqxClient(a.data.at("client"), ctx->cfg.mqtt, ctx->cfg.node.name)));
            });
}

void kickClient(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "clients.kick", {{"clientid", call.param("clientid")}}, call.reply,
            [reply = call.reply](ctl::Answer a) {
                if (!a.is_ok) return reply(clientFailure(a));
                reply(noContent());
            });
}

}  // namespace

void addClientRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET",
                           "/api/v5/clients",
                           "Clients",
                           "List clients, a page at a time",
                           true,
                           {{"page", "integer", "page number, from 1 (default 1)"},
                            {"limit", "integer", "clients per page, 1..10000 (default 100)"},
                            {"clientid", "string", "only this client id (repeatable)"},
                            {"username", "string", "only this username (repeatable)"},
                            {"ip_address", "string", "only clients from this IP address"},
                            {"conn_state", "string", "connected, idle or disconnected"},
                            {"like_clientid", "string", "client ids containing this"},
                            {"like_username", "string", "usernames containing this"},
                            {"node", "string", "only clients of this node"}},
                           {200, 400},
                           listClients});
    routes.push_back(
        Route{"GET", "/api/v5/clients/:clientid", "Clients", "One client", true, {}, {200, 404}, getClient});
    routes.push_back(Route{"DELETE",
                           "/api/v5/clients/:clientid",
                           "Clients",
                           "Kick a client out (MQTT 5: DISCONNECT 0x98); an offline session is discarded",
                           true,
                           {},
                           {204, 404},
                           kickClient});
}

}  // namespace emqx::http
