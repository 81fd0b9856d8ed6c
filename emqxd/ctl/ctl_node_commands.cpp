// status, broker (info, stats, metrics) and cluster: what the node says of
// itself. Read on the control loop from counters the workers keep.
#include <ctime>

#include "common/clock/wall_clock.h"
#include "common/ctl/absent_commands.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/broker/broker_stats.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/sys/sys_publisher.h"

namespace emqx::ctl {

namespace {

std::string rfc3339Now() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[64];
    size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
    if (n < 2) return std::string(buf, n);
    return std::string(buf, n - 2) + ":" + std::string(buf + n - 2, 2);  // +0100 -> +01:00
}

}  // namespace

void registerNodeCommands(Registry& r) {
    r.add("status", [](const CommandContext& cx, const Json&, const Responder& reply) {
        reply.ok({{"node", cx.broker.cfg.node.name}, {"version", EMQX_VERSION}, {"status", "started"}});
    });

    r.add("broker.info", [](const CommandContext& cx, const Json&, const Responder& reply) {
        int64_t up_ms = wallClockMs() - cx.broker.started_at_ms;
        reply.ok({{"sysdescr", kSysDescr},
                  {"version", EMQX_VERSION},
                  {"uptime_s", up_ms > 0 ? up_ms / 1000 : 0},
                  {"datetime", rfc3339Now()}});
    });

    r.add("broker.stats", [](const CommandContext& cx, const Json&, const Responder& reply) {
        Json out = Json::object();
        for (auto& [name, value] : collectStats(cx.broker)) out[name] = value;
        reply.ok(out);
    });

    r.add("broker.metrics", [](const CommandContext& cx, const Json&, const Responder& reply) {
        Json out = Json::object();
        for (size_t i = 0; i < kMetricCount; ++i) {
            auto m = static_cast<Metric>(i);
            out[std::string(metricName(m))] = sumMetric(cx.broker, m);
        }
        reply.ok(out);
    });

    r.add("cluster.status", [](const CommandContext& cx, const Json&, const Responder& reply) {
        reply.ok({{"running_nodes", Json::array({cx.broker.cfg.node.name})}, {"stopped_nodes", Json::array()}});
    });
    for (const char* name : {"cluster.join", "cluster.leave", "cluster.force-leave"})
        r.add(name, [](const CommandContext&, const Json&, const Responder& reply) {
            reply.fail(code::kNotAvailable, kNoClusterYet);
        });
}

}  // namespace emqx::ctl
