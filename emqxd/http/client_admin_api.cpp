// clients/kickout/bulk and clients/:clientid/authorization/cache (EMQX 5.8's),
// on the handlers of `emqxctl clients kick` and `authz cache-list|cache-clean`.
#include "emqxd/ctl/client_owner.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"
#include "emqxd/http/json_body.h"

namespace emqx::http {

namespace {

using ctl::Json;

// As EMQX: every id is kicked where it has a session; an id without one is
// passed over, not an error.
void kickoutClients(const ApiContext& cx, ApiCall call) {
    auto body = jsonArrayBody(call);
    if (!body) return;
    std::vector<Json> args;
    for (const Json& id : *body) {
        if (!id.is_string() || id.get_ref<const std::string&>().empty())
            return call.reply(errorResponse(400, "BAD_REQUEST", "the body must be an array of client ids (strings)"));
        args.push_back({{"clientid", id}});
    }
    callCtlEach(cx, "clients.kick", std::move(args), call.reply, [reply = call.reply](std::vector<ctl::Answer>& as) {
        for (const ctl::Answer& a : as)
            if (!a.is_ok && !ctl::isClientNotFound(a)) return reply(ctlFailure(a));
        reply(noContent());
    });
}

void listAuthzCache(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "authz.cache-list", {{"clientid", call.param("clientid")}}, call.reply,
            [reply = call.reply](ctl::Answer a) {
                if (!a.is_ok) return reply(clientFailure(a));
                reply(jsonResponse(a.data.at("cache")));
            });
}

void cleanAuthzCache(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "authz.cache-clean", {{"target", call.param("clientid")}}, call.reply,
            [reply = call.reply](ctl::Answer a) {
                if (!a.is_ok) return reply(clientFailure(a));
                reply(noContent());
            });
}

}  // namespace

void addClientAdminRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"POST",
                           "/api/v5/clients/kickout/bulk",
                           "Clients",
                           "Kick out the clients of a list of client ids (ids without a session are passed over)",
                           true,
                           {},
                           {204, 400, 415},
                           kickoutClients});
    routes.push_back(Route{"GET",
                           "/api/v5/clients/:clientid/authorization/cache",
                           "Clients",
                           "The client's cached authorization results",
                           true,
                           {},
                           {200, 404},
                           listAuthzCache});
    routes.push_back(Route{"DELETE",
                           "/api/v5/clients/:clientid/authorization/cache",
                           "Clients",
                           "Empty the client's authorization cache",
                           true,
                           {},
                           {204, 404},
                           cleanAuthzCache});
}

}  // namespace emqx::http
