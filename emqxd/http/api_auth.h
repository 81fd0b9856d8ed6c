#pragma once
// Who may call a route: HTTP Basic with an API key and its secret (EMQX 5's
// API keys), and what the key's role lets it do (EMQX's roles:
// administrator everything, viewer GET only, publisher only POST
// /api/v5/publish and /publish/bulk). Refusals carry EMQX's codes: 401
// AUTHORIZATION_HEADER_ERROR without Basic credentials, 401
// BAD_API_KEY_OR_SECRET for a wrong, disabled or expired key, 403
// UNAUTHORIZED_ROLE; the 401 bodies say how to create a key.
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/http/http_request.h"
#include "common/http/http_response.h"

namespace emqx::auth {
class ApiKeyStore;
}

namespace emqx::http {

// nullopt: the request may run the route (`method` on `pattern`); otherwise
// the answer that refuses it.
std::optional<HttpResponse> checkApiKey(const HttpRequest& req, const auth::ApiKeyStore& keys, std::string_view method,
                                        std::string_view pattern, int64_t now_s);

bool roleAllows(std::string_view role, std::string_view method, std::string_view pattern);

}  // namespace emqx::http
