// clients/:clientid/mqueue_messages, inflight_messages and keepalive (EMQX
// 5.8's), on the handlers of `emqxctl clients mqueue|inflight|keepalive`.
#include "common/config/value_parsers.h"
#include "common/http/paging.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_route_groups.h"
#include "emqxd/http/client_view.h"
#include "emqxd/http/ctl_call.h"
#include "emqxd/http/json_body.h"

namespace emqx::http {

namespace {

using ctl::Json;

// EMQX's max_payload_bytes is a byte size: "1MB", "512KB" or a bare number of bytes.
std::optional<uint64_t> byteSize(const std::string& text) {
    if (auto n = config::parseInteger(text)) return *n > 0 ? std::optional<uint64_t>(*n) : std::nullopt;
    auto n = config::parseSize(text);
    return n && *n > 0 ? std::optional<uint64_t>(*n) : std::nullopt;
}

HttpResponse invalidParameter(std::string_view message) { return errorResponse(400, "INVALID_PARAMETER", message); }

void listMessages(std::string_view command, const ApiContext& cx, ApiCall call) {
    std::string error;
    auto page = parsePageRequest(call.query, error);
    if (!page) return call.reply(invalidParameter(error));
    Json args = {{"clientid", call.param("clientid")}, {"limit", page->limit}};
    if (const std::string* position = queryValue(call.query, "position")) args["position"] = *position;
    if (const std::string* payload = queryValue(call.query, "payload")) args["payload"] = *payload;
    if (const std::string* max = queryValue(call.query, "max_payload_bytes")) {
        auto bytes = byteSize(*max);
        if (!bytes) return call.reply(invalidParameter("max_payload_bytes: expected a size above 0, e.g. 1MB or 1024"));
        args["max_payload_bytes"] = *bytes;
    }
    callCtl(cx, command, std::move(args), call.reply, [reply = call.reply](ctl::Answer a) {
        if (a.is_ok) {
            Json meta = {{"start", a.data.at("start")}, {"position", a.data.at("position")}};
            return reply(jsonResponse({{"data", std::move(a.data.at("messages"))}, {"meta", std::move(meta)}}));
        }
        if (a.code == ctl::code::kBadArgs) return reply(invalidParameter(a.message));
        reply(clientFailure(a));
    });
}

void setKeepalive(const ApiContext& cx, ApiCall call) {
    auto body = jsonObjectBody(call);
    if (!body) return;
    auto interval = body->find("interval");
    if (interval == body->end()) return call.reply(errorResponse(400, "BAD_REQUEST", "Interval Not Found"));
    if (!interval->is_number_unsigned() || interval->get<uint64_t>() > UINT16_MAX)
        return call.reply(errorResponse(400, "BAD_REQUEST", "interval: expected an integer 0..65535 (seconds)"));
    const BrokerContext* ctx = &cx.broker;
    callCtl(cx, "clients.keepalive", {{"clientid", call.param("clientid")}, {"interval", *interval}}, call.reply,
            [ctx, reply = call.reply](ctl::Answer a) {
                if (!a.is_ok) return reply(clientFailure(a));
                reply(jsonResponse(emqxClient(a.data.at("client"), ctx->cfg.mqtt, ctx->cfg.node.name)));
            });
}

const std::vector<QueryParamDoc> kMessageQuery = {
    {"position", "string", "start after this entry: the previous page's meta.position (default: none, the first)"},
    {"limit", "integer", "messages per page, 1..10000 (default 100)"},
    {"payload", "string", "base64 (the default), plain (UTF-8 payloads only) or none"},
    {"max_payload_bytes", "string",
     "payload bytes in all past the page's first message, e.g. 1MB or 1024 (default 1MB)"},
};

}  // namespace

void addClientSessionRoutes(std::vector<Route>& routes) {
    routes.push_back(
        Route{"GET",
              "/api/v5/clients/:clientid/mqueue_messages",
              "Clients",
              "The messages queued in the client's session, a page at a time",
              true,
              kMessageQuery,
              {200, 400, 404},
              [](const ApiContext& cx, ApiCall call) { listMessages("clients.mqueue", cx, std::move(call)); }});
    routes.push_back(
        Route{"GET",
              "/api/v5/clients/:clientid/inflight_messages",
              "Clients",
              "The messages sent to the client and not yet acknowledged, a page at a time",
              true,
              kMessageQuery,
              {200, 400, 404},
              [](const ApiContext& cx, ApiCall call) { listMessages("clients.inflight", cx, std::move(call)); }});
    routes.push_back(Route{"PUT",
                           "/api/v5/clients/:clientid/keepalive",
                           "Clients",
                           "Change a connected client's keepalive ({\"interval\": seconds}); answers the client",
                           true,
                           {},
                           {200, 400, 404, 415},
                           setKeepalive});
}

}  // namespace emqx::http
