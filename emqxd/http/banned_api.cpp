// banned (list, create, clear) and banned/:as/:who (delete), as EMQX 5.8's
// emqx_mgmt_api_banned, on the handlers of `emqxctl banned list|add|del`.
#include "common/clock/wall_clock.h"
#include "common/http/paging.h"
#include "common/trace/trace_format.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/banned_body.h"
#include "emqxd/http/ctl_call.h"
#include "emqxd/http/json_body.h"

namespace emqx::http {

namespace {

using ctl::Json;

// EMQX's ban: times in RFC 3339, `until` "infinity" for a ban that never ends.
Json emqxBan(const Json& b) {
    const Json& until = b.at("until");
    return {{"as", b.at("as")},
            {"who", b.at("who")},
            {"by", b.at("by")},
            {"reason", b.at("reason")},
            {"at", trace::isoTimestamp(b.at("at").get<int64_t>())},
            {"until", until.is_number() ? Json(trace::isoTimestamp(until.get<int64_t>())) : until}};
}

// EMQX's exact filters; as in EMQX, at most one (two could only match nothing).
std::optional<std::pair<std::string, std::string>> banFilter(const QueryParams& q, HttpResponse& refusal) {
    std::optional<std::pair<std::string, std::string>> filter;
    for (const char* as : {"clientid", "username", "peerhost"}) {
        const std::string* who = queryValue(q, as);
        if (!who) continue;
        if (filter) {
            refusal = errorResponse(400, "BAD_REQUEST", "too_many_filters");
            return std::nullopt;
        }
        filter.emplace(as, *who);
    }
    if (!filter) filter.emplace("", "");
    return filter;
}

void listBanned(const ApiContext& cx, ApiCall call) {
    std::string error;
    auto page = parsePageRequest(call.query, error);
    if (!page) return call.reply(errorResponse(400, "BAD_REQUEST", error));
    HttpResponse refusal;
    auto filter = banFilter(call.query, refusal);
    if (!filter) return call.reply(refusal);
    callCtl(cx, "banned.list", Json::object(), call.reply,
            [page = *page, filter = *filter, reply = call.reply](ctl::Answer a) {
                if (!a.is_ok) return reply(ctlFailure(a));
                Json rows = Json::array();
                for (const Json& b : a.data.at("banned"))
                    if (filter.first.empty() || (b.at("as") == filter.first && b.at("who") == filter.second))
                        rows.push_back(emqxBan(b));
                reply(jsonResponse(pageOf(rows, page)));
            });
}

const Json* findBan(const Json& list, const Json& as, const Json& who) {
    for (const Json& b : list)
        if (b.at("as") == as && b.at("who") == who) return &b;
    return nullptr;
}

void createBan(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    std::string error;
    auto args = banArgs(*body, wallClockMs() / 1000, error);
    if (!args) return call.reply(errorResponse(400, "BAD_REQUEST", error));
    // As EMQX: an existing ban is not replaced; the refusal shows it.
    callCtl(cx, "banned.list", Json::object(), call.reply,
            [&cx, args = std::move(*args), reply = call.reply](ctl::Answer listed) {
                if (!listed.is_ok) return reply(ctlFailure(listed));
                if (const Json* old = findBan(listed.data.at("banned"), args.at("as"), args.at("who")))
                    return reply(errorResponse(400, "ALREADY_EXISTS", emqxBan(*old).dump()));
                callCtl(cx, "banned.add", args, reply, [reply](ctl::Answer added) {
                    reply(added.is_ok ? jsonResponse(emqxBan(added.data)) : ctlFailure(added));
                });
            });
}

void deleteBan(const ApiContext& cx, ApiCall call) {
    std::string as = call.param("as"), who = call.param("who");
    if (as != "clientid" && as != "username" && as != "peerhost")
        return call.reply(errorResponse(400, "BAD_REQUEST", "as: expected clientid, username or peerhost, got " + as));
    callCtl(cx, "banned.del", {{"as", as}, {"who", who}}, call.reply, [as, who, reply = call.reply](ctl::Answer a) {
        if (a.is_ok) return reply(noContent());
        reply(a.code == ctl::code::kNotFound ? errorResponse(404, "NOT_FOUND", as + ": " + who + " not found")
                                             : ctlFailure(a));
    });
}

void clearBanned(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "banned.list", Json::object(), call.reply, [&cx, reply = call.reply](ctl::Answer listed) {
        if (!listed.is_ok) return reply(ctlFailure(listed));
        std::vector<Json> each;
        for (const Json& b : listed.data.at("banned")) each.push_back({{"as", b.at("as")}, {"who", b.at("who")}});
        callCtlEach(cx, "banned.del", std::move(each), reply, [reply](std::vector<ctl::Answer>& answers) {
            // A ban that ended (or was lifted) meanwhile is gone all the same.
            for (const ctl::Answer& a : answers)
                if (!a.is_ok && a.code != ctl::code::kNotFound) return reply(ctlFailure(a));
            reply(noContent());
        });
    });
}

}  // namespace

void addBannedRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET",
                           "/api/v5/banned",
                           "Banned",
                           "List bans, a page at a time",
                           true,
                           {{"page", "integer", "page number, from 1 (default 1)"},
                            {"limit", "integer", "bans per page, 1..10000 (default 100)"},
                            {"clientid", "string", "only the ban of this client id"},
                            {"username", "string", "only the ban of this username"},
                            {"peerhost", "string", "only the ban of this IP address"}},
                           {200, 400},
                           listBanned});
    routes.push_back(Route{"POST",
                           "/api/v5/banned",
                           "Banned",
                           "Ban a client id, username or IP address: {as, who, by, reason, at, until}",
                           true,
                           {},
                           {200, 400, 415},
                           createBan});
    routes.push_back(Route{"DELETE", "/api/v5/banned", "Banned", "Lift every ban", true, {}, {204}, clearBanned});
    routes.push_back(
        Route{"DELETE", "/api/v5/banned/:as/:who", "Banned", "Lift one ban", true, {}, {204, 400, 404}, deleteBan});
}

}  // namespace emqx::http
