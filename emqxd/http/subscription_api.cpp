// subscriptions (paged, filtered) and a client's subscriptions: GET, and
// subscribe / unsubscribe (one, or /bulk), on the handlers of `emqxctl
// subscriptions list|show|add|del`.
#include "common/http/paging.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/client_owner.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"
#include "emqxd/http/json_body.h"
#include "emqxd/http/subscribe_body.h"
#include "emqxd/http/subscription_query.h"

namespace emqx::http {

namespace {

using ctl::Json;
using ArgsOf = std::optional<Json> (*)(std::string_view clientid, const Json& body, std::string& error);

void listSubscriptions(const ApiContext& cx, ApiCall call) {
    std::string error;
    auto page = parsePageRequest(call.query, error);
    if (!page) return call.reply(errorResponse(400, "BAD_REQUEST", error));
    QueryError bad;
    auto filter = parseSubscriptionFilter(call.query, cx.broker.cfg.node.name, bad);
    if (!filter) return call.reply(errorResponse(400, bad.code, bad.message));
    std::string node = cx.broker.cfg.node.name;
    callCtl(cx, "subscriptions.list", Json::object(), call.reply,
            [node, page = *page, filter = *filter, reply = call.reply](ctl::Answer a) {
                if (!a.is_ok) return reply(ctlFailure(a));
                Json rows = Json::array();
                for (const Json& row : a.data.at("subscriptions"))
                    if (subscriptionMatches(filter, row)) rows.push_back(emqxSubscription(row, node));
                reply(jsonResponse(pageOf(rows, page)));
            });
}

void clientSubscriptions(const ApiContext& cx, ApiCall call) {
    std::string node = cx.broker.cfg.node.name;
    callCtl(cx, "subscriptions.show", {{"clientid", call.param("clientid")}}, call.reply,
            [node, reply = call.reply](ctl::Answer a) {
                if (!a.is_ok) return reply(clientFailure(a));
                Json out = Json::array();
                for (const Json& row : a.data.at("subscriptions")) out.push_back(emqxSubscription(row, node));
                reply(jsonResponse(out));
            });
}

void subscribe(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    std::string error;
    auto args = subscribeArgs(call.param("clientid"), *body, error);
    if (!args) return call.reply(errorResponse(400, "BAD_REQUEST", error));
    std::string node = cx.broker.cfg.node.name;
    callCtl(cx, "subscriptions.add", std::move(*args), call.reply, [node, reply = call.reply](ctl::Answer a) {
        if (!a.is_ok) return reply(clientFailure(a));
        a.data["node"] = node;
        reply(jsonResponse(a.data));
    });
}

// As EMQX, unsubscribing from a filter the session does not have is no failure.
bool unsubscribeFailed(const ctl::Answer& a) {
    return !a.is_ok && (a.code != ctl::code::kNotFound || ctl::isClientNotFound(a));
}

void unsubscribe(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    std::string error;
    auto args = unsubscribeArgs(call.param("clientid"), *body, error);
    if (!args) return call.reply(errorResponse(400, "BAD_REQUEST", error));
    callCtl(cx, "subscriptions.del", std::move(*args), call.reply,
            [reply = call.reply](ctl::Answer a) { reply(unsubscribeFailed(a) ? clientFailure(a) : noContent()); });
}

// The bulk body's items as ctl arguments; nullopt when refused (answered).
std::optional<std::vector<Json>> bulkArgs(const ApiCall& call, ArgsOf argsOf) {
    auto body = jsonArrayBody(call);
    if (!body) return std::nullopt;
    std::vector<Json> all;
    for (const Json& item : *body) {
        std::string error;
        auto args = argsOf(call.param("clientid"), item, error);
        if (!args) {
            call.reply(errorResponse(400, "BAD_REQUEST", error));
            return std::nullopt;
        }
        all.push_back(std::move(*args));
    }
    return all;
}

// EMQX's batch answer: the subscriptions made, or {succeed, failed: [{data, reason}]}
// when any failed.
void subscribeBulk(const ApiContext& cx, ApiCall call) {
    auto args = bulkArgs(call, subscribeArgs);
    if (!args) return;
    std::string node = cx.broker.cfg.node.name;
    callCtlEach(cx, "subscriptions.add", *args, call.reply,
                [node, args = *args, reply = call.reply](std::vector<ctl::Answer>& answers) {
                    for (const auto& a : answers)
                        if (ctl::isClientNotFound(a)) return reply(clientFailure(a));
                    Json succeed = Json::array();
                    Json failed = Json::array();
                    for (size_t i = 0; i < answers.size(); ++i) {
                        if (!answers[i].is_ok) {
                            failed.push_back({{"data", args[i]}, {"reason", answers[i].message}});
                            continue;
                        }
                        answers[i].data["node"] = node;
                        succeed.push_back(std::move(answers[i].data));
                    }
                    reply(jsonResponse(failed.empty() ? succeed : Json{{"succeed", succeed}, {"failed", failed}}));
                });
}

void unsubscribeBulk(const ApiContext& cx, ApiCall call) {
    auto args = bulkArgs(call, unsubscribeArgs);
    if (!args) return;
    callCtlEach(cx, "subscriptions.del", std::move(*args), call.reply,
                [reply = call.reply](std::vector<ctl::Answer>& answers) {
                    for (const auto& a : answers)
                        if (unsubscribeFailed(a)) return reply(clientFailure(a));
                    reply(noContent());
                });
}

}  // namespace

void addSubscriptionRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET",
                           "/api/v5/subscriptions",
                           "Subscriptions",
                           "List subscriptions, a page at a time",
                           true,
                           {{"page", "integer", "page number, from 1 (default 1)"},
                            {"limit", "integer", "subscriptions per page, 1..10000 (default 100)"},
                            {"clientid", "string", "only this client's"},
                            {"topic", "string", "only this filter (with share_group: of that group)"},
                            {"qos", "integer", "only this QoS: 0, 1 or 2"},
                            {"share_group", "string", "only shared subscriptions of this group"},
                            {"match_topic", "string", "only filters this topic filter matches"},
                            {"node", "string", "only subscriptions on this node"}},
                           {200, 400},
                           listSubscriptions});
    routes.push_back(Route{"GET",
                           "/api/v5/clients/:clientid/subscriptions",
                           "Clients",
                           "One client's subscriptions",
                           true,
                           {},
                           {200, 404},
                           clientSubscriptions});
    routes.push_back(Route{"POST",
                           "/api/v5/clients/:clientid/subscribe",
                           "Clients",
                           "Subscribe a client's session: {topic, qos, nl, rap, rh}",
                           true,
                           {},
                           {200, 400, 404, 415},
                           subscribe});
    routes.push_back(Route{"POST",
                           "/api/v5/clients/:clientid/subscribe/bulk",
                           "Clients",
                           "Subscribe a client's session to several filters: [{topic, qos, nl, rap, rh}]",
                           true,
                           {},
                           {200, 400, 404, 415},
                           subscribeBulk});
    routes.push_back(Route{"POST",
                           "/api/v5/clients/:clientid/unsubscribe",
                           "Clients",
                           "Unsubscribe a client's session: {topic}",
                           true,
                           {},
                           {204, 400, 404, 415},
                           unsubscribe});
    routes.push_back(Route{"POST",
                           "/api/v5/clients/:clientid/unsubscribe/bulk",
                           "Clients",
                           "Unsubscribe a client's session from several filters: [{topic}]",
                           true,
                           {},
                           {204, 400, 404, 415},
                           unsubscribeBulk});
}

}  // namespace emqx::http
