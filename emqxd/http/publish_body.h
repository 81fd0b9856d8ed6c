#pragma once
// The body of POST /api/v5/publish (and each element of /publish/bulk), as
// EMQX 5.8 takes it (emqx_mgmt_api_publish): {topic, payload,
// payload_encoding = plain|base64, qos = 0, retain = false, properties
// {payload_format_indicator, message_expiry_interval, response_topic,
// correlation_data, user_properties, content_type}}. Refusals are EMQX's 400
// bodies: a field of the wrong type or range {"code": "BAD_REQUEST",
// "message"}; a topic that is no topic name {"reason_code": 144, "message":
// "topic_name_invalid"}; a message larger than mqtt.max_packet_size
// {"reason_code": 151, "message": "packet_too_large"}; a payload that is no
// base64 {"reason_code": 131, "message": "decode_base64_payload_failed"}.
// Pure code.
#include <cstdint>
#include <optional>
#include <string>

#include "common/ctl/protocol.h"
#include "common/mqtt/properties.h"

namespace emqx::http {

struct PublishRequest {
    std::string topic;
    std::string payload;  // decoded
    uint8_t qos = 0;
    bool retain = false;
    mqtt::Properties props;  // only the publish properties above
};

struct PublishLimits {
    size_t max_topic_levels = 0;  // mqtt.max_topic_levels; 0: no limit
    size_t max_packet_size = 0;   // mqtt.max_packet_size
};

// nullopt with `refusal` set to the 400 body.
std::optional<PublishRequest> parsePublishBody(const ctl::Json& body, const PublishLimits& limits, ctl::Json& refusal);

}  // namespace emqx::http
