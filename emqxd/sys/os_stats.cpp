#include "emqxd/sys/os_stats.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace emqx::sys {

namespace {

// The number after `key:` on the line of `file` that starts with it.
std::optional<uint64_t> keyedNumber(const char* file, const char* key, char separator) {
    std::ifstream f(file);
    std::string line;
    size_t n = std::strlen(key);
    while (std::getline(f, line)) {
        if (line.compare(0, n, key) != 0 || line.size() <= n || line[n] != separator) continue;
        try {
            return std::stoull(line.substr(n + 1));
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace

uint64_t procSelfStatus(const char* key) { return keyedNumber("/proc/self/status", key, ':').value_or(0); }

std::optional<HostMemory> hostMemory() {
    auto total = keyedNumber("/proc/meminfo", "MemTotal", ':');
    auto available = keyedNumber("/proc/meminfo", "MemAvailable", ':');
    if (!total || !available || *total == 0) return std::nullopt;
    return HostMemory{*total * 1024, *available * 1024};
}

std::optional<CpuTimes> hostCpuTimes() {
    std::ifstream f("/proc/stat");
    std::string line;
    if (!std::getline(f, line) || line.compare(0, 4, "cpu ") != 0) return std::nullopt;
    std::istringstream fields(line.substr(4));
    // user nice system idle iowait irq softirq steal (guest time is in user already)
    uint64_t v[8] = {};
    for (uint64_t& x : v)
        if (!(fields >> x)) break;
    CpuTimes t;
    for (uint64_t x : v) t.total += x;
    t.idle = v[3] + v[4];
    return t;
}

uint64_t hostRunnableThreads() { return keyedNumber("/proc/stat", "procs_running", ' ').value_or(0); }

std::optional<double> HostCpuMeter::busyPercent() {
    auto now = hostCpuTimes();
    if (!now) return std::nullopt;
    uint64_t total = now->total - last_.total;
    uint64_t idle = now->idle - last_.idle;
    last_ = *now;
    if (total == 0) return 0.0;
    return 100.0 * static_cast<double>(total - idle) / static_cast<double>(total);
}

}  // namespace emqx::sys
