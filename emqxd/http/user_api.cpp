// users, users/:username, users/:username/change_pwd: the dashboard's users
// (EMQX 5.8's paths, fields and codes). Adding, deleting and changing a
// password run the handlers of `emqxctl admins add|del|passwd`.
#include "emqxd/auth/admin_store.h"
#include "emqxd/auth/dashboard_token.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_auth.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"
#include "emqxd/http/json_body.h"

namespace emqx::http {

namespace {

using ctl::Json;

HttpResponse userNotFound(std::string_view message) { return errorResponse(404, "USER_NOT_FOUND", message); }

void listUsers(const ApiContext& cx, ApiCall call) {
    Json users = Json::array();
    for (const auto& u : cx.broker.admins->list()) users.push_back(auth::adminUserJson(u));
    call.reply(jsonResponse(users));
}

void createUser(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    Json args = Json::object();
    for (const char* key : {"username", "password", "role", "description"}) {
        auto value = stringField(call, *body, key);
        if (!value) return;
        if (!value->empty()) args[key] = *value;
    }
    if (!args.contains("username") || !args.contains("password"))
        return call.reply(errorResponse(400, "BAD_REQUEST", "Username or password undefined"));
    callCtl(cx, "admins.add", args, call.reply, [reply = call.reply](ctl::Answer a) {
        reply(a.is_ok ? jsonResponse(a.data) : errorResponse(400, "BAD_REQUEST", a.message));
    });
}

void updateUser(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    auto role = stringField(call, *body, "role");
    if (!role) return;
    auto description = stringField(call, *body, "description");
    if (!description) return;
    const std::string& username = call.param("username");
    const auth::AdminUser* user = cx.broker.admins->find(username);
    if (!user) return call.reply(userNotFound("username_not_found"));
    std::string new_role = role->empty() ? std::string(auth::kAdminRole) : *role;
    bool role_changed = new_role != user->role;
    if (!body->contains("description")) *description = user->description;
    std::string error;
    switch (cx.broker.admins->update(username, new_role, *description, error)) {
        case auth::AdminStore::Result::Done: break;
        case auth::AdminStore::Result::NotFound: return call.reply(userNotFound("username_not_found"));
        case auth::AdminStore::Result::Invalid:
        case auth::AdminStore::Result::Exists: return call.reply(errorResponse(400, "BAD_REQUEST", error));
        case auth::AdminStore::Result::NotSaved: return call.reply(errorResponse(500, "INTERNAL_ERROR", error));
    }
    // As EMQX: a token carries its role, so a new role means a new login.
    if (role_changed) cx.broker.dashboard_tokens->revokeUser(username);
    call.reply(jsonResponse(auth::adminUserJson(*cx.broker.admins->find(username))));
}

void deleteUser(const ApiContext& cx, ApiCall call) {
    const std::string& username = call.param("username");
    if (username == cx.broker.cfg.dashboard.default_username)
        return call.reply(errorResponse(400, "NOT_ALLOWED", "Cannot delete user \"" + username + "\""));
    const auth::TokenOwner* caller = cx.broker.dashboard_tokens->owner(bearerToken(call.request));
    if (caller && caller->username == username)
        return call.reply(errorResponse(400, "NOT_ALLOWED", "Cannot delete self"));
    callCtl(cx, "admins.del", {{"username", username}}, call.reply, [reply = call.reply](ctl::Answer a) {
        if (a.is_ok) return reply(noContent());
        reply(a.code == ctl::code::kNotFound ? userNotFound(a.message) : ctlFailure(a));
    });
}

void changePassword(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    auto old_pwd = stringField(call, *body, "old_pwd");
    if (!old_pwd) return;
    auto new_pwd = stringField(call, *body, "new_pwd");
    if (!new_pwd) return;
    if (old_pwd->empty() || new_pwd->empty())
        return call.reply(errorResponse(400, "BAD_REQUEST", "Old password or new password undefined"));
    const std::string& username = call.param("username");
    if (!cx.broker.admins->find(username)) return call.reply(userNotFound("User not found"));
    if (!cx.broker.admins->authenticate(username, *old_pwd))
        return call.reply(errorResponse(400, "ERROR_PWD_NOT_MATCH", "Old password not match"));
    callCtl(cx, "admins.passwd", {{"username", username}, {"password", *new_pwd}}, call.reply,
            [reply = call.reply](ctl::Answer a) {
                if (a.is_ok) return reply(noContent());
                if (a.code == ctl::code::kBadArgs) return reply(errorResponse(400, "BAD_REQUEST", a.message));
                reply(a.code == ctl::code::kNotFound ? userNotFound("User not found") : ctlFailure(a));
            });
}

}  // namespace

void addUserRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET",
                           "/api/v5/users",
                           "Dashboard",
                           "List the dashboard's users (emqxctl has no list: EMQX's has none)",
                           true,
                           {},
                           {200},
                           listUsers});
    routes.push_back(Route{"POST",
                           "/api/v5/users",
                           "Dashboard",
                           "Add a dashboard user from {username, password, role, description} (emqxctl admins add)",
                           true,
                           {},
                           {200, 400, 415},
                           createUser});
    routes.push_back(Route{"PUT",
                           "/api/v5/users/:username",
                           "Dashboard",
                           "Change a user's {role, description}; a new role revokes its tokens",
                           true,
                           {},
                           {200, 400, 404, 415},
                           updateUser});
    routes.push_back(Route{"DELETE",
                           "/api/v5/users/:username",
                           "Dashboard",
                           "Delete a dashboard user, not the default one nor oneself (emqxctl admins del)",
                           true,
                           {},
                           {204, 400, 404},
                           deleteUser});
    routes.push_back(
        Route{"POST",
              kChangePasswordPath,
              "Dashboard",
              "Change a user's password from {old_pwd, new_pwd}; revokes its tokens (emqxctl admins passwd)",
              true,
              {},
              {204, 400, 404, 415},
              changePassword});
}

}  // namespace emqx::http
