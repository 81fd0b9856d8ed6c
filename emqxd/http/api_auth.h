#pragma once
// Who may call a route: HTTP Basic with an API key and its secret (EMQX 5's
// API keys) or a dashboard login's token (Bearer, POST /api/v5/login), and
// what the key's or user's role lets it do (EMQX's roles: administrator
// everything, viewer GET only, publisher only POST /api/v5/publish and
// /publish/bulk). Refusals carry EMQX's codes: 401 AUTHORIZATION_HEADER_ERROR
// without credentials, 401 BAD_API_KEY_OR_SECRET for a wrong, disabled or
// expired key, 401 BAD_TOKEN / TOKEN_TIME_OUT for an unknown / expired
// token, 403 UNAUTHORIZED_ROLE; the 401 bodies say how to get credentials. A
// token of the default user logged in with the default password may only
// change that password or log out (403 DEFAULT_CREDENTIALS_NOT_CHANGED
// otherwise).
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/http/http_request.h"
#include "common/http/http_response.h"
#include "common/http/path_pattern.h"

namespace emqx::auth {
class ApiKeyStore;
class DashboardTokens;
}  // namespace emqx::auth

namespace emqx::http {

// What a token that must change its password may still call (POST).
inline constexpr std::string_view kLogoutPath = "/api/v5/logout";
inline constexpr std::string_view kChangePasswordPath = "/api/v5/users/:username/change_pwd";

// nullopt: the request may run the route (`method` on `pattern`): it carries
// an API key, or a login token (whose expiry moves on, as in EMQX), whose
// role allows it; otherwise the answer that refuses it. `params`: the
// route's path parameters.
std::optional<HttpResponse> checkCaller(const HttpRequest& req, const auth::ApiKeyStore& keys,
                                        auth::DashboardTokens& tokens, std::string_view method,
                                        std::string_view pattern, const PathParams& params, int64_t now_ms);

// The token of an "Authorization: Bearer <token>" header; "" without one.
std::string_view bearerToken(const HttpRequest& req);

bool roleAllows(std::string_view role, std::string_view method, std::string_view pattern);

}  // namespace emqx::http
