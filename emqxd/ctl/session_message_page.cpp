#include "emqxd/ctl/session_message_page.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <vector>

#include "common/encoding/base64.h"
#include "common/mqtt/byte_reader.h"
#include "emqxd/message/message_id.h"
#include "emqxd/session/session.h"

namespace emqx::ctl {

namespace {

constexpr uint64_t kMaxLimit = 10000;  // EMQX's largest page

std::optional<uint64_t> decimal(std::string_view s) {
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

// EMQX's cursor: "<place>_<priority>" for the mqueue (the priority an
// integer or "infinity"), "<place>" for the inflight window.
std::optional<uint64_t> parsePosition(SessionMessages which, std::string_view text) {
    if (which == SessionMessages::Inflight) {
        auto v = decimal(text);
        if (!v || *v > UINT32_MAX) return std::nullopt;
        return v;
    }
    size_t sep = text.find('_');
    if (sep == std::string_view::npos) return std::nullopt;
    std::string_view priority = text.substr(sep + 1);
    if (priority != "infinity" && !decimal(priority.starts_with('-') ? priority.substr(1) : priority))
        return std::nullopt;
    return decimal(text.substr(0, sep));
}

std::string positionText(SessionMessages which, uint64_t place) {
    return which == SessionMessages::Mqueue ? std::to_string(place) + "_0" : std::to_string(place);
}

// The low half of a message's id: its durable id, or else its address
// through splitmix64's finalizer, a bijection, so the messages alive at once
// have distinct ids and no address is shown.
uint64_t messageLowId(const Message& m) {
    if (m.durable_id != 0) return m.durable_id;
    uint64_t z = reinterpret_cast<uintptr_t>(&m);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct Entry {
    uint64_t place;
    const Message* msg;
    uint8_t qos;
};

struct Candidates {
    std::vector<Entry> entries;  // after the position, at most `limit`
    std::optional<uint64_t> start;
};

Candidates queued(const Session& s, const MessagePageRequest& req) {
    Candidates c;
    const uint64_t first = s.firstQueuedSeq();
    const size_t n = s.queueLength();
    if (n > 0) c.start = first;
    uint64_t i = !req.after || *req.after < first ? 0 : std::min<uint64_t>(n, *req.after - first + 1);
    for (; i < n && c.entries.size() < req.limit; ++i) {
        const QueuedMessage& q = s.queuedAt(i);
        c.entries.push_back({first + i, q.msg.get(), q.qos});
    }
    return c;
}

// A QoS 2 message past PUBREC is only its packet id now (the payload went
// with the PUBREC): not listed.
Candidates inflight(const Session& s, const MessagePageRequest& req) {
    Candidates c;
    for (const InflightEntry& e : s.inflight()) {
        if (!e.msg) continue;
        if (!c.start) c.start = e.seq;
        if (req.after && !Session::inflightSeqAfter(e.seq, static_cast<uint32_t>(*req.after))) continue;
        if (c.entries.size() == req.limit) break;
        c.entries.push_back({e.seq, e.msg.get(), e.qos});
    }
    return c;
}

uint64_t shownPayloadBytes(PayloadFormat f, std::string_view payload) {
    switch (f) {
        case PayloadFormat::Base64: return (payload.size() + 2) / 3 * 4;
        case PayloadFormat::Plain: return payload.size();
        case PayloadFormat::None: return 0;
    }
    return 0;
}

Json messageJson(SessionMessages which, const Entry& e) {
    const Message& m = *e.msg;
    Json j = {
        {"msgid", messageIdHex(static_cast<uint64_t>(m.received_at_ms) * 1000, messageLowId(m))},
        {"topic", m.topic},
        {"qos", e.qos},
        {"publish_at", m.received_at_ms},
        {"from_clientid", m.publisher},
        {"from_username", nullptr},  // a message does not keep its publisher's username
        {"inserted_at", std::to_string(e.place)},
    };
    if (which == SessionMessages::Mqueue) j["mqueue_priority"] = 0;
    return j;
}

}  // namespace

std::optional<MessagePageRequest> parseMessagePageArgs(SessionMessages which, const Json& args, std::string& error) {
    MessagePageRequest req;
    if (auto it = args.find("position"); it != args.end() && *it != "none") {
        req.after = it->is_string() ? parsePosition(which, it->get<std::string>()) : std::nullopt;
        if (!req.after) {
            error = which == SessionMessages::Mqueue
                        ? "position: expected none or <place>_<priority> from a previous page's meta.position"
                        : "position: expected none or a previous page's meta.position (a number)";
            return std::nullopt;
        }
    }
    req.limit = args.value("limit", req.limit);
    if (req.limit < 1 || req.limit > kMaxLimit) {
        error = "limit: expected 1.." + std::to_string(kMaxLimit);
        return std::nullopt;
    }
    std::string payload = args.value("payload", std::string("base64"));
    if (payload == "base64") req.payload = PayloadFormat::Base64;
    else if (payload == "plain") req.payload = PayloadFormat::Plain;
    else if (payload == "none") req.payload = PayloadFormat::None;
    else {
        error = "payload: expected base64, plain or none, got " + payload;
        return std::nullopt;
    }
    req.max_payload_bytes = args.value("max_payload_bytes", req.max_payload_bytes);
    if (req.max_payload_bytes == 0) {
        error = "max_payload_bytes: must be higher than 0";
        return std::nullopt;
    }
    return req;
}

std::optional<Json> sessionMessagePage(const Session& s, SessionMessages which, const MessagePageRequest& req) {
    Candidates c = which == SessionMessages::Mqueue ? queued(s, req) : inflight(s, req);
    Json messages = Json::array();
    uint64_t bytes = 0;
    std::optional<uint64_t> last;
    for (const Entry& e : c.entries) {
        std::string_view payload = e.msg->payload;
        uint64_t shown = shownPayloadBytes(req.payload, payload);
        // The first message is shown whatever its size; the page ends at the
        // first that would pass the budget (the next page starts with it).
        if (!messages.empty() && bytes + shown > req.max_payload_bytes) break;
        Json j = messageJson(which, e);
        if (req.payload == PayloadFormat::Base64) j["payload"] = base64Encode(payload);
        else if (req.payload == PayloadFormat::Plain) {
            if (!mqtt::isValidMqttUtf8(payload, true)) return std::nullopt;
            j["payload"] = payload;
        }
        bytes += shown;
        messages.push_back(std::move(j));
        last = e.place;
    }
    if (!last) last = req.after;
    return Json{{"messages", std::move(messages)},
                {"start", c.start ? Json(positionText(which, *c.start)) : Json("none")},
                {"position", last ? Json(positionText(which, *last)) : Json("none")}};
}

}  // namespace emqx::ctl
