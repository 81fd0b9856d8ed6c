#include "emqxd/http/api_auth.h"

#include <strings.h>

#include "common/http/basic_auth.h"
#include "emqxd/auth/api_key_store.h"
#include "emqxd/auth/dashboard_token.h"

namespace emqx::http {

namespace {

constexpr std::string_view kHowToCreate =
    "; create an API key with `emqxctl api_keys add --name <name>` (it prints the key and its secret) or list one in "
    "api_key.bootstrap_file, then send it as HTTP Basic credentials: curl -u <api_key>:<api_secret>";

HttpResponse unauthorized(std::string_view code, std::string_view message) {
    HttpResponse r = errorResponse(401, code, std::string(message) + std::string(kHowToCreate));
    r.headers.emplace_back("www-authenticate", "Basic Realm=\"emqx-dashboard\"");
    return r;
}

HttpResponse roleRefused() {
    return errorResponse(403, "UNAUTHORIZED_ROLE", "This API Key don't have permission to access this resource");
}

// What a token that must change the default password may call: log out, or
// change its own password.
bool allowedBeforePasswordChange(const auth::TokenOwner& owner, std::string_view method, std::string_view pattern,
                                 const PathParams& params) {
    if (method != "POST") return false;
    if (pattern == kLogoutPath) return true;
    if (pattern != kChangePasswordPath) return false;
    for (const auto& [name, value] : params)
        if (name == "username") return value == owner.username;
    return false;
}

std::optional<HttpResponse> checkToken(std::string_view token, auth::DashboardTokens& tokens, std::string_view method,
                                       std::string_view pattern, const PathParams& params, int64_t now_ms) {
    auth::TokenOwner owner;
    switch (tokens.verify(token, now_ms, owner)) {
        case auth::DashboardTokens::Check::Unknown:
            return errorResponse(401, "BAD_TOKEN", "Get a token by POST /api/v5/login");
        case auth::DashboardTokens::Check::Expired:
            return errorResponse(401, "TOKEN_TIME_OUT", "Token expired, get new token by POST /api/v5/login");
        case auth::DashboardTokens::Check::Valid: break;
    }
    if (owner.must_change_password && !allowedBeforePasswordChange(owner, method, pattern, params))
        return errorResponse(403, "DEFAULT_CREDENTIALS_NOT_CHANGED",
                             "The default password of " + owner.username +
                                 " must be changed first: POST /api/v5/users/" + owner.username +
                                 "/change_pwd with {\"old_pwd\", \"new_pwd\"} (or run `emqxctl admins passwd " +
                                 owner.username +
                                 " <new password>`), then log in again. Until then this token may only do that or "
                                 "POST /api/v5/logout");
    if (!roleAllows(owner.role, method, pattern))
        return errorResponse(403, "UNAUTHORIZED_ROLE", "You don't have permission to access this resource");
    return std::nullopt;
}

std::optional<HttpResponse> checkApiKey(const HttpRequest& req, const auth::ApiKeyStore& keys, std::string_view method,
                                        std::string_view pattern, int64_t now_s) {
    const std::string* header = req.header("authorization");
    auto creds = header ? parseBasicAuth(*header) : std::nullopt;
    if (!creds) return unauthorized("AUTHORIZATION_HEADER_ERROR", "Support authorization: basic");
    const auth::ApiKey* key = keys.authenticate(creds->user, creds->password, now_s);
    if (!key) return unauthorized("BAD_API_KEY_OR_SECRET", "Check api_key/api_secret");
    if (!roleAllows(key->role, method, pattern)) return roleRefused();
    return std::nullopt;
}

}  // namespace

bool roleAllows(std::string_view role, std::string_view method, std::string_view pattern) {
    if (role == "administrator") return true;
    if (role == "viewer") return method == "GET";
    if (role == "publisher") return method == "POST" && pattern.starts_with("/api/v5/publish");
    return false;
}

std::string_view bearerToken(const HttpRequest& req) {
    const std::string* header = req.header("authorization");
    constexpr std::string_view kScheme = "bearer ";
    if (!header || header->size() <= kScheme.size() || strncasecmp(header->c_str(), kScheme.data(), kScheme.size()))
        return {};
    std::string_view token = std::string_view(*header).substr(kScheme.size());
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    return token;
}

std::optional<HttpResponse> checkCaller(const HttpRequest& req, const auth::ApiKeyStore& keys,
                                        auth::DashboardTokens& tokens, std::string_view method,
                                        std::string_view pattern, const PathParams& params, int64_t now_ms) {
    std::string_view token = bearerToken(req);
    if (!token.empty()) return checkToken(token, tokens, method, pattern, params, now_ms);
    const std::string* header = req.header("authorization");
    if (!header || !parseBasicAuth(*header))
        return unauthorized("AUTHORIZATION_HEADER_ERROR",
                            "Support authorization: basic/bearer; log in with POST /api/v5/login {\"username\", "
                            "\"password\"} for a bearer token");
    return checkApiKey(req, keys, method, pattern, now_ms / 1000);
}

}  // namespace emqx::http
