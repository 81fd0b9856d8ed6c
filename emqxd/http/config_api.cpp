// configs (read-only): GET /api/v5/configs[?key=<root>] and
// GET /api/v5/configs/:root, EMQX 5.8's paths, answering the configuration
// the broker runs with as JSON (common/config/config_json.h), secrets shown
// as "******". Changing the configuration here is not built: PUT answers 405.
#include <algorithm>

#include "common/config/config_json.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_route_groups.h"

namespace emqx::http {

namespace {

bool isRoot(const std::string& name) {
    auto roots = config::configRoots();
    return std::find(roots.begin(), roots.end(), name) != roots.end();
}

std::string rootList() {
    std::string out;
    for (const std::string& r : config::configRoots()) out += (out.empty() ? "" : ", ") + r;
    return out;
}

void getConfigs(const ApiContext& cx, ApiCall call) {
    nlohmann::json all = config::configJson(cx.broker.cfg);
    const std::string* key = queryValue(call.query, "key");
    if (!key) return call.reply(jsonResponse(all));
    // As EMQX: `key` is checked against the roots, a bad one is a bad request.
    if (!isRoot(*key)) return call.reply(errorResponse(400, "BAD_REQUEST", "key: expected one of " + rootList()));
    call.reply(jsonResponse({{*key, all[*key]}}));
}

void getConfigRoot(const ApiContext& cx, ApiCall call) {
    const std::string& root = call.param("root");
    if (!isRoot(root)) return call.reply(errorResponse(404, "NOT_FOUND", "config root " + root + " not found"));
    call.reply(jsonResponse(config::configJson(cx.broker.cfg)[root]));
}

void refuseConfigChange(const ApiContext&, ApiCall call) {
    HttpResponse r =
        errorResponse(405, "METHOD_NOT_ALLOWED",
                      "configs are read-only here: change etc/emqx.toml (or EMQX_* variables) and restart");
    r.headers.emplace_back("allow", "GET");
    call.reply(r);
}

}  // namespace

void addConfigRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET",
                           "/api/v5/configs",
                           "Configs",
                           "The configuration in force as JSON, by root key; secrets read ******",
                           true,
                           {{"key", "string", "only this root key, e.g. mqtt"}},
                           {200, 400},
                           getConfigs});
    routes.push_back(Route{"PUT",
                           "/api/v5/configs",
                           "Configs",
                           "Not built: the configuration is read-only here (405)",
                           true,
                           {},
                           {405},
                           refuseConfigChange});
    routes.push_back(Route{"GET",
                           "/api/v5/configs/:root",
                           "Configs",
                           "One root key of the configuration in force, e.g. mqtt",
                           true,
                           {},
                           {200, 404},
                           getConfigRoot});
    routes.push_back(Route{"PUT",
                           "/api/v5/configs/:root",
                           "Configs",
                           "Not built: the configuration is read-only here (405)",
                           true,
                           {},
                           {405},
                           refuseConfigChange});
}

}  // namespace emqx::http
