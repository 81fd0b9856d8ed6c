// login, logout: the dashboard's login (EMQX 5.8's paths, fields and codes).
// A login answers a bearer token for every /api/v5 route (api_auth.h). Failed
// logins are counted per source address (auth/login_lock.h): past
// dashboard.unsuccessful_login_max_attempts the address is refused with
// EMQX 6's LOGIN_LOCKED, each refusal logged with its count. The default
// user's login with the default password gets a token that may only change
// that password (docs/http-api.md).
#include "common/clock/wall_clock.h"
#include "common/net/peer_address.h"
#include "emqxd/auth/admin_store.h"
#include "emqxd/auth/dashboard_token.h"
#include "emqxd/auth/login_lock.h"
#include "emqxd/auth/password_hash.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_auth.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/json_body.h"
#include "emqxd/log/log.h"

namespace emqx::http {

namespace {

HttpResponse locked(int64_t retry_after_ms) {
    int64_t seconds = (retry_after_ms + 999) / 1000;
    HttpResponse r = errorResponse(
        401, "LOGIN_LOCKED",
        "Login locked: too many failed logins from this address; retry in " + std::to_string(seconds) + " s");
    r.headers.emplace_back("retry-after", std::to_string(seconds));
    return r;
}

void login(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    auto username = stringField(call, *body, "username");
    if (!username) return;
    auto password = stringField(call, *body, "password");
    if (!password) return;
    if (username->empty() || password->empty())
        return call.reply(errorResponse(400, "BAD_REQUEST", "username and password are required"));
    BrokerContext& b = cx.broker;
    std::string address(net::peerHost(call.request.peer));
    int64_t now = wallClockMs();
    if (auto refusal = b.login_lock->refuse(address, now)) {
        log::warn(
            "dashboard: login of {} from {} refused: the address is locked out for {} ms more ({} refused so "
            "far)",
            *username, address, refusal->retry_after_ms, refusal->refused);
        return call.reply(locked(refusal->retry_after_ms));
    }
    const auth::AdminUser* user = b.admins->authenticate(*username, *password);
    if (!user) {
        const auto& d = b.cfg.dashboard;
        if (b.login_lock->failed(address, now))
            log::warn(
                "dashboard: login of {} from {} failed; {} failures within {} ms: the address is locked out "
                "for {} ms",
                *username, address, d.unsuccessful_login_max_attempts, d.unsuccessful_login_interval,
                d.unsuccessful_login_lock_duration);
        else log::info("dashboard: login of {} from {} failed", *username, address);
        return call.reply(errorResponse(401, "BAD_USERNAME_OR_PWD", "Auth failed"));
    }
    b.login_lock->succeeded(address);
    bool must_change = user->username == b.cfg.dashboard.default_username &&
                       auth::constantTimeEquals(*password, b.cfg.dashboard.default_password);
    std::string token = b.dashboard_tokens->issue({user->username, user->role, must_change}, now);
    if (must_change)
        log::warn(
            "dashboard: {} logged in from {} with the default password, which it must change before anything "
            "else",
            user->username, address);
    else log::info("dashboard: {} logged in from {}", user->username, address);
    call.reply(jsonResponse(
        {{"token", token}, {"version", EMQX_VERSION}, {"license", {{"edition", "opensource"}}}, {"role", user->role}}));
}

void logout(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    auto username = stringField(call, *body, "username");
    if (!username) return;
    if (!cx.broker.dashboard_tokens->revoke(bearerToken(call.request), *username))
        return call.reply(errorResponse(401, "WRONG_TOKEN_OR_USERNAME", "Ensure your token & username"));
    log::info("dashboard: {} logged out", *username);
    call.reply(noContent());
}

}  // namespace

void addLoginRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"POST",
                           "/api/v5/login",
                           "Dashboard",
                           "Log in with {username, password}: a bearer token for the rest of the API",
                           false,
                           {},
                           {200, 400, 401, 415},
                           login});
    routes.push_back(Route{"POST",
                           kLogoutPath,
                           "Dashboard",
                           "Log out {username}: revokes the bearer token sent",
                           true,
                           {},
                           {204, 400, 401, 415},
                           logout});
}

}  // namespace emqx::http
