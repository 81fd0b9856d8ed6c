// authentication/:id/users and authentication/:id/users/:user_id (EMQX
// 5.8's) for the built-in database, on the handlers of `emqxctl users
// list|add|passwd|del`. The only authenticator with users is
// password_based:built_in_database; another id, or that one not configured,
// is 404 as in EMQX. Setting is_superuser is not built (emqxctl users cannot
// either): `true` is refused with 400, not ignored.
#include <algorithm>

#include "common/http/paging.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"
#include "emqxd/http/json_body.h"

namespace emqx::http {

namespace {

using ctl::Json;

constexpr std::string_view kBuiltIn = "password_based:built_in_database";

HttpResponse userNotFound() { return errorResponse(404, "NOT_FOUND", "User not found"); }

// Runs `cmd` when `:id` is the built-in database; a failure that says no
// built-in database is configured is that authenticator not existing.
void withUsers(const ApiContext& cx, const ApiCall& call, std::string_view cmd, Json args,
               std::function<void(ctl::Answer)> done) {
    const std::string& id = call.param("id");
    HttpResponse no_authenticator = errorResponse(404, "NOT_FOUND", "Authenticator '" + id + "' does not exist");
    if (id != kBuiltIn) return call.reply(no_authenticator);
    callCtl(cx, cmd, std::move(args), call.reply,
            [reply = call.reply, no_authenticator, done = std::move(done)](ctl::Answer a) {
                if (!a.is_ok && a.message.find("no built_in_database authenticator") != std::string::npos)
                    return reply(no_authenticator);
                done(std::move(a));
            });
}

// The body's password and is_superuser; nullopt when refused (answered).
std::optional<std::string> passwordOf(const ApiCall& call, const Json& body) {
    auto su = body.find("is_superuser");
    if (su != body.end() && !su->is_boolean()) {
        call.reply(errorResponse(400, "BAD_REQUEST", "is_superuser: expected true or false"));
        return std::nullopt;
    }
    if (su != body.end() && su->get<bool>()) {
        call.reply(errorResponse(400, "BAD_REQUEST", "is_superuser: making a superuser is not built yet"));
        return std::nullopt;
    }
    auto password = stringField(call, body, "password");
    if (password && password->empty()) {
        call.reply(errorResponse(400, "BAD_REQUEST", "Missing required parameter: password"));
        return std::nullopt;
    }
    return password;
}

const Json* findUser(const ctl::Answer& a, const std::string& user_id) {
    for (const Json& u : a.data.at("users"))
        if (u.at("user_id") == user_id) return &u;
    return nullptr;
}

void listUsers(const ApiContext& cx, ApiCall call) {
    std::string error;
    auto page = parsePageRequest(call.query, error);
    if (!page) return call.reply(errorResponse(400, "BAD_REQUEST", error));
    const std::string* like = queryValue(call.query, "like_user_id");
    std::string like_id = like ? *like : "";
    withUsers(cx, call, "users.list", Json::object(), [reply = call.reply, page = *page, like_id](ctl::Answer a) {
        if (!a.is_ok) return reply(ctlFailure(a));
        Json rows = Json::array();
        for (const Json& u : a.data.at("users"))
            if (u.at("user_id").get_ref<const std::string&>().find(like_id) != std::string::npos) rows.push_back(u);
        std::sort(rows.begin(), rows.end(), [](const Json& x, const Json& y) { return x["user_id"] < y["user_id"]; });
        reply(jsonResponse(pageOf(rows, page)));
    });
}

void addUser(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    auto user_id = stringField(call, *body, "user_id");
    if (!user_id) return;
    if (user_id->empty()) return call.reply(errorResponse(400, "BAD_REQUEST", "Missing required parameter: user_id"));
    auto password = passwordOf(call, *body);
    if (!password) return;
    std::string id = *user_id;
    const ApiContext* c = &cx;
    withUsers(cx, call, "users.list", Json::object(), [c, call, id, pw = *password](ctl::Answer a) {
        if (!a.is_ok) return call.reply(ctlFailure(a));
        if (findUser(a, id)) return call.reply(errorResponse(409, "ALREADY_EXISTS", "User already exists"));
        callCtl(*c, "users.add", {{"user_id", id}, {"password", pw}}, call.reply, [call, id](ctl::Answer added) {
            if (!added.is_ok) return call.reply(ctlFailure(added));
            HttpResponse r = jsonResponse({{"user_id", id}, {"is_superuser", false}});
            r.status = 201;
            call.reply(r);
        });
    });
}

void getUser(const ApiContext& cx, ApiCall call) {
    std::string id = call.param("user_id");
    withUsers(cx, call, "users.list", Json::object(), [reply = call.reply, id](ctl::Answer a) {
        if (!a.is_ok) return reply(ctlFailure(a));
        const Json* u = findUser(a, id);
        reply(u ? jsonResponse(*u) : userNotFound());
    });
}

void updateUser(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    auto password = passwordOf(call, *body);
    if (!password) return;
    std::string id = call.param("user_id");
    withUsers(cx, call, "users.passwd", {{"user_id", id}, {"password", *password}},
              [reply = call.reply, id](ctl::Answer a) {
                  if (!a.is_ok) return reply(a.code == ctl::code::kNotFound ? userNotFound() : ctlFailure(a));
                  reply(jsonResponse({{"user_id", id}, {"is_superuser", false}}));
              });
}

void deleteUser(const ApiContext& cx, ApiCall call) {
    withUsers(cx, call, "users.del", {{"user_id", call.param("user_id")}}, [reply = call.reply](ctl::Answer a) {
        if (!a.is_ok) return reply(a.code == ctl::code::kNotFound ? userNotFound() : ctlFailure(a));
        reply(noContent());
    });
}

}  // namespace

void addAuthnUserRoutes(std::vector<Route>& routes) {
    const std::string_view users = "/api/v5/authentication/:id/users";
    const std::string_view user = "/api/v5/authentication/:id/users/:user_id";
    routes.push_back(Route{"GET",
                           users,
                           "Authentication",
                           "The built-in database's users, a page at a time",
                           true,
                           {{"page", "integer", "page number, from 1 (default 1)"},
                            {"limit", "integer", "users per page, 1..10000 (default 100)"},
                            {"like_user_id", "string", "user ids containing this"}},
                           {200, 400, 404},
                           listUsers});
    routes.push_back(Route{"POST",
                           users,
                           "Authentication",
                           "Add a user to the built-in database",
                           true,
                           {},
                           {201, 400, 404, 409},
                           addUser});
    routes.push_back(Route{"GET", user, "Authentication", "One built-in database user", true, {}, {200, 404}, getUser});
    routes.push_back(Route{"PUT",
                           user,
                           "Authentication",
                           "Change a built-in database user's password",
                           true,
                           {},
                           {200, 400, 404},
                           updateUser});
    routes.push_back(
        Route{"DELETE", user, "Authentication", "Delete a built-in database user", true, {}, {204, 404}, deleteUser});
}

}  // namespace emqx::http
