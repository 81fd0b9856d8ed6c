#include "common/trace/trace_format.h"

#include <ctime>
#include <type_traits>

#include "common/mqtt/reason_code.h"
#include "common/trace/trace_json.h"

namespace emqx::trace {

std::string_view typeName(TraceType t) {
    switch (t) {
        case TraceType::ClientId: return "clientid";
        case TraceType::Topic: return "topic";
        case TraceType::IpAddress: return "ip_address";
    }
    return "clientid";
}

std::optional<TraceType> parseType(std::string_view w) {
    if (w == "client" || w == "clientid") return TraceType::ClientId;
    if (w == "topic") return TraceType::Topic;
    if (w == "ip_address") return TraceType::IpAddress;
    return std::nullopt;
}

std::string_view levelName(Level l) {
    switch (l) {
        case Level::Debug: return "debug";
        case Level::Info: return "info";
        case Level::Notice: return "notice";
        case Level::Warning: return "warning";
        case Level::Error: return "error";
        case Level::Critical: return "critical";
        case Level::Alert: return "alert";
        case Level::Emergency: return "emergency";
    }
    return "debug";
}

std::optional<Level> parseLevel(std::string_view w) {
    // EMQX installs an "all" trace at debug, the lowest level there is.
    if (w == "all") return Level::Debug;
    for (Level l : {Level::Debug, Level::Info, Level::Notice, Level::Warning, Level::Error, Level::Critical,
                    Level::Alert, Level::Emergency})
        if (w == levelName(l)) return l;
    return std::nullopt;
}

std::string_view formatName(Format f) { return f == Format::Json ? "json" : "text"; }

std::optional<Format> parseFormat(std::string_view w) {
    if (w == "text") return Format::Text;
    if (w == "json") return Format::Json;
    return std::nullopt;
}

std::string isoTimestamp(int64_t wall_ms) {
    std::time_t t = static_cast<std::time_t>(wall_ms / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    char date[32];
    size_t n = std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    char zone[8];
    size_t z = std::strftime(zone, sizeof zone, "%z", &tm);
    char ms[8];
    std::snprintf(ms, sizeof ms, ".%03d", static_cast<int>(wall_ms % 1000));
    std::string out(date, n);
    out += ms;
    if (z == 5) {
        out.append(zone, 3);
        out += ':';
        out.append(zone + 3, 2);
    } else {
        out.append(zone, z);
    }
    return out;
}

std::string escapePrefix(std::string_view payload, size_t max) {
    std::string out;
    size_t n = std::min(payload.size(), max);
    for (size_t i = 0; i < n; ++i) {
        auto c = static_cast<unsigned char>(payload[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char buf[5];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        }
    }
    if (payload.size() > max) out += "...";
    return out;
}

namespace {

std::string rc(mqtt::ReasonCode code) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned>(code));
    return std::string(buf) + " " + std::string(mqtt::reasonCodeName(code));
}

void prop(std::string& out, const char* name, const auto& v) {
    if (!v) return;
    if (out.back() != '{') out += ", ";
    out += name;
    out += '=';
    if constexpr (std::is_same_v<std::decay_t<decltype(*v)>, std::string>) out += escapePrefix(*v, 64);
    else out += std::to_string(*v);
}

std::string props(const mqtt::Properties& p) {
    std::string out = "{";
    prop(out, "Session-Expiry-Interval", p.session_expiry_interval);
    prop(out, "Receive-Maximum", p.receive_maximum);
    prop(out, "Maximum-Packet-Size", p.maximum_packet_size);
    prop(out, "Topic-Alias-Maximum", p.topic_alias_maximum);
    prop(out, "Topic-Alias", p.topic_alias);
    prop(out, "Request-Problem-Information", p.request_problem_information);
    prop(out, "Request-Response-Information", p.request_response_information);
    prop(out, "Message-Expiry-Interval", p.message_expiry_interval);
    prop(out, "Content-Type", p.content_type);
    prop(out, "Response-Topic", p.response_topic);
    prop(out, "Assigned-Client-Identifier", p.assigned_client_identifier);
    prop(out, "Server-Keep-Alive", p.server_keep_alive);
    prop(out, "Reason-String", p.reason_string);
    prop(out, "Authentication-Method", p.authentication_method);
    for (auto id : p.subscription_identifiers) {
        if (out.back() != '{') out += ", ";
        out += "Subscription-Identifier=" + std::to_string(id);
    }
    for (const auto& [k, v] : p.user_properties) {
        if (out.back() != '{') out += ", ";
        out += "User-Property=" + escapePrefix(k, 64) + ":" + escapePrefix(v, 64);
    }
    return out + "}";
}

const char* protoName(mqtt::ProtocolVersion v) {
    switch (v) {
        case mqtt::ProtocolVersion::V31: return "MQIsdp v3";
        case mqtt::ProtocolVersion::V311: return "MQTT v4";
        case mqtt::ProtocolVersion::V5: return "MQTT v5";
    }
    return "MQTT";
}

}  // namespace

std::string describePublish(std::string_view topic, std::string_view payload, uint8_t qos, bool retain, bool dup,
                            uint16_t packet_id) {
    std::string s = "PUBLISH(Q" + std::to_string(qos) + ", R" + (retain ? "1" : "0") + ", D" + (dup ? "1" : "0") +
                    ", Topic=" + escapePrefix(topic, 256);
    if (qos > 0) s += ", PacketId=" + std::to_string(packet_id);
    s += ", Payload(" + std::to_string(payload.size()) + " bytes)=\"" + escapePrefix(payload) + "\")";
    return s;
}

std::string describePacket(const mqtt::Packet& packet) {
    return std::visit(
        [](const auto& p) -> std::string {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, mqtt::Connect>) {
                std::string s = std::string("CONNECT(Proto=") + protoName(p.version) +
                                ", ClientId=" + escapePrefix(p.client_id, 256) +
                                ", CleanStart=" + (p.clean_start ? "true" : "false") +
                                ", KeepAlive=" + std::to_string(p.keepalive) +
                                ", Username=" + (p.username ? escapePrefix(*p.username, 256) : "undefined") +
                                ", Password=" + (p.password ? "******" : "undefined");
                if (p.will)
                    s += ", Will(Q" + std::to_string(p.will->qos) + ", R" + (p.will->retain ? "1" : "0") +
                         ", Topic=" + escapePrefix(p.will->topic, 256) + ", Payload(" +
                         std::to_string(p.will->payload.size()) + " bytes))";
                if (p.version == mqtt::ProtocolVersion::V5) s += ", Properties=" + props(p.props);
                return s + ")";
            } else if constexpr (std::is_same_v<T, mqtt::Connack>) {
                return std::string("CONNACK(SessionPresent=") + (p.session_present ? "true" : "false") +
                       ", ReasonCode=" + rc(p.reason) + ", Properties=" + props(p.props) + ")";
            } else if constexpr (std::is_same_v<T, mqtt::Publish>) {
                return describePublish(p.topic, p.payload, p.qos, p.retain, p.dup, p.packet_id);
            } else if constexpr (std::is_same_v<T, mqtt::PubResponse>) {
                return std::string(mqtt::packetTypeName(p.type)) + "(PacketId=" + std::to_string(p.packet_id) +
                       ", ReasonCode=" + rc(p.reason) + ")";
            } else if constexpr (std::is_same_v<T, mqtt::Subscribe>) {
                std::string s = "SUBSCRIBE(PacketId=" + std::to_string(p.packet_id) + ", TopicFilters=[";
                bool first = true;
                for (const auto& r : p.subscriptions) {
                    if (!first) s += ", ";
                    first = false;
                    s += escapePrefix(r.filter, 256) + "(Q" + std::to_string(r.qos) +
                         ", nl=" + (r.no_local ? "1" : "0") + ", rap=" + (r.retain_as_published ? "1" : "0") +
                         ", rh=" + std::to_string(r.retain_handling) + ")";
                }
                return s + "])";
            } else if constexpr (std::is_same_v<T, mqtt::Suback> || std::is_same_v<T, mqtt::Unsuback>) {
                std::string s = std::is_same_v<T, mqtt::Suback> ? "SUBACK" : "UNSUBACK";
                s += "(PacketId=" + std::to_string(p.packet_id) + ", ReasonCodes=[";
                bool first = true;
                for (auto r : p.reasons) {
                    if (!first) s += ", ";
                    first = false;
                    s += rc(r);
                }
                return s + "])";
            } else if constexpr (std::is_same_v<T, mqtt::Unsubscribe>) {
                std::string s = "UNSUBSCRIBE(PacketId=" + std::to_string(p.packet_id) + ", TopicFilters=[";
                bool first = true;
                for (const auto& f : p.filters) {
                    if (!first) s += ", ";
                    first = false;
                    s += escapePrefix(f, 256);
                }
                return s + "])";
            } else if constexpr (std::is_same_v<T, mqtt::Pingreq>) {
                return "PINGREQ()";
            } else if constexpr (std::is_same_v<T, mqtt::Pingresp>) {
                return "PINGRESP()";
            } else if constexpr (std::is_same_v<T, mqtt::Disconnect>) {
                return "DISCONNECT(ReasonCode=" + rc(p.reason) + ")";
            } else if constexpr (std::is_same_v<T, mqtt::Auth>) {
                return "AUTH(ReasonCode=" + rc(p.reason) + ")";
            } else {
                return "UNKNOWN()";
            }
        },
        packet);
}

