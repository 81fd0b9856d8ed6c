#pragma once
// A request's JSON body, as EMQX takes it: content-type application/json
// (415 UNSUPPORTED_MEDIA_TYPE otherwise) and a JSON object, or array for the
// bulk endpoints (400 BAD_REQUEST otherwise).
#include <optional>
#include <string>
#include <string_view>

#include "common/ctl/protocol.h"
#include "emqxd/http/api_route.h"

namespace emqx::http {

// The body's object; nullopt when it was refused (already answered through call.reply).
std::optional<ctl::Json> jsonObjectBody(const ApiCall& call);

// The body's array; nullopt when it was refused (already answered through call.reply).
std::optional<ctl::Json> jsonArrayBody(const ApiCall& call);

// The body's field `name` when it is a string, "" when it is absent or null;
// nullopt when it is something else (already answered 400 BAD_REQUEST).
std::optional<std::string> stringField(const ApiCall& call, const ctl::Json& body, std::string_view name);

}  // namespace emqx::http
