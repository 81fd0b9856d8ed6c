#pragma once
// A request's JSON body, as EMQX takes it: content-type application/json
// (415 UNSUPPORTED_MEDIA_TYPE otherwise) and a JSON object, or array for the
// bulk endpoints (400 BAD_REQUEST otherwise).
#include <optional>

#include "common/ctl/protocol.h"
#include "emqxd/http/api_route.h"

namespace emqx::http {

// The body's object; nullopt when it was refused (already answered through call.reply).
std::optional<ctl::Json> jsonObjectBody(const ApiCall& call);

// The body's array; nullopt when it was refused (already answered through call.reply).
std::optional<ctl::Json> jsonArrayBody(const ApiCall& call);

}  // namespace emqx::http
