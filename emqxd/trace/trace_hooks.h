#pragma once
// Tracing as a subscriber of the hook bus: the packets in and out, the
// connection's life, authorization denials, refused wills and delivery drops,
// each written to the traces that match it (TraceRegistry).
#include "emqxd/hooks/hook_bus.h"

namespace emqx::trace {

class TraceRegistry;

// Start-up: adds tracing to `bus` at EMQX's highest priority (it records what
// came in, before any other subscriber acts), behind the registry's switch: with
// no trace running it costs the idle points' one branch.
void subscribe(hooks::HookBus& bus, TraceRegistry& traces);

}  // namespace emqx::trace
