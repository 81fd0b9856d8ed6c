#pragma once
// `$SYS/brokers/<node>/clients/<clientid>/connected|disconnected` with EMQX's
// JSON payloads.
#include "emqxd/net/shutdown_reason.h"

namespace emqx {

class Worker;
class Channel;

void publishClientEvent(Worker& worker, const Channel& channel, bool connected, ShutdownReason reason);

}  // namespace emqx
