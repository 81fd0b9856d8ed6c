#pragma once
// EMQX's $SYS topics, published from the control loop: node list, version,
// sysdescr (retained), uptime and datetime every heartbeat, stats and metrics
// every sys_msg_interval.
#include <uv.h>

#include <string>

namespace emqx {

struct BrokerContext;

class SysPublisher {
public:
    SysPublisher(uv_loop_t* loop, BrokerContext& ctx);
    void start();
    void stop();

private:
    void publish(const std::string& suffix, std::string payload, bool retain);
    void heartbeat();
    void statsAndMetrics();

    BrokerContext& ctx_;
    uv_timer_t heartbeat_timer_{};
    uv_timer_t stats_timer_{};
    std::string prefix_;
};

// "1 days, 2 hours, 3 minutes, 4 seconds" as EMQX prints uptime.
std::string formatUptime(int64_t seconds);

}  // namespace emqx
