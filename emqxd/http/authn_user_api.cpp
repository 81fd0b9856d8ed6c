// authentication/:id/users and authentication/:id/users/:user_id (EMQX
// 5.8's) for the built-in database, on the handlers of `emqxctl users
// list|add|passwd|del`. The only authenticator with users is
// password_based:built_in_database; another id, or that one not configured,
// is 404 as in EMQX. is_superuser is the user's flag (emqxctl users
// --is_superuser): a superuser skips authorization.
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

// The arguments of users.add / users.passwd from the body's password and
// is_superuser (absent: the command's default); nullopt when refused (answered).
std::optional<Json> passwordArgs(const ApiCall& call, const Json& body, const std::string& user_id) {
    auto su = body.find("is_superuser");
    if (su != body.end() && !su->is_boolean()) {
        call.reply(errorResponse(400, "BAD_REQUEST", "is_superuser: expected true or false"));
        return std::nullopt;
    }
    auto password = stringField(call, body, "password");
    if (!password) return std::nullopt;
    if (password->empty()) {
        call.reply(errorResponse(400, "BAD_REQUEST", "Missing required parameter: password"));
        return std::nullopt;
    }
    Json args = {{"user_id", user_id}, {"password", *password}};
    if (su != body.end()) args["is_superuser"] = su->get<bool>() ? "true" : "false";
    return args;
}

Json userJson(const ctl::Answer& a) {
    return {{"user_id", a.data.at("user_id")}, {"is_superuser", a.data.at("is_superuser")}};
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
    auto args = passwordArgs(call, *body, *user_id);
    if (!args) return;
    std::string id = *user_id;
    const ApiContext* c = &cx;
    withUsers(cx, call, "users.list", Json::object(), [c, call, id, args = std::move(*args)](ctl::Answer a) {
        if (!a.is_ok) return call.reply(ctlFailure(a));
        if (findUser(a, id)) return call.reply(errorResponse(409, "ALREADY_EXISTS", "User already exists"));
        callCtl(*c, "users.add", args, call.reply, [call](ctl::Answer added) {
            if (!added.is_ok) return call.reply(ctlFailure(added));
            call.reply(jsonResponse(userJson(added), 201));
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
    auto args = passwordArgs(call, *body, call.param("user_id"));
    if (!args) return;
    withUsers(cx, call, "users.passwd", std::move(*args), [reply = call.reply](ctl::Answer a) {
        if (!a.is_ok) return reply(a.code == ctl::code::kNotFound ? userNotFound() : ctlFailure(a));
        reply(jsonResponse(userJson(a)));
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
                           "Change a built-in database user's password and is_superuser",
                           true,
                           {},
                           {200, 400, 404},
                           updateUser});
    routes.push_back(
        Route{"DELETE", user, "Authentication", "Delete a built-in database user", true, {}, {204, 404}, deleteUser});
}

}  // namespace emqx::http
