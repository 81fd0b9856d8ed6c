// api_key, api_key/:name (EMQX 5.8's fields and codes), on the handlers of
// `emqxctl api_keys list|add|del`. Unlike EMQX, which refuses API keys on
// these paths (it wants a dashboard login's token, and emqxd has no
// dashboard), an administrator's key may manage keys.
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"
#include "emqxd/http/json_body.h"

namespace emqx::http {

namespace {

using ctl::Json;

HttpResponse nameNotFound() { return errorResponse(404, "NOT_FOUND", "Name NOT FOUND"); }

void listKeys(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "api_keys.list", Json::object(), call.reply,
            [reply = call.reply](ctl::Answer a) { reply(a.is_ok ? jsonResponse(a.data) : ctlFailure(a)); });
}

void createKey(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    auto bad = [&](const std::string& why) { call.reply(errorResponse(400, "BAD_REQUEST", why)); };
    if (!body->contains("name") || !(*body)["name"].is_string()) return bad("name: a string is required");
    Json args = {{"name", (*body)["name"]}};
    for (const char* key : {"desc", "role"}) {
        if (!body->contains(key)) continue;
        if (!(*body)[key].is_string()) return bad(std::string(key) + ": expected a string");
        args[key] = (*body)[key];
    }
    if (body->contains("enable") && (*body)["enable"] != true)
        return bad("enable: only true (a key is made enabled; disabling is not available yet)");
    if (body->contains("expired_at") && (*body)["expired_at"] != "infinity")
        return bad("expired_at: only \"infinity\" (expiring keys are not available yet)");
    callCtl(cx, "api_keys.add", args, call.reply, [reply = call.reply](ctl::Answer a) {
        reply(a.is_ok ? jsonResponse(a.data) : errorResponse(400, "BAD_REQUEST", a.message));
    });
}

void getKey(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "api_keys.list", Json::object(), call.reply,
            [name = call.param("name"), reply = call.reply](ctl::Answer a) {
                if (!a.is_ok) return reply(ctlFailure(a));
                for (const Json& k : a.data)
                    if (k.at("name") == name) return reply(jsonResponse(k));
                reply(nameNotFound());
            });
}

void deleteKey(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "api_keys.del", {{"name", call.param("name")}}, call.reply, [reply = call.reply](ctl::Answer a) {
        if (a.is_ok) return reply(noContent());
        reply(a.code == ctl::code::kNotFound ? nameNotFound() : ctlFailure(a));
    });
}

}  // namespace

void addApiKeyRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{
        "GET", "/api/v5/api_key", "API Keys", "List the API keys (never their secrets)", true, {}, {200}, listKeys});
    routes.push_back(Route{"POST",
                           "/api/v5/api_key",
                           "API Keys",
                           "Create an API key from {name, desc, role}; the answer holds its api_secret, shown once",
                           true,
                           {},
                           {200, 400, 415},
                           createKey});
    routes.push_back(Route{"GET", "/api/v5/api_key/:name", "API Keys", "One API key", true, {}, {200, 404}, getKey});
    routes.push_back(
        Route{"DELETE", "/api/v5/api_key/:name", "API Keys", "Delete an API key", true, {}, {204, 404}, deleteKey});
}

}  // namespace emqx::http
