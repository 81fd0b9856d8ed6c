#pragma once
// `$SYS/brokers/<node>/clients/<clientid>/connected|disconnected` with EMQX 5's
// JSON payloads (emqx_sys.erl): clientid, username, ipaddress, sockport,
// protocol, proto_name, proto_ver, connected_at, ts; connected adds keepalive,
// clean_start, expiry_interval (ms); disconnected adds reason, disconnected_at.
#include <string_view>

#include "common/mqtt/shutdown_reason.h"

namespace emqx {

class Worker;
class Channel;

void publishClientEvent(Worker& worker, const Channel& channel, bool connected, ShutdownReason reason);

// The disconnected event's `reason`: the shutdown reason's word, but a socket
// closed without DISCONNECT is EMQX 5's `tcp_closed` (shutdown_count says `closed`).
std::string_view disconnectedEventReason(ShutdownReason reason);

}  // namespace emqx
