#pragma once
// The body of POST /api/v5/banned as EMQX 5.8 takes it (emqx_banned:parse):
// {as: clientid|username|peerhost, who, by = "mgmt_api", reason = "", at =
// now, until = "infinity"}, times as RFC 3339 strings or seconds since the
// epoch; turned into the arguments of `emqxctl banned add`. Pure code.
#include <cstdint>
#include <optional>
#include <string>

#include "common/ctl/protocol.h"

namespace emqx::http {

// The args of banned.add; nullopt with why. A ban that would already have
// ended at `now_s` is refused, as EMQX does.
std::optional<ctl::Json> banArgs(const ctl::Json& body, int64_t now_s, std::string& error);

}  // namespace emqx::http
