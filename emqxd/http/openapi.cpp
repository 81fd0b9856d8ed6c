#include "emqxd/http/openapi.h"

#include <cctype>

#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/api_router.h"

namespace emqx::http {

namespace {

using ctl::Json;

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

Json operation(const Route& r) {
    Json params = Json::array();
    for (const std::string& name : pathParamNames(r.pattern))
        params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    for (const QueryParamDoc& q : r.query)
        params.push_back({{"name", q.name},
                          {"in", "query"},
                          {"required", false},
                          {"description", q.description},
                          {"schema", {{"type", q.type}}}});
    Json responses = Json::object();
    std::vector<int> statuses = r.statuses;
    if (r.needs_key) statuses.insert(statuses.end(), {401, 403});
    for (int s : statuses) responses[std::to_string(s)] = {{"description", statusText(s)}};
    Json op = {
        {"summary", r.summary}, {"tags", Json::array({r.tag})}, {"parameters", params}, {"responses", responses}};
    op["security"] = r.needs_key ? Json::array({{{"basicAuth", Json::array()}}}) : Json::array();
    return op;
}

}  // namespace

Json openApiDocument(const std::vector<Route>& routes) {
    Json paths = Json::object();
    for (const Route& r : routes) paths[openApiPath(r.pattern)][lower(r.method)] = operation(r);
    return {{"openapi", "3.0.0"},
            {"info",
             {{"title", "emqxd HTTP API"},
              {"version", EMQX_VERSION},
              {"description", "EMQX 5's REST API as emqxd serves it (docs/http-api.md)"}}},
            {"paths", paths},
            {"components",
             {{"securitySchemes",
               {{"basicAuth",
                 {{"type", "http"},
                  {"scheme", "basic"},
                  {"description", "An API key and its secret: emqxctl api_keys add --name <name>"}}}}}}}};
}

void addDocRoutes(std::vector<Route>& routes) {
    routes.push_back(
        Route{"GET",
              "/api-docs/swagger.json",
              "Docs",
              "This document (OpenAPI 3)",
              false,
              {},
              {200},
              [](const ApiContext&, ApiCall call) { call.reply(jsonResponse(openApiDocument(apiRoutes()))); }});
}

}  // namespace emqx::http
