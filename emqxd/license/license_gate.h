#pragma once
// The license's say on a CONNECT (called once per CONNECT, before the session).
#include <optional>

#include "common/mqtt/packet.h"
#include "common/mqtt/reason_code.h"

namespace emqx::license {

class LicenseManager;

// nullopt: admit. Otherwise the CONNACK reason to refuse with: 0x97 Quota
// exceeded for MQTT 5, 0x05 Not authorized for 3.1/3.1.1 (the refusal is
// counted by the license, and as shutdown reason quota_exceeded). `hops` > 0
// for a CONNECT handed over by another worker (already admitted).
// `connections`: the listeners' connections now, the one asking included.
std::optional<mqtt::ReasonCode> gate(LicenseManager& license, uint64_t connections, mqtt::ProtocolVersion v, int hops);

}  // namespace emqx::license
