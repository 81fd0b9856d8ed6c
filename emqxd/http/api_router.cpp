#include "emqxd/http/api_router.h"

#include <memory>

#include "common/clock/wall_clock.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_auth.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/log/log.h"

namespace emqx::http {

const std::string& ApiCall::param(std::string_view name) const {
    static const std::string none;
    for (const auto& [n, v] : params)
        if (n == name) return v;
    return none;
}

std::optional<bool> ApiCall::boolQuery(std::string_view name, bool absent) const {
    const std::string* v = queryValue(query, name);
    if (!v) return absent;
    if (*v == "true" || *v == "false") return *v == "true";
    reply(errorResponse(400, "BAD_REQUEST", std::string(name) + ": expected true or false, got \"" + *v + "\""));
    return std::nullopt;
}

const std::vector<Route>& apiRoutes() {
    static const std::vector<Route> routes = [] {
        std::vector<Route> r;
        addStatusRoutes(r);
        addNodeRoutes(r);
        addListenerRoutes(r);
        addClientRoutes(r);
        addClientAdminRoutes(r);
        addClientSessionRoutes(r);
        addApiKeyRoutes(r);
        addLoginRoutes(r);
        addUserRoutes(r);
        addAuthnUserRoutes(r);
        addSubscriptionRoutes(r);
        addTopicRoutes(r);
        addPrometheusRoutes(r);
        addPublishRoutes(r);
        addRetainerRoutes(r);
        addBannedRoutes(r);
        addTraceRoutes(r);
        addAuthzSourceRoutes(r);
        addLicenseRoutes(r);
        addConfigRoutes(r);
        addAlarmRoutes(r);
        addClusterRoutes(r);
        addDocRoutes(r);
        return r;
    }();
    return routes;
}

namespace {

// dashboard.cors: a browser's preflight before a cross-origin call with
// credentials or a body (EMQX answers the call itself, as below, with the
// origin header only).
HttpResponse corsPreflight(const HttpRequest& request, const std::string& allowed) {
    HttpResponse r;
    r.status = 204;
    const std::string* asked = request.header("access-control-request-headers");
    r.headers.emplace_back("access-control-allow-methods", allowed + ", OPTIONS");
    r.headers.emplace_back("access-control-allow-headers", asked ? *asked : "authorization, content-type");
    r.headers.emplace_back("access-control-max-age", "86400");
    return r;
}

}  // namespace

void dispatchApi(const ApiContext& cx, HttpRequest request, Reply reply) {
    auto answered = std::make_shared<bool>(false);
    const bool cors = cx.broker.cfg.dashboard.cors && request.header("origin");
    Reply once = [answered, cors, reply = std::move(reply)](const HttpResponse& r) {
        if (*answered) return;
        *answered = true;
        if (!cors) return reply(r);
        HttpResponse with_origin = r;
        with_origin.headers.emplace_back("access-control-allow-origin", "*");
        reply(with_origin);
    };
    const Route* route = nullptr;
    PathParams params;
    PathMatch match = PathMatch::No;
    std::string allowed;
    for (const Route& r : apiRoutes()) {
        PathParams p;
        PathMatch m = matchPath(r.pattern, request.path, p);
        if (m == PathMatch::No) continue;
        allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
        if (r.method == request.method) {
            route = &r;
            params = std::move(p);
            match = m;
        }
    }
    if (allowed.empty()) return once(errorResponse(404, "NOT_FOUND", "Request Path Not Found"));
    if (!route && cors && request.method == "OPTIONS") return once(corsPreflight(request, allowed));
    if (!route) {
        HttpResponse r = errorResponse(405, "METHOD_NOT_ALLOWED", request.method + " is not allowed here");
        r.headers.emplace_back("allow", allowed);
        return once(r);
    }
    if (route->needs_key)
        if (auto refusal = checkCaller(request, *cx.broker.api_keys, *cx.broker.dashboard_tokens, route->method,
                                       route->pattern, params, wallClockMs()))
            return once(*refusal);
    if (match == PathMatch::BadEncoding)
        return once(errorResponse(400, "BAD_REQUEST", "bad percent-encoding in the path"));
    auto query = parseQuery(request.query);
    if (!query) return once(errorResponse(400, "BAD_REQUEST", "bad percent-encoding in the query string"));
    try {
        route->handler(cx, ApiCall{std::move(request), std::move(*query), std::move(params), once});
    } catch (const std::exception& e) {
        log::error("http: {} {} failed: {}", route->method, route->pattern, e.what());
        once(errorResponse(500, "INTERNAL_ERROR", std::string("internal error: ") + e.what()));
    }
}

}  // namespace emqx::http
