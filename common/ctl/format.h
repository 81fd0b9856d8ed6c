#pragma once
// Human output of each control command, as EMQX prints it (aligned
// `name : value` lines, `Client(...)` lines, the listener blocks). Pure code:
// reply data in, text out; emqxctl prints it, unit tests check it.
#include <optional>
#include <string>
#include <string_view>

#include "common/ctl/protocol.h"

namespace emqx::ctl {

// The text emqxctl prints for a successful reply of `cmd` (ends with LF; an
// empty list prints EMQX's words for it, e.g. "No clients.").
std::string formatHuman(std::string_view cmd, const Json& data);

// What EMQX prints as ordinary output, exit 0, for a failure it does not
// treat as one: "Not Found." for `clients show` / `subscriptions show` of an
// unknown client. nullopt: a failure (stderr, exit 1).
std::optional<std::string> failureAsOutput(std::string_view cmd, std::string_view error_code);

// "3 minutes, 27 seconds", as EMQX formats an uptime.
std::string humanDuration(uint64_t seconds);

// `[{closed,1},{keepalive_timeout,2}]` from {"closed":1,"keepalive_timeout":2}.
std::string formatShutdownCount(const Json& counts);

// EMQX's one-line client: `Client(id, username=.., ...)`.
std::string formatClient(const Json& c);

}  // namespace emqx::ctl
