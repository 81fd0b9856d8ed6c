#include "emqxd/license/license_gate.h"

#include "common/clock/wall_clock.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/license/license.h"

namespace emqx::license {

std::optional<mqtt::ReasonCode> gate(BrokerContext& ctx, mqtt::ProtocolVersion v, int hops) {
    if (hops > 0) return std::nullopt;
    uint64_t connections = 0;
    for (auto& l : ctx.listeners) connections += l->current.load(std::memory_order_relaxed);
    if (connections > 0) --connections;  // the one asking
    auto why = ctx.license->admit(connections, wallClockMs());
    if (why == LicenseManager::Admit::Ok) return std::nullopt;
    ctx.license->countRefused(why);
    return v == mqtt::ProtocolVersion::V5 ? mqtt::ReasonCode::QuotaExceeded : mqtt::ReasonCode::NotAuthorized;
}

}  // namespace emqx::license
