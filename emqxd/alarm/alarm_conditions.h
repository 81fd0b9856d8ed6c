#pragma once
// When the alarms emqxd watches are raised and cleared, as EMQX decides
// (pure: figures in, a verdict out).
#include <cstdint>

namespace emqx::alarm {

enum class Verdict { Raise, Clear, Keep };

// license_quota (emqx_license_resources): raised while the connections are
// above `high_percent` of the license's max_connections, cleared once below
// `low_percent`; between the two it stays as it is. No limit (0, the
// community license): cleared.
Verdict licenseQuota(uint64_t connections, uint64_t max_connections, double high_percent, double low_percent);

// high_system_memory_usage and high_process_memory_usage (emqx_os_mon):
// raised while the usage is above the watermark, cleared at or below it.
Verdict aboveWatermark(double usage_percent, double watermark_percent);

}  // namespace emqx::alarm
