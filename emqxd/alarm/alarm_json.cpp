#include "emqxd/alarm/alarm_json.h"

#include "common/trace/trace_format.h"

namespace emqx::alarm {

ctl::Json apiAlarmJson(const Alarm& a, const std::string& node, int64_t now_us) {
    int64_t end_us = a.activated() ? now_us : a.deactivate_at_us;
    ctl::Json j = {{"node", node},
                   {"name", a.name},
                   {"message", a.message},
                   {"details", a.details},
                   {"duration", (end_us - a.activate_at_us) / 1000},
                   {"activate_at", trace::isoTimestamp(a.activate_at_us / 1000)}};
    if (!a.activated()) j["deactivate_at"] = trace::isoTimestamp(a.deactivate_at_us / 1000);
    return j;
}

ctl::Json sysAlarmJson(const Alarm& a) {
    return {{"name", a.name},
            {"details", a.details},
            {"message", a.message},
            {"activate_at", a.activate_at_us},
            {"deactivate_at", a.activated() ? ctl::Json("infinity") : ctl::Json(a.deactivate_at_us)},
            {"activated", a.activated()}};
}

}  // namespace emqx::alarm
