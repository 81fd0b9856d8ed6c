#pragma once
// The OpenAPI 3 document of the routes (GET /api-docs/swagger.json, no key
// needed): every route of the table with its method, summary, tag, path and
// query parameters, the answers it may give and, but for /status and the
// document itself, HTTP Basic (API key and secret) as its security.
#include <vector>

#include "common/ctl/protocol.h"
#include "emqxd/http/api_route.h"

namespace emqx::http {

ctl::Json openApiDocument(const std::vector<Route>& routes);

}  // namespace emqx::http
