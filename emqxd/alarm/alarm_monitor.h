#pragma once
// The alarms emqxd raises by itself, checked on control-loop timers:
// license_quota every second (EMQX: every 5 s) from the listeners'
// connection count and the license in force; high_system_memory_usage and
// high_process_memory_usage at start and every sysmon.os.mem_check_interval
// from /proc. The same tick forgets deactivated alarms past
// alarm.validity_period.
// Owner: the control loop.
#include <uv.h>

namespace emqx {
struct BrokerContext;
}

namespace emqx::alarm {

class AlarmRegistry;

class AlarmMonitor {
public:
    AlarmMonitor(uv_loop_t* loop, BrokerContext& ctx, AlarmRegistry& alarms);
    void start();
    void stop();

private:
    void everySecond();
    void checkLicenseQuota(int64_t now_us);
    void checkMemory();

    BrokerContext& ctx_;
    AlarmRegistry& alarms_;
    uv_timer_t second_timer_{};
    uv_timer_t memory_timer_{};
};

}  // namespace emqx::alarm
