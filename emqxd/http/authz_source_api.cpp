// authorization/sources and authorization/sources/:type (GET, PUT) as EMQX
// 5.8's emqx_authz_api_sources, for the one source type emqxd has: the ACL
// file (authorization.sources, type "file"). A PUT checks the rules with the
// broker's own parser before anything is written, replaces the file whole,
// and applies it through `emqxctl acl reload`'s handler (which also empties
// every client's authorization cache).
#include <sys/stat.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "common/fs/replace_file.h"
#include "emqxd/auth/security.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"
#include "emqxd/http/json_body.h"

namespace emqx::http {

namespace {

using ctl::Json;

// EMQX's other source types: a valid name for a source emqxd does not have.
bool isEmqxSourceType(const std::string& type) {
    for (const char* t : {"built_in_database", "mongodb", "mysql", "postgresql", "redis", "http", "ldap"})
        if (type == t) return true;
    return false;
}

std::optional<std::string> readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// EMQX's shape of a file source: the rules are the file's text.
std::optional<Json> sourceJson(const config::AuthzSourceConfig& s, HttpResponse& failure) {
    auto rules = readText(s.path);
    if (!rules) {
        failure = errorResponse(500, "INTERNAL_ERROR", "cannot read the ACL file " + s.path);
        return std::nullopt;
    }
    return Json{{"type", "file"}, {"enable", s.enable}, {"rules", *rules}};
}

// The file source of `type`; null (and `failure` set) when there is none.
const config::AuthzSourceConfig* fileSource(const ApiContext& cx, const std::string& type, HttpResponse& failure) {
    if (type == "file")
        for (const auto& s : cx.broker.cfg.authorization.sources)
            if (s.type == "file") return &s;
    if (type == "file" || isEmqxSourceType(type))
        failure = errorResponse(404, "NOT_FOUND", "authorization source " + type + " is not configured");
    else failure = errorResponse(400, "BAD_REQUEST", "type: unknown authorization source type " + type);
    return nullptr;
}

void listSources(const ApiContext& cx, ApiCall call) {
    Json sources = Json::array();
    for (const auto& s : cx.broker.cfg.authorization.sources) {
        HttpResponse failure;
        auto one = sourceJson(s, failure);
        if (!one) return call.reply(failure);
        sources.push_back(std::move(*one));
    }
    call.reply(jsonResponse({{"sources", sources}}));
}

void getSource(const ApiContext& cx, ApiCall call) {
    HttpResponse failure;
    const auto* source = fileSource(cx, call.param("type"), failure);
    if (!source) return call.reply(failure);
    auto one = sourceJson(*source, failure);
    call.reply(one ? jsonResponse(*one) : failure);
}

// The body's rules when it is a valid update of `source`; nullopt when it was
// refused (already answered).
std::optional<std::string> newRules(const ApiContext& cx, const ApiCall& call, const Json& body,
                                    const config::AuthzSourceConfig& source) {
    auto refuse = [&](const std::string& message) -> std::optional<std::string> {
        call.reply(errorResponse(400, "BAD_REQUEST", message));
        return std::nullopt;
    };
    if (auto t = body.find("type"); t != body.end() && *t != "file") return refuse("type: expected \"file\"");
    if (auto e = body.find("enable"); e != body.end()) {
        if (!e->is_boolean()) return refuse("enable: expected true or false");
        if (e->get<bool>() != source.enable)
            return refuse(
                "enable: turning the source on or off is not built here; set authorization.sources in "
                "etc/emqx.toml");
    }
    auto r = body.find("rules");
    if (r == body.end() || !r->is_string()) return refuse("rules: expected a string, the ACL file's text");
    std::string rules = r->get<std::string>();
    // The broker's own parser and compiler, on a scratch authorizer: the rules in force stay.
    authz::Authorizer scratch(cx.broker.cfg.authorization);
    std::string error;
    if (!scratch.loadText("rules", rules, error)) return refuse(error);
    return rules;
}

// The file's permission bits, kept when it is replaced (0644 for a new one).
mode_t fileMode(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
}

void updateSource(const ApiContext& cx, ApiCall call) {
    HttpResponse failure;
    const auto* source = fileSource(cx, call.param("type"), failure);
    if (!source) return call.reply(failure);
    auto body = jsonObjectBody(call);
    if (!body) return;
    auto rules = newRules(cx, call, *body, *source);
    if (!rules) return;
    auto old = readText(source->path);
    std::string error;
    if (!replaceFile(source->path, *rules, fileMode(source->path), error))
        return call.reply(errorResponse(500, "INTERNAL_ERROR", "cannot write the ACL file: " + error));
    callCtl(cx, "acl.reload", Json::object(), call.reply,
            [path = source->path, old = std::move(old), reply = call.reply](ctl::Answer a) {
                if (a.is_ok) return reply(noContent());
                // Another source failed to load: the rules in force stayed, so the file goes back too.
                std::string ignored;
                if (old) replaceFile(path, *old, fileMode(path), ignored);
                reply(errorResponse(500, "INTERNAL_ERROR",
                                    "the ACL was not reloaded, the file is as it was: " + a.message));
            });
}

}  // namespace

void addAuthzSourceRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET",
                           "/api/v5/authorization/sources",
                           "Authorization",
                           "The authorization sources: the ACL files, each with its rules",
                           true,
                           {},
                           {200},
                           listSources});
    routes.push_back(Route{"GET",
                           "/api/v5/authorization/sources/:type",
                           "Authorization",
                           "One source ({type, enable, rules}); emqxd has the file source only",
                           true,
                           {},
                           {200, 400, 404},
                           getSource});
    routes.push_back(Route{"PUT",
                           "/api/v5/authorization/sources/:type",
                           "Authorization",
                           "Replace the ACL file's rules ({type, enable, rules}): checked, written whole, applied",
                           true,
                           {},
                           {204, 400, 404, 415},
                           updateSource});
}

}  // namespace emqx::http
