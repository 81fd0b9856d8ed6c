// alarms (GET a page of activated or deactivated alarms, DELETE the
// deactivated ones), as EMQX 5.8's emqx_mgmt_api_alarms, on the alarm
// registry (emqxd/alarm). EMQX has no alarms ctl command, so neither has
// emqxctl: the endpoints read the registry on the control loop directly.
#include "common/clock/wall_clock.h"
#include "common/http/paging.h"
#include "emqxd/alarm/alarm_json.h"
#include "emqxd/alarm/alarm_registry.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/http/api_route_groups.h"

namespace emqx::http {

namespace {

using ctl::Json;

void listAlarms(const ApiContext& cx, ApiCall call) {
    std::string error;
    auto page = parsePageRequest(call.query, error);
    if (!page) return call.reply(errorResponse(400, "BAD_REQUEST", error));
    auto activated = call.boolQuery("activated", true);
    if (!activated) return;
    alarm::AlarmRegistry& alarms = *cx.broker.alarms;
    const std::string& node = cx.broker.cfg.node.name;
    int64_t now_us = wallClockMs() * 1000;
    alarms.expire(now_us);
    Json rows = Json::array();
    if (*activated)
        for (const auto& [name, a] : alarms.activated()) rows.push_back(alarm::apiAlarmJson(a, node, now_us));
    else
        for (const alarm::Alarm& a : alarms.deactivated()) rows.push_back(alarm::apiAlarmJson(a, node, now_us));
    call.reply(jsonResponse(pageOf(rows, *page)));
}

void clearDeactivated(const ApiContext& cx, ApiCall call) {
    cx.broker.alarms->clearDeactivated();
    call.reply(noContent());
}

}  // namespace

void addAlarmRoutes(std::vector<Route>& routes) {
    routes.push_back(Route{"GET",
                           "/api/v5/alarms",
                           "Alarms",
                           "List activated (or deactivated) alarms, a page at a time",
                           true,
                           {{"activated", "boolean",
                             "true (the default): the activated alarms; false: the "
                             "deactivated ones kept (alarm.size_limit, validity_period)"},
                            {"page", "integer", "page number, from 1 (default 1)"},
                            {"limit", "integer", "alarms per page, 1..10000 (default 100)"}},
                           {200, 400},
                           listAlarms});
    routes.push_back(Route{
        "DELETE", "/api/v5/alarms", "Alarms", "Forget every deactivated alarm", true, {}, {204}, clearDeactivated});
}

}  // namespace emqx::http
