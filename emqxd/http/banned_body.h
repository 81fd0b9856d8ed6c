#pragma once
// The body of POST /api/v5/banned as EMQX 5.8 takes it (emqx_banned:parse):
// {as: clientid|username|peerhost, who, by = "mgmt_api", reason = "", at =
// now, until = "infinity"}, times as RFC 3339 strings or seconds since the
// epoch; turned into the arguments of `emqxctl banned add`. Pure code.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/ctl/protocol.h"

namespace emqx::http {

// "2021-10-25T21:48:47+08:00", "...Z", with optional fractions of a second
// -> seconds since the epoch; nullopt for anything else.
std::optional<int64_t> parseRfc3339(std::string_view text);

// The args of banned.add; nullopt with why. A ban that would already have
// ended at `now_s` is refused, as EMQX does.
std::optional<ctl::Json> banArgs(const ctl::Json& body, int64_t now_s, std::string& error);

}  // namespace emqx::http
