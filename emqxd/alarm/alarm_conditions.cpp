#include "emqxd/alarm/alarm_conditions.h"

namespace emqx::alarm {

Verdict licenseQuota(uint64_t connections, uint64_t max_connections, double high_percent, double low_percent) {
    if (max_connections == 0) return Verdict::Clear;
    double n = static_cast<double>(connections);
    double max = static_cast<double>(max_connections);
    if (n > max * high_percent / 100) return Verdict::Raise;
    if (n < max * low_percent / 100) return Verdict::Clear;
    return Verdict::Keep;
}

Verdict aboveWatermark(double usage_percent, double watermark_percent) {
    return usage_percent > watermark_percent ? Verdict::Raise : Verdict::Clear;
}

}  // namespace emqx::alarm
