#pragma once
// EMQX's $SYS topics, published from the control loop: node list, version,
// sysdescr (retained), uptime (integer milliseconds) and datetime (RFC 3339
// with milliseconds) every heartbeat, stats and metrics every sys_msg_interval.
#include <uv.h>

#include <string>
#include <string_view>

namespace emqx {

struct BrokerContext;

class SysPublisher {
public:
    SysPublisher(uv_loop_t* loop, BrokerContext& ctx);
    void start();
    void stop();
    // An alarm's activation or deactivation (`operation`: activate,
    // deactivate) on $SYS/brokers/<node>/alarms/<operation>, its JSON with
    // Content Type application/json, as emqx_alarm publishes it.
    void publishAlarm(const std::string& operation, std::string json);

private:
    void publish(const std::string& suffix, std::string payload, bool retain);
    void heartbeat();
    void statsAndMetrics();

    BrokerContext& ctx_;
    uv_timer_t heartbeat_timer_{};
    uv_timer_t stats_timer_{};
    std::string prefix_;
};

// EMQX's description of itself (emqx_release:description()): $SYS sysdescr
// and `emqxctl broker` print the same.
inline constexpr std::string_view kSysDescr = "EMQX";

}  // namespace emqx
