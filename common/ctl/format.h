#pragma once
// Human output of each control command, as EMQX prints it (aligned
// `name : value` lines, `Client(...)` lines, the listener blocks). Pure code:
// reply data in, text out; emqxctl prints it, unit tests check it.
#include <string>
#include <string_view>

#include "common/ctl/protocol.h"

namespace emqx::ctl {

// The text emqxctl prints for a successful reply of `cmd` (ends with LF, or
// is empty when there is nothing to list).
std::string formatHuman(std::string_view cmd, const Json& data);

// "3 minutes, 27 seconds", as EMQX formats an uptime.
std::string humanDuration(uint64_t seconds);

// `[{closed,1},{keepalive_timeout,2}]` from {"closed":1,"keepalive_timeout":2}.
std::string formatShutdownCount(const Json& counts);

// EMQX's one-line client: `Client(id, username=.., ...)`.
std::string formatClient(const Json& c);

}  // namespace emqx::ctl
