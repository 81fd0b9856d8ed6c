#include "emqxd/alarm/alarm_monitor.h"

#include <cmath>
#include <cstdio>
#include <string>

#include "common/clock/wall_clock.h"
#include "emqxd/alarm/alarm_conditions.h"
#include "emqxd/alarm/alarm_registry.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/license/license.h"
#include "emqxd/sys/os_stats.h"

namespace emqx::alarm {

namespace {

int64_t nowUs() { return wallClockMs() * 1000; }

// `clear_message` empty: the deactivation keeps the activation's message.
void apply(AlarmRegistry& alarms, Verdict v, const std::string& name, const ctl::Json& details,
           const std::string& message, const std::string& clear_message, int64_t now_us) {
    if (v == Verdict::Raise) alarms.activate(name, details, message, now_us);
    else if (v == Verdict::Clear) alarms.deactivate(name, details, clear_message, now_us);
}

// A percentage cut to two decimals, as EMQX's current_sysmem_percent.
double cutPercent(double part, double whole) { return std::floor(part / whole * 10000) / 100; }

// A watermark as the config wrote it: 80, 0.5.
std::string percentText(double p) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", p);
    return buf;
}

}  // namespace

AlarmMonitor::AlarmMonitor(uv_loop_t* loop, BrokerContext& ctx, AlarmRegistry& alarms) : ctx_(ctx), alarms_(alarms) {
    uv_timer_init(loop, &second_timer_);
    uv_timer_init(loop, &memory_timer_);
    second_timer_.data = this;
    memory_timer_.data = this;
}

void AlarmMonitor::start() {
    // Checked at start too, while descriptors are surely free: UBSan's first
    // check of a type (the license's shared_ptr here) opens a pipe, and a
    // broker out of descriptors (EMFILE) would get a false report from it.
    everySecond();
    uv_timer_start(
        &second_timer_, [](uv_timer_t* t) { static_cast<AlarmMonitor*>(t->data)->everySecond(); }, 1000, 1000);
    auto interval = static_cast<uint64_t>(ctx_.cfg.sysmon_os.mem_check_interval);
    if (interval == 0) return;
    checkMemory();
    uv_timer_start(
        &memory_timer_, [](uv_timer_t* t) { static_cast<AlarmMonitor*>(t->data)->checkMemory(); }, interval, interval);
}

void AlarmMonitor::stop() {
    uv_close(reinterpret_cast<uv_handle_t*>(&second_timer_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&memory_timer_), nullptr);
}

void AlarmMonitor::everySecond() {
    int64_t now = nowUs();
    checkLicenseQuota(now);
    alarms_.expire(now);
}

void AlarmMonitor::checkLicenseQuota(int64_t now_us) {
    const auto& cfg = ctx_.cfg.license;
    uint64_t max = ctx_.license->current()->max_connections;
    Verdict v = licenseQuota(ctx_.connectionCount(), max, cfg.connection_high_watermark, cfg.connection_low_watermark);
    std::string high = percentText(cfg.connection_high_watermark);
    apply(alarms_, v, "license_quota", {{"high_watermark", high}},
          "License: live connection number exceeds " + high + "%", "", now_us);
}

void AlarmMonitor::checkMemory() {
    auto host = sys::hostMemory();
    if (!host) return;
    const auto& cfg = ctx_.cfg.sysmon_os;
    int64_t now = nowUs();
    double total = static_cast<double>(host->total);
    double sys_usage = cutPercent(static_cast<double>(host->used()), total);
    char message[64];
    std::snprintf(message, sizeof message, "%.2f%% mem usage", sys_usage);
    apply(alarms_, aboveWatermark(sys_usage, cfg.sysmem_high_watermark), "high_system_memory_usage",
          {{"usage", sys_usage}, {"high_watermark", cfg.sysmem_high_watermark}}, message, message, now);
    double proc_usage = cutPercent(static_cast<double>(sys::procSelfStatus("VmRSS") * 1024), total);
    apply(alarms_, aboveWatermark(proc_usage, cfg.procmem_high_watermark), "high_process_memory_usage",
          {{"usage", proc_usage}, {"high_watermark", cfg.procmem_high_watermark}},
          "Process memory usage is higher than " + percentText(cfg.procmem_high_watermark) + "%", "", now);
}

}  // namespace emqx::alarm
