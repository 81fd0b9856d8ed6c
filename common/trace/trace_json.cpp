#include "common/trace/trace_json.h"

#include "common/mqtt/byte_reader.h"

namespace emqx::trace {

namespace {

// Ordered, so that a line reads time, level, msg, meta, and meta clientid,
// peername, then the event's fields in their order.
using json = nlohmann::ordered_json;

// EMQX's limits (emqx_mqtt.hrl): MAX_PAYLOAD_FORMAT_SIZE, TRUNCATED_PAYLOAD_SIZE.
constexpr size_t kWholePayloadMax = 1024;
constexpr size_t kTruncatedPayload = 100;

std::string upperHex(std::string_view bytes) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 0xf];
    }
    return out;
}

// The length of the shortest run of whole UTF-8 characters at the start of
// `s` holding at least `min_bytes` bytes (all of `s` if shorter), or nullopt
// when a malformed byte comes first.
std::optional<size_t> utf8PrefixLength(std::string_view s, size_t min_bytes) {
    size_t i = 0;
    while (i < s.size() && i < min_bytes) {
        size_t len = mqtt::utf8CharLength(s, i);
        if (len == 0) return std::nullopt;
        i += len;
    }
    return i;
}

std::string line(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

}  // namespace

JsonPayload jsonPayload(std::string_view payload) {
    if (payload.size() <= kWholePayloadMax) {
        if (utf8PrefixLength(payload, payload.size())) return {std::string(payload), "text"};
        return {upperHex(payload), "hex"};
    }
    auto text_len = utf8PrefixLength(payload, kTruncatedPayload);
    size_t len = text_len.value_or(kTruncatedPayload);
    std::string part = text_len ? std::string(payload.substr(0, len)) : upperHex(payload.substr(0, len));
    return {part + "...(" + std::to_string(payload.size() - len) + " bytes)", text_len ? "text" : "hex"};
}

std::string formatJsonLine(int64_t wall_ms, const Event& e) {
    json meta = json::object();
    if (!e.clientid.empty()) meta["clientid"] = e.clientid;
    if (!e.peer.empty()) meta["peername"] = e.peer;
    for (const auto& f : e.fields) {
        if (f.kind != Field::Kind::Payload) {
            meta[std::string(f.key)] = json(f.value);
            continue;
        }
        JsonPayload p = jsonPayload(f.value.get_ref<const std::string&>());
        meta[std::string(f.key)] = std::move(p.text);
        meta["payload_encode"] = p.encode;
    }
    return line({{"time", isoTimestamp(wall_ms)}, {"level", levelName(e.level)}, {"msg", e.msg}, {"meta", meta}});
}

std::string formatJsonNote(int64_t wall_ms, Level level, std::string_view text) {
    return line({{"time", isoTimestamp(wall_ms)}, {"level", levelName(level)}, {"msg", text}});
}

}  // namespace emqx::trace
