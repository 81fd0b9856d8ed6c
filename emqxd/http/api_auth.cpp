#include "emqxd/http/api_auth.h"

#include "common/http/basic_auth.h"
#include "emqxd/auth/api_key_store.h"

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

}  // namespace

bool roleAllows(std::string_view role, std::string_view method, std::string_view pattern) {
    if (role == "administrator") return true;
    if (role == "viewer") return method == "GET";
    if (role == "publisher") return method == "POST" && pattern.starts_with("/api/v5/publish");
    return false;
}

std::optional<HttpResponse> checkApiKey(const HttpRequest& req, const auth::ApiKeyStore& keys, std::string_view method,
                                        std::string_view pattern, int64_t now_s) {
    const std::string* header = req.header("authorization");
    auto creds = header ? parseBasicAuth(*header) : std::nullopt;
    if (!creds) return unauthorized("AUTHORIZATION_HEADER_ERROR", "Support authorization: basic");
    const auth::ApiKey* key = keys.authenticate(creds->user, creds->password, now_s);
    if (!key) return unauthorized("BAD_API_KEY_OR_SECRET", "Check api_key/api_secret");
    if (!roleAllows(key->role, method, pattern))
        return errorResponse(403, "UNAUTHORIZED_ROLE", "This API Key don't have permission to access this resource");
    return std::nullopt;
}

}  // namespace emqx::http
