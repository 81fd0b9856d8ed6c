#pragma once
// What Linux says of this process and of the host, read from /proc: for
// `emqxctl vm`, the memory alarms (emqxd/alarm) and Prometheus' emqx_vm_*
// figures. Each read opens and parses one small file (a few microseconds).
#include <cstdint>
#include <optional>

namespace emqx::sys {

// The number after `key:` in /proc/self/status (kB for the Vm* lines); 0
// when absent.
uint64_t procSelfStatus(const char* key);

// /proc/meminfo's MemTotal and MemAvailable, in bytes.
struct HostMemory {
    uint64_t total = 0;
    uint64_t available = 0;
    uint64_t used() const { return total > available ? total - available : 0; }
};
std::optional<HostMemory> hostMemory();

// The host's CPU time since boot (/proc/stat's `cpu` line), in clock ticks:
// all of it, and the part spent idle or waiting for I/O.
struct CpuTimes {
    uint64_t total = 0;
    uint64_t idle = 0;
};
std::optional<CpuTimes> hostCpuTimes();

// The host's threads running or ready to run (/proc/stat's procs_running).
uint64_t hostRunnableThreads();

// The host's CPU use between two readings, as Erlang's cpu_sup:util() gives
// it to its caller: busy percent since this meter's previous reading (since
// boot at the first). Owner: whoever reads it (the control loop).
class HostCpuMeter {
public:
    // Busy percent, 0..100; nullopt when /proc/stat cannot be read.
    std::optional<double> busyPercent();

private:
    CpuTimes last_{};
};

}  // namespace emqx::sys
