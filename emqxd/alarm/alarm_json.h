#pragma once
// An alarm as EMQX 5.8 writes it: in GET /api/v5/alarms (emqx_alarm:format)
// and in the payload published on $SYS/brokers/<node>/alarms/activate and
// .../deactivate (emqx_alarm's normalize).
#include <cstdint>
#include <string>

#include "common/ctl/protocol.h"
#include "emqxd/alarm/alarm_registry.h"

namespace emqx::alarm {

// {node, name, message, details, duration (ms), activate_at (RFC 3339)}, and
// deactivate_at for a deactivated alarm; an activated one's duration runs to
// `now_us`.
ctl::Json apiAlarmJson(const Alarm& a, const std::string& node, int64_t now_us);

// {name, details, message, activate_at, deactivate_at, activated}, the times
// in microseconds and deactivate_at "infinity" while activated.
ctl::Json sysAlarmJson(const Alarm& a);

}  // namespace emqx::alarm