namespace {

// A field as the text line shows it: `key: value`, a payload as its size and
// escaped prefix (`payload(5 bytes)="hello"`).
void appendTextField(std::string& s, const Field& f) {
    if (f.kind == Field::Kind::Payload) {
        const auto& bytes = f.value.get_ref<const std::string&>();
        s += "payload(" + std::to_string(bytes.size()) + " bytes)=\"" + escapePrefix(bytes) + "\"";
        return;
    }
    s += f.key;
    s += ": ";
    if (!f.value.is_string()) s += f.value.dump();
    else if (f.kind == Field::Kind::ClientBytes) s += escapePrefix(f.value.get_ref<const std::string&>(), 256);
    else s += f.value.get_ref<const std::string&>();
}

}  // namespace

std::string formatLine(int64_t wall_ms, const Event& e) {
    std::string s = isoTimestamp(wall_ms);
    s += " [";
    s += levelName(e.level);
    s += "] clientid=";
    s += e.clientid.empty() ? std::string_view("undefined") : e.clientid;
    s += " peername=";
    s += e.peer.empty() ? std::string_view("undefined") : e.peer;
    s += " msg: ";
    s += e.msg;
    for (const auto& f : e.fields) {
        s += ", ";
        appendTextField(s, f);
    }
    s += '\n';
    return s;
}

std::string formatEvent(int64_t wall_ms, Format format, const Event& e) {
    return format == Format::Json ? formatJsonLine(wall_ms, e) : formatLine(wall_ms, e);
}

std::string formatNote(int64_t wall_ms, Format format, Level level, std::string_view text) {
    if (format == Format::Json) return formatJsonNote(wall_ms, level, text);
    return isoTimestamp(wall_ms) + " [" + std::string(levelName(level)) + "] " + std::string(text) + "\n";
}

}  // namespace emqx::trace
