#include "emqxd/alarm/alarm_actions.h"

#include <string_view>

#include "emqxd/alarm/alarm_json.h"
#include "emqxd/log/log.h"

namespace emqx::alarm {

AlarmRegistry::Listener alarmActions(const std::string& actions, AlarmPublisher publish) {
    auto has = [&](std::string_view word) {
        std::string list = "," + actions + ",";
        return list.find("," + std::string(word) + ",") != std::string::npos;
    };
    bool log_it = has("log");
    bool publish_it = has("publish");
    return [log_it, publish_it, publish = std::move(publish)](const Alarm& a) {
        if (log_it) {
            if (a.activated()) log::warn("alarm_is_activated: {}: {}", a.name, a.message);
            else log::warn("alarm_is_deactivated: {}", a.name);
        }
        if (publish_it && publish) publish(a.activated() ? "activate" : "deactivate", sysAlarmJson(a).dump());
    };
}

}  // namespace emqx::alarm
