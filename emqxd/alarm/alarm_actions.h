#pragma once
// alarm.actions: what an alarm's activation and deactivation do. `log`
// writes a warning (as EMQX: alarm_is_activated with the name and message,
// alarm_is_deactivated with the name); `publish` hands the alarm's $SYS
// JSON (alarm_json.h) to `publish` with the operation, activate or deactivate.
#include <functional>
#include <string>

#include "emqxd/alarm/alarm_registry.h"

namespace emqx::alarm {

using AlarmPublisher = std::function<void(const std::string& operation, std::string json)>;

// `actions`: the key's comma-joined words ("log,publish"; "" for none).
AlarmRegistry::Listener alarmActions(const std::string& actions, AlarmPublisher publish);

}  // namespace emqx::alarm
