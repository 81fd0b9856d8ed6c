#pragma once
// The route table (every group's routes, api_route_groups.h) and the one
// dispatch: the route for the path and method (404 NOT_FOUND when no route
// has the path, 405 METHOD_NOT_ALLOWED with `allow` when none has the
// method), its API key (api_auth.h), the query, then the handler. A handler's
// exception becomes a 500, never crosses into libuv; the reply is sent once.
#include <vector>

#include "emqxd/http/api_route.h"

namespace emqx::http {

const std::vector<Route>& apiRoutes();

void dispatchApi(const ApiContext& cx, HttpRequest request, Reply reply);

}  // namespace emqx::http
