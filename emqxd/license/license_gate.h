#pragma once
// The license's say on a CONNECT (called once per CONNECT, before the session).
#include <optional>

#include "common/mqtt/packet.h"
#include "common/mqtt/reason_code.h"

namespace emqx {
struct BrokerContext;
namespace license {

// nullopt: admit. Otherwise the CONNACK reason to refuse with: 0x97 Quota
// exceeded for MQTT 5, 0x05 Not authorized for 3.1/3.1.1 (the refusal is
// counted by the license, and as shutdown reason quota_exceeded). `hops` > 0
// for a CONNECT handed over by another worker (already admitted).
std::optional<mqtt::ReasonCode> gate(BrokerContext& ctx, mqtt::ProtocolVersion v, int hops);

}  // namespace license
}  // namespace emqx
