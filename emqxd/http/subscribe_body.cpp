#include "emqxd/http/subscribe_body.h"

namespace emqx::http {

namespace {

using ctl::Json;

std::optional<Json> topicArgs(std::string_view clientid, const Json& body, std::string& error) {
    if (!body.is_object()) {
        error = "each subscription must be a JSON object";
        return std::nullopt;
    }
    auto topic = body.find("topic");
    if (topic == body.end() || !topic->is_string() || topic->get_ref<const std::string&>().empty()) {
        error = "topic: a non-empty string is required";
        return std::nullopt;
    }
    return Json{{"clientid", clientid}, {"topic", *topic}};
}

}  // namespace

std::optional<Json> subscribeArgs(std::string_view clientid, const Json& body, std::string& error) {
    auto args = topicArgs(clientid, body, error);
    if (!args) return std::nullopt;
    (*args)["qos"] = uint64_t{0};
    for (const char* option : {"qos", "nl", "rap", "rh"}) {
        auto it = body.find(option);
        if (it == body.end()) continue;
        if (!it->is_number_integer() || (!it->is_number_unsigned() && it->get<int64_t>() < 0)) {
            error = std::string(option) + ": expected a non-negative integer, got " + it->dump();
            return std::nullopt;
        }
        (*args)[option] = it->get<uint64_t>();  // the ctl arguments' type
    }
    // EMQX's schema refuses the whole request for a bad qos (emqx_schema:qos()).
    if ((*args)["qos"].get<uint64_t>() > 2) {
        error = "qos: expected 0, 1 or 2, got " + (*args)["qos"].dump();
        return std::nullopt;
    }
    return args;
}

std::optional<Json> unsubscribeArgs(std::string_view clientid, const Json& body, std::string& error) {
    return topicArgs(clientid, body, error);
}

}  // namespace emqx::http
