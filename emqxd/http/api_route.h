#pragma once
// The API's route table entries and what a handler gets. Each endpoint group
// (`<group>_api.cpp`) adds its routes (api_route_groups.h); the router
// dispatches on them and /api-docs/swagger.json is generated from them, so a
// route cannot exist undocumented. Handlers run on the control loop and
// answer through ApiCall::reply exactly once, possibly later (after the
// workers answered a ctl command).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/http/http_request.h"
#include "common/http/http_response.h"
#include "common/http/path_pattern.h"
#include "common/http/query_string.h"

namespace emqx {
struct BrokerContext;
namespace ctl {
class Registry;
struct CommandContext;
}  // namespace ctl
namespace auth {
struct ApiKey;
}
}  // namespace emqx

namespace emqx::http {

using Reply = std::function<void(const HttpResponse&)>;

// What every handler may use; outlives every request.
struct ApiContext {
    BrokerContext& broker;
    const ctl::Registry& registry;
    const ctl::CommandContext& ctl;
};

struct ApiCall {
    HttpRequest request;
    QueryParams query;
    PathParams params;
    Reply reply;

    // A path parameter (decoded); "" when the route has none of that name.
    const std::string& param(std::string_view name) const;
    // A boolean query parameter (EMQX's true / false; `absent` when not
    // given); any other value is answered 400 BAD_REQUEST and gives nullopt.
    std::optional<bool> boolQuery(std::string_view name, bool absent) const;
};

// A query parameter as the OpenAPI document shows it.
struct QueryParamDoc {
    std::string_view name;
    std::string_view type;  // OpenAPI type: string, integer, boolean
    std::string_view description;
};

struct Route {
    std::string_view method;   // "GET", "POST", "DELETE"
    std::string_view pattern;  // "/api/v5/clients/:clientid"
    std::string_view tag;      // the OpenAPI tag: "Clients"
    std::string_view summary;
    bool needs_key = true;             // false: /status and the API's own document
    std::vector<QueryParamDoc> query;  // what the route reads from the query
    std::vector<int> statuses;         // what it answers besides 401/403 (documented)
    std::function<void(const ApiContext&, ApiCall)> handler;
};

}  // namespace emqx::http
