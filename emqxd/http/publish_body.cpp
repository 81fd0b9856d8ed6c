#include "emqxd/http/publish_body.h"

#include <algorithm>
#include <limits>

#include "common/encoding/base64.h"
#include "common/mqtt/byte_writer.h"
#include "common/mqtt/properties_codec.h"
#include "common/topic/topic.h"

namespace emqx::http {

namespace {

using ctl::Json;

// A body that does not fit the schema: EMQX's generic 400.
struct SchemaError {
    std::string message;
};

// A refusal of the message itself: EMQX's PUBACK reason code and name.
struct ReasonRefusal {
    int reason_code;
    std::string message;
};

const Json* field(const Json& body, const char* name) {
    auto it = body.find(name);
    return it == body.end() || it->is_null() ? nullptr : &*it;
}

std::string stringField(const Json& body, const char* name, const std::string& where) {
    const Json* v = field(body, name);
    if (!v || !v->is_string()) throw SchemaError{where + name + ": a string is required"};
    return v->get<std::string>();
}

std::optional<std::string> optionalString(const Json& body, const char* name, const std::string& where) {
    if (!field(body, name)) return std::nullopt;
    return stringField(body, name, where);
}

std::optional<uint64_t> optionalUInt(const Json& body, const char* name, uint64_t max, const std::string& where) {
    const Json* v = field(body, name);
    if (!v) return std::nullopt;
    if (!v->is_number_integer() || (!v->is_number_unsigned() && v->get<int64_t>() < 0) || v->get<uint64_t>() > max)
        throw SchemaError{where + name + ": expected an integer from 0 to " + std::to_string(max) + ", got " +
                          v->dump()};
    return v->get<uint64_t>();
}

mqtt::Properties properties(const Json& body) {
    mqtt::Properties props;
    const Json* p = field(body, "properties");
    if (!p) return props;
    if (!p->is_object()) throw SchemaError{"properties: a JSON object is required"};
    const std::string where = "properties.";
    if (auto v = optionalUInt(*p, "payload_format_indicator", 1, where)) props.payload_format_indicator = *v;
    if (auto v = optionalUInt(*p, "message_expiry_interval", std::numeric_limits<uint32_t>::max(), where))
        props.message_expiry_interval = static_cast<uint32_t>(*v);
    props.response_topic = optionalString(*p, "response_topic", where);
    // A subscriber's client refuses a PUBLISH whose response topic is no topic name.
    if (props.response_topic && !topic::isValidTopicName(*props.response_topic))
        throw SchemaError{"properties.response_topic: not a topic name: " + *props.response_topic};
    props.correlation_data = optionalString(*p, "correlation_data", where);
    props.content_type = optionalString(*p, "content_type", where);
    if (const Json* users = field(*p, "user_properties")) {
        if (!users->is_object()) throw SchemaError{"properties.user_properties: a JSON object is required"};
        for (const auto& [name, value] : users->items()) {
            if (!value.is_string())
                throw SchemaError{"properties.user_properties." + name + ": a string is required, got " + value.dump()};
            props.user_properties.emplace_back(name, value.get<std::string>());
        }
    }
    return props;
}

// The bytes of the PUBLISH packet that would carry `r`, which
// mqtt.max_packet_size bounds as it bounds a client's.
size_t packetSize(const PublishRequest& r) {
    size_t remaining = 2 + r.topic.size() + (r.qos > 0 ? 2 : 0) + mqtt::propertiesBlockSize(r.props) + r.payload.size();
    auto clamped = static_cast<uint32_t>(std::min<size_t>(remaining, std::numeric_limits<uint32_t>::max()));
    return 1 + mqtt::varintSize(clamped) + remaining;
}

PublishRequest parse(const Json& body, const PublishLimits& limits) {
    if (!body.is_object()) throw SchemaError{"each message must be a JSON object"};
    PublishRequest r;
    r.topic = stringField(body, "topic", "");
    std::string payload = stringField(body, "payload", "");
    std::string encoding = optionalString(body, "payload_encoding", "").value_or("plain");
    if (encoding != "plain" && encoding != "base64")
        throw SchemaError{"payload_encoding: expected plain or base64, got " + encoding};
    r.qos = static_cast<uint8_t>(optionalUInt(body, "qos", 2, "").value_or(0));
    if (const Json* retain = field(body, "retain")) {
        if (!retain->is_boolean()) throw SchemaError{"retain: expected true or false, got " + retain->dump()};
        r.retain = retain->get<bool>();
    }
    r.props = properties(body);
    if (encoding == "base64") {
        auto decoded = base64Decode(payload);
        if (!decoded) throw ReasonRefusal{0x83, "decode_base64_payload_failed"};
        payload = std::move(*decoded);
    }
    r.payload = std::move(payload);
    // A PUBLISH carries the topic with a two-byte length.
    if (r.topic.size() > 65535 || !topic::isValidTopicName(r.topic, limits.max_topic_levels))
        throw ReasonRefusal{0x90, "topic_name_invalid"};
    // 0x95 (packet too large) is no PUBACK reason code; EMQX answers quota exceeded.
    if (packetSize(r) > limits.max_packet_size) throw ReasonRefusal{0x97, "packet_too_large"};
    return r;
}

}  // namespace

std::optional<PublishRequest> parsePublishBody(const Json& body, const PublishLimits& limits, Json& refusal) {
    try {
        return parse(body, limits);
    } catch (const SchemaError& e) {
        refusal = Json{{"code", "BAD_REQUEST"}, {"message", e.message}};
    } catch (const ReasonRefusal& e) {
        refusal = Json{{"reason_code", e.reason_code}, {"message", e.message}};
    }
    return std::nullopt;
}

}  // namespace emqx::http
