#include "emqxd/http/json_body.h"

namespace emqx::http {

namespace {

std::optional<ctl::Json> jsonBody(const ApiCall& call, ctl::Json::value_t type, std::string_view type_name) {
    const std::string* content_type = call.request.header("content-type");
    if (!content_type || !content_type->starts_with("application/json")) {
        call.reply(errorResponse(415, "UNSUPPORTED_MEDIA_TYPE", "content-type:application/json Required"));
        return std::nullopt;
    }
    ctl::Json body = ctl::Json::parse(call.request.body, nullptr, false);
    if (body.type() != type) {
        call.reply(errorResponse(400, "BAD_REQUEST", "the body must be a JSON " + std::string(type_name)));
        return std::nullopt;
    }
    return body;
}

}  // namespace

std::optional<ctl::Json> jsonObjectBody(const ApiCall& call) {
    return jsonBody(call, ctl::Json::value_t::object, "object");
}

std::optional<ctl::Json> jsonArrayBody(const ApiCall& call) {
    return jsonBody(call, ctl::Json::value_t::array, "array");
}

std::optional<std::string> stringField(const ApiCall& call, const ctl::Json& body, std::string_view name) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return std::string();
    if (it->is_string()) return it->get<std::string>();
    call.reply(errorResponse(400, "BAD_REQUEST", std::string(name) + ": expected a string"));
    return std::nullopt;
}

}  // namespace emqx::http
