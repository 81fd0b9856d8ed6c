#include "emqxd/http/banned_body.h"

#include <arpa/inet.h>

#include "common/clock/rfc3339.h"

namespace emqx::http {

namespace {

using ctl::Json;

bool validIp(const std::string& ip) {
    unsigned char buf[16];
    return inet_pton(AF_INET, ip.c_str(), buf) == 1 || inet_pton(AF_INET6, ip.c_str(), buf) == 1;
}

// A time field: RFC 3339 or seconds since the epoch.
std::optional<int64_t> epochSeconds(const Json& v) {
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_string()) return parseRfc3339(v.get<std::string>());
    return std::nullopt;
}

}  // namespace

std::optional<Json> banArgs(const Json& body, int64_t now_s, std::string& error) {
    if (!body.is_object()) {
        error = "the ban must be a JSON object";
        return std::nullopt;
    }
    auto text = [&](const char* name, const char* fallback) -> std::optional<std::string> {
        auto it = body.find(name);
        if (it == body.end() || it->is_null()) {
            if (fallback) return std::string(fallback);
            error = std::string(name) + ": a string is required";
            return std::nullopt;
        }
        if (!it->is_string()) {
            error = std::string(name) + ": expected a string, got " + it->dump();
            return std::nullopt;
        }
        return it->get<std::string>();
    };
    auto as = text("as", nullptr);
    if (!as) return std::nullopt;
    if (*as != "clientid" && *as != "username" && *as != "peerhost") {
        error = "as: expected clientid, username or peerhost, got " + *as;
        return std::nullopt;
    }
    auto who = text("who", nullptr);
    if (!who) return std::nullopt;
    if (who->empty()) {
        error = "who: must not be empty";
        return std::nullopt;
    }
    if (*as == "peerhost" && !validIp(*who)) {
        error = "who: not an IP address: " + *who;
        return std::nullopt;
    }
    auto by = text("by", "mgmt_api");
    auto reason = text("reason", "");
    if (!by || !reason) return std::nullopt;
    Json args = {{"as", *as}, {"who", *who}, {"by", *by}, {"reason", *reason}};
    int64_t at = now_s;
    if (auto it = body.find("at"); it != body.end() && !it->is_null()) {
        auto v = epochSeconds(*it);
        if (!v || *v < 0) {
            error = "at: expected an RFC 3339 time or seconds since the epoch, got " + it->dump();
            return std::nullopt;
        }
        at = *v;
    }
    args["at"] = static_cast<uint64_t>(at);
    if (auto it = body.find("until"); it != body.end() && !it->is_null() && *it != "infinity") {
        auto v = epochSeconds(*it);
        if (!v || *v < 0) {
            error = "until: expected infinity, an RFC 3339 time or seconds since the epoch, got " + it->dump();
            return std::nullopt;
        }
        if (*v <= now_s) {
            error = "already_expired: until is not in the future";
            return std::nullopt;
        }
        args["until"] = static_cast<uint64_t>(*v);
    }
    return args;
}

}  // namespace emqx::http
