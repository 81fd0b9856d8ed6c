// topics (the routes, paged, filtered) and topics/:topic, on the handlers of
// `emqxctl topics list|show`.
#include <optional>

#include "common/http/paging.h"
#include "common/topic/topic.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"

namespace emqx::http {

namespace {

using ctl::Json;

// EMQX's route: a shared group's route shows as its `$share/<group>/<filter>`.
Json emqxRoute(const Json& route) {
    std::string topic = route.at("topic");
    if (route.contains("group")) topic = "$share/" + route["group"].get<std::string>() + "/" + topic;
    return {{"topic", topic}, {"node", route.at("node")}};
}

struct RouteFilter {
    std::optional<std::string> topic;  // exact; `$share/<group>/<filter>` names one group's route
    std::optional<std::string> node;
};

std::optional<std::string> queryOption(const QueryParams& q, std::string_view name) {
    const std::string* v = queryValue(q, name);
    return v ? std::optional(*v) : std::nullopt;
}

bool routeMatches(const Json& route, const RouteFilter& f) {
    if (f.node && route.at("node") != *f.node) return false;
    if (!f.topic) return true;
    auto parsed = topic::parseFilter(*f.topic);
    std::string_view filter = parsed ? parsed->filter : std::string_view(*f.topic);
    std::string_view group = parsed ? parsed->group : std::string_view();
    return route.at("topic") == filter && route.value("group", "") == group;
}

void listTopics(const ApiContext& cx, ApiCall call) {
    std::string error;
    auto page = parsePageRequest(call.query, error);
    if (!page) return call.reply(errorResponse(400, "BAD_REQUEST", error));
    RouteFilter filter{queryOption(call.query, "topic"), queryOption(call.query, "node")};
    callCtl(cx, "topics.list", Json::object(), call.reply,
            [page = *page, filter = std::move(filter), reply = call.reply](ctl::Answer a) {
                if (!a.is_ok) return reply(ctlFailure(a));
                Json rows = Json::array();
                for (const Json& route : a.data.at("topics"))
                    if (routeMatches(route, filter)) rows.push_back(emqxRoute(route));
                reply(jsonResponse(pageOf(rows, page)));
            });
}

void getTopic(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "topics.show", {{"topic", call.param("topic")}}, call.reply, [reply = call.reply](ctl::Answer a) {
        if (!a.is_ok)
            return reply(a.code == ctl::code::kNotFound ? errorResponse(404, "TOPIC_NOT_FOUND", "Topic not found")
                                                        : ctlFailure(a));
        Json out = Json::array();
        for (const Json& route : a.data.at("topics")) out.push_back(emqxRoute(route));
        reply(jsonResponse(out));
    });
}

}  // namespace

void addTopicRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET",
                           "/api/v5/topics",
                           "Topics",
                           "List the routes, a page at a time",
                           true,
                           {{"page", "integer", "page number, from 1 (default 1)"},
                            {"limit", "integer", "routes per page, 1..10000 (default 100)"},
                            {"topic", "string", "only this filter's routes ($share/<group>/<filter>: that group's)"},
                            {"node", "string", "only this node's routes"}},
                           {200, 400},
                           listTopics});
    routes.push_back(Route{"GET",
                           "/api/v5/topics/:topic",
                           "Topics",
                           "The routes of one topic filter (a / in it is written %2F)",
                           true,
                           {},
                           {200, 404},
                           getTopic});
}

}  // namespace emqx::http
