#include "emqxd/license/license_gate.h"

#include "common/clock/wall_clock.h"
#include "emqxd/license/license.h"

namespace emqx::license {

std::optional<mqtt::ReasonCode> gate(LicenseManager& license, uint64_t connections, mqtt::ProtocolVersion v, int hops) {
    if (hops > 0) return std::nullopt;
    if (connections > 0) --connections;  // the one asking
    auto why = license.admit(connections, wallClockMs());
    if (why == LicenseManager::Admit::Ok) return std::nullopt;
    license.countRefused(why);
    return v == mqtt::ProtocolVersion::V5 ? mqtt::ReasonCode::QuotaExceeded : mqtt::ReasonCode::NotAuthorized;
}

}  // namespace emqx::license
