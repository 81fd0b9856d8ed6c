#pragma once
// `$SYS/brokers/<node>/clients/<clientid>/connected|disconnected` with EMQX 5's
// JSON payloads (emqx_sys.erl): clientid, username, ipaddress, sockport,
// protocol, proto_name, proto_ver, connected_at, ts; connected adds keepalive,
// clean_start, expiry_interval (ms); disconnected adds reason, disconnected_at.
// Published by subscribers of client.connected / client.disconnected.
#include <string_view>

#include "common/config/broker_config.h"
#include "common/mqtt/shutdown_reason.h"
#include "emqxd/hooks/hook_bus.h"

namespace emqx {

// Start-up: subscribes the events sys_topics.sys_event_messages enables, at
// EMQX's HP_SYS_MSGS priority; a disabled one is not subscribed, so costs nothing.
// `cfg` outlives the bus's use.
void subscribeClientEvents(hooks::HookBus& bus, const config::BrokerConfig& cfg);

// The disconnected event's `reason`: the shutdown reason's word, but a socket
// closed without DISCONNECT is EMQX 5's `tcp_closed` (shutdown_count says `closed`).
std::string_view disconnectedEventReason(ShutdownReason reason);

}  // namespace emqx
