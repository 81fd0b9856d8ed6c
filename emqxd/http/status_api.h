#pragma once
// GET /status (and /api/v5/status): EMQX's health check, without a key.
// 200 "Node <name> is started\nemqx is running" while the broker runs, 503
// with "is stopped" / "not_running" while it stops; `?format=json` gives
// {"node_name", "rel_vsn", "broker_status", "app_status"}. Always with
// EMQX's `retry-after: 15`.
#include <string_view>

#include "common/http/http_response.h"

namespace emqx::http {

HttpResponse statusResponse(std::string_view node, std::string_view version, bool running, bool json);

}  // namespace emqx::http
