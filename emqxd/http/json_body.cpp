#include "emqxd/http/json_body.h"

namespace emqx::http {

std::optional<ctl::Json> jsonObjectBody(const ApiCall& call) {
    const std::string* type = call.request.header("content-type");
    if (!type || !type->starts_with("application/json")) {
        call.reply(errorResponse(415, "UNSUPPORTED_MEDIA_TYPE", "content-type:application/json Required"));
        return std::nullopt;
    }
    ctl::Json body = ctl::Json::parse(call.request.body, nullptr, false);
    if (!body.is_object()) {
        call.reply(errorResponse(400, "BAD_REQUEST", "the body must be a JSON object"));
        return std::nullopt;
    }
    return body;
}

}  // namespace emqx::http
