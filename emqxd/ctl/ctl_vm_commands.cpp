// `vm`: EMQX's keys (cpu/load1, memory/total, process/count, io/max_fds...)
// with what Linux says of this process, then ours. EMQX's keys that describe
// the Erlang VM alone (memory/processes, memory/ets, ports...) have no value
// here and are left out rather than made up.

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/ctl/for_each_worker.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/shard/session_manager.h"
#include "emqxd/sys/os_stats.h"

namespace emqx::ctl {

namespace {

// A soft limit, "infinity" when there is none (EMQX's word for no limit).
Json softLimit(int resource) {
    rlimit rl{};
    if (getrlimit(resource, &rl) != 0) return nullptr;
    if (rl.rlim_cur == RLIM_INFINITY) return "infinity";
    return static_cast<uint64_t>(rl.rlim_cur);
}

// The system's load averages, to two decimals cut as EMQX cuts them.
Json loadJson() {
    double load[3] = {0, 0, 0};
    std::ifstream("/proc/loadavg") >> load[0] >> load[1] >> load[2];
    auto cut = [](double v) { return std::floor(v * 100) / 100; };
    return {{"load1", cut(load[0])}, {"load5", cut(load[1])}, {"load15", cut(load[2])}};
}

// memory/total is what the process holds in RAM (its resident set); vm_bytes
// its address space (ours).
Json memoryJson() {
    return {{"total", sys::procSelfStatus("VmRSS") * 1024}, {"vm_bytes", sys::procSelfStatus("VmSize") * 1024}};
}

// Erlang's processes are our threads; the limit is the one on this user's
// processes and threads (RLIMIT_NPROC), which a new thread would hit.
Json processJson() { return {{"limit", softLimit(RLIMIT_NPROC)}, {"count", sys::procSelfStatus("Threads")}}; }

Json ioJson() {
    std::error_code ec;
    uint64_t fds = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
        ++fds;
    // Less the descriptor the listing itself held open.
    return {{"max_fds", softLimit(RLIMIT_NOFILE)}, {"active_fds", fds > 0 ? fds - 1 : 0}};
}

struct Section {
    const char* command;  // vm.<subcommand>
    const char* key;      // EMQX's line prefix: cpu/load1
    Json (*read)();
};

constexpr Section kSections[] = {
    {"vm.load", "cpu", loadJson},
    {"vm.memory", "memory", memoryJson},
    {"vm.process", "process", processJson},
    {"vm.io", "io", ioJson},
};

// Every section, then each worker's load (ours).
void answerAll(const CommandContext& cx, const Responder& reply) {
    auto posted = std::chrono::steady_clock::now();
    forEachWorker<Json>(
        cx.workers, cx.control_loop,
        [posted](Worker& w) {
            auto lag = std::chrono::steady_clock::now() - posted;
            return Json{{"connections", w.connectionCount()},
                        {"sessions", w.shard().sessions().count()},
                        {"loop_lag_us", std::chrono::duration_cast<std::chrono::microseconds>(lag).count()}};
        },
        [reply](std::vector<Json>& parts) {
            Json out = Json::object();
            for (const auto& s : kSections) out[s.key] = s.read();
            out["workers"] = Json(parts);
            reply.ok(out);
        });
}

}  // namespace

void registerVmCommands(Registry& r) {
    r.add("vm", [](const CommandContext& cx, const Json&, const Responder& reply) { answerAll(cx, reply); });
    r.add("vm.all", [](const CommandContext& cx, const Json&, const Responder& reply) { answerAll(cx, reply); });
    for (const auto& s : kSections)
        r.add(s.command, [&s](const CommandContext&, const Json&, const Responder& reply) {
            reply.ok({{s.key, s.read()}});
        });
}

}  // namespace emqx::ctl
