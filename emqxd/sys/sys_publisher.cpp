#include "emqxd/sys/sys_publisher.h"

#include "common/clock/wall_clock.h"
#include "common/trace/trace_format.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/broker/broker_stats.h"
#include "emqxd/protocol/sys_message.h"
#include "emqxd/shard/broker_shard.h"

namespace emqx {

SysPublisher::SysPublisher(uv_loop_t* loop, BrokerContext& ctx)
    : ctx_(ctx), prefix_("$SYS/brokers/" + ctx.cfg.node.name + "/") {
    uv_timer_init(loop, &heartbeat_timer_);
    uv_timer_init(loop, &stats_timer_);
    heartbeat_timer_.data = this;
    stats_timer_.data = this;
}

void SysPublisher::publish(const std::string& suffix, std::string payload, bool retain) {
    BrokerShard::publishFromOutside(ctx_, makeSysMessage(prefix_ + suffix, std::move(payload), retain));
}

void SysPublisher::publishAlarm(const std::string& operation, std::string json) {
    BrokerShard::publishFromOutside(
        ctx_, makeSysMessage(prefix_ + "alarms/" + operation, std::move(json), false, "application/json"));
}

void SysPublisher::start() {
    BrokerShard::publishFromOutside(ctx_, makeSysMessage("$SYS/brokers", ctx_.cfg.node.name, true));
    publish("version", EMQX_VERSION, true);
    publish("sysdescr", std::string(kSysDescr), true);
    const auto& cfg = ctx_.cfg.sys_topics;
    if (cfg.sys_heartbeat_interval > 0) {
        auto interval = static_cast<uint64_t>(cfg.sys_heartbeat_interval);
        uv_timer_start(
            &heartbeat_timer_, [](uv_timer_t* t) { static_cast<SysPublisher*>(t->data)->heartbeat(); }, interval,
            interval);
    }
    if (cfg.sys_msg_interval > 0) {
        auto interval = static_cast<uint64_t>(cfg.sys_msg_interval);
        uv_timer_start(
            &stats_timer_, [](uv_timer_t* t) { static_cast<SysPublisher*>(t->data)->statsAndMetrics(); }, interval,
            interval);
    }
}

void SysPublisher::stop() {
    uv_close(reinterpret_cast<uv_handle_t*>(&heartbeat_timer_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&stats_timer_), nullptr);
}

void SysPublisher::heartbeat() {
    int64_t now = wallClockMs();
    publish("uptime", std::to_string(now - ctx_.started_at_ms), false);
    publish("datetime", trace::isoTimestamp(now), false);
}

void SysPublisher::statsAndMetrics() {
    auto slashes = [](std::string name) {
        for (char& c : name)
            if (c == '.') c = '/';
        return name;
    };
    for (auto& [name, value] : collectStats(ctx_)) publish("stats/" + slashes(name), std::to_string(value), false);
    for (size_t i = 0; i < kMetricCount; ++i) {
        auto m = static_cast<Metric>(i);
        publish("metrics/" + slashes(std::string(metricName(m))), std::to_string(sumMetric(ctx_, m)), false);
    }
}

}  // namespace emqx
