// mqtt/retainer/messages and mqtt/retainer/message/:topic (EMQX 5.8's
// emqx_retainer_api), on the handlers of `emqxctl retainer
// messages|show|clean`.
#include "common/http/paging.h"
#include "common/trace/trace_format.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/ctl_call.h"

namespace emqx::http {

namespace {

using ctl::Json;

// EMQX's message_summary. The publisher's username is not kept with a
// retained message here, so from_username is empty (what EMQX shows when it
// has none).
Json summary(const Json& m) {
    return {{"msgid", m.at("msgid")},
            {"topic", m.at("topic")},
            {"qos", m.at("qos")},
            {"publish_at", trace::isoTimestamp(m.at("publish_at").get<int64_t>())},
            {"from_clientid", m.at("from_clientid")},
            {"from_username", ""}};
}

HttpResponse notRetained() { return errorResponse(404, "NOT_FOUND", "Viewed message doesn't exist"); }

void listMessages(const ApiContext& cx, ApiCall call) {
    std::string error;
    auto page = parsePageRequest(call.query, error);
    if (!page) return call.reply(errorResponse(400, "BAD_REQUEST", error));
    Json args = Json::object();
    if (const std::string* topic = queryValue(call.query, "topic")) args["topic"] = *topic;
    callCtl(cx, "retainer.messages", std::move(args), call.reply, [page = *page, reply = call.reply](ctl::Answer a) {
        if (!a.is_ok) return reply(ctlFailure(a));
        Json rows = Json::array();
        for (const Json& m : a.data.at("messages")) rows.push_back(summary(m));
        reply(jsonResponse(pageOf(rows, page)));
    });
}

void cleanAll(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "retainer.clean", Json::object(), call.reply,
            [reply = call.reply](ctl::Answer a) { reply(a.is_ok ? noContent() : ctlFailure(a)); });
}

void getMessage(const ApiContext& cx, ApiCall call) {
    callCtl(cx, "retainer.show", {{"topic", call.param("topic")}}, call.reply, [reply = call.reply](ctl::Answer a) {
        if (!a.is_ok) return reply(a.code == ctl::code::kNotFound ? notRetained() : ctlFailure(a));
        Json out = summary(a.data);
        out["payload"] = a.data.at("payload");  // base64, as EMQX
        reply(jsonResponse(out));
    });
}

void deleteMessage(const ApiContext& cx, ApiCall call) {
    const std::string& topic = call.param("topic");
    if (topic.empty()) return call.reply(notRetained());
    callCtl(cx, "retainer.clean", {{"topic", topic}}, call.reply, [reply = call.reply](ctl::Answer a) {
        if (!a.is_ok) return reply(ctlFailure(a));
        reply(a.data.at("removed").get<uint64_t>() == 0 ? notRetained() : noContent());
    });
}

}  // namespace

void addRetainerRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET",
                           "/api/v5/mqtt/retainer/messages",
                           "Retainer",
                           "List retained messages (without payloads), a page at a time, sorted by topic",
                           true,
                           {{"page", "integer", "page number, from 1 (default 1)"},
                            {"limit", "integer", "messages per page, 1..10000 (default 100)"},
                            {"topic", "string", "only the messages whose topic matches this filter"}},
                           {200, 400},
                           listMessages});
    routes.push_back(Route{"DELETE",
                           "/api/v5/mqtt/retainer/messages",
                           "Retainer",
                           "Delete every retained message",
                           true,
                           {},
                           {204},
                           cleanAll});
    routes.push_back(Route{"GET",
                           "/api/v5/mqtt/retainer/message/:topic",
                           "Retainer",
                           "One topic's retained message, payload in base64 (a / in the topic is written %2F)",
                           true,
                           {},
                           {200, 400, 404},
                           getMessage});
    routes.push_back(Route{"DELETE",
                           "/api/v5/mqtt/retainer/message/:topic",
                           "Retainer",
                           "Delete one topic's retained message (a / in the topic is written %2F)",
                           true,
                           {},
                           {204, 404},
                           deleteMessage});
}

}  // namespace emqx::http
