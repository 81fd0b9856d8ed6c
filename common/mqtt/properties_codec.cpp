#include "common/mqtt/properties_codec.h"

#include <string>

#include "common/mqtt/decode_error.h"

namespace emqx::mqtt {
namespace {

using detail::malformed;
using detail::protocolError;

constexpr uint16_t bit(PropertyContext c) { return static_cast<uint16_t>(1u << static_cast<unsigned>(c)); }

constexpr uint16_t kConnect = bit(PropertyContext::Connect);
constexpr uint16_t kWill = bit(PropertyContext::Will);
constexpr uint16_t kConnack = bit(PropertyContext::Connack);
constexpr uint16_t kPublish = bit(PropertyContext::Publish);
constexpr uint16_t kPubResp = bit(PropertyContext::PubResponse);
constexpr uint16_t kSubscribe = bit(PropertyContext::Subscribe);
constexpr uint16_t kSuback = bit(PropertyContext::Suback);
constexpr uint16_t kUnsubscribe = bit(PropertyContext::Unsubscribe);
constexpr uint16_t kUnsuback = bit(PropertyContext::Unsuback);
constexpr uint16_t kDisconnect = bit(PropertyContext::Disconnect);
constexpr uint16_t kAuth = bit(PropertyContext::Auth);
constexpr uint16_t kAll = kConnect | kWill | kConnack | kPublish | kPubResp | kSubscribe | kSuback | kUnsubscribe |
                          kUnsuback | kDisconnect | kAuth;

// Spec table 2.2.2.2: which packets may carry each property (0 = unknown id).
uint16_t allowedIn(uint32_t id) {
    switch (static_cast<PropertyId>(id)) {
        case PropertyId::PayloadFormatIndicator:
        case PropertyId::MessageExpiryInterval:
        case PropertyId::ContentType:
        case PropertyId::ResponseTopic:
        case PropertyId::CorrelationData: return kPublish | kWill;
        case PropertyId::SubscriptionIdentifier: return kPublish | kSubscribe;
        case PropertyId::SessionExpiryInterval: return kConnect | kConnack | kDisconnect;
        case PropertyId::AssignedClientIdentifier: return kConnack;
        case PropertyId::ServerKeepAlive: return kConnack;
        case PropertyId::AuthenticationMethod:
        case PropertyId::AuthenticationData: return kConnect | kConnack | kAuth;
        case PropertyId::RequestProblemInformation: return kConnect;
        case PropertyId::WillDelayInterval: return kWill;
        case PropertyId::RequestResponseInformation: return kConnect;
        case PropertyId::ResponseInformation: return kConnack;
        case PropertyId::ServerReference: return kConnack | kDisconnect;
        case PropertyId::ReasonString: return kConnack | kPubResp | kSuback | kUnsuback | kDisconnect | kAuth;
        case PropertyId::ReceiveMaximum:
        case PropertyId::TopicAliasMaximum:
        case PropertyId::MaximumPacketSize: return kConnect | kConnack;
        case PropertyId::TopicAlias: return kPublish;
        case PropertyId::MaximumQoS:
        case PropertyId::RetainAvailable:
        case PropertyId::WildcardSubscriptionAvailable:
        case PropertyId::SubscriptionIdentifierAvailable:
        case PropertyId::SharedSubscriptionAvailable: return kConnack;
        case PropertyId::UserProperty: return kAll;
    }
    return 0;
}

std::string hex(uint32_t id) {
    static const char* digits = "0123456789ABCDEF";
    std::string s = "0x";
    s += digits[(id >> 4) & 0xF];
    s += digits[id & 0xF];
    return s;
}

class PropertyReader {
public:
    PropertyReader(ByteReader& r, ProtocolError& err, uint32_t id) : r_(r), err_(err), id_(id) {}

    template <class T>
    bool once(const std::optional<T>& slot) {
        if (slot) return protocolError(err_, "duplicate property " + hex(id_));
        return true;
    }
    bool truncated() { return malformed(err_, "truncated value of property " + hex(id_)); }

    bool byte(std::optional<uint8_t>& slot) {
        uint8_t v;
        if (!once(slot)) return false;
        if (!r_.u8(v)) return truncated();
        slot = v;
        return true;
    }
    bool boolean(std::optional<uint8_t>& slot) {
        if (!byte(slot)) return false;
        if (*slot > 1) return protocolError(err_, "property " + hex(id_) + " must be 0 or 1");
        return true;
    }
    bool u16(std::optional<uint16_t>& slot, bool nonzero = false) {
        uint16_t v;
        if (!once(slot)) return false;
        if (!r_.u16(v)) return truncated();
        if (nonzero && v == 0) return protocolError(err_, "property " + hex(id_) + " must not be 0");
        slot = v;
        return true;
    }
    bool u32(std::optional<uint32_t>& slot, bool nonzero = false) {
        uint32_t v;
        if (!once(slot)) return false;
        if (!r_.u32(v)) return truncated();
        if (nonzero && v == 0) return protocolError(err_, "property " + hex(id_) + " must not be 0");
        slot = v;
        return true;
    }
    bool utf8(std::optional<std::string>& slot, bool allow_nul = false) {
        if (!once(slot)) return false;
        std::string_view v;
        if (!r_.binary(v)) return truncated();
        if (!isValidMqttUtf8(v, allow_nul)) return malformed(err_, "invalid UTF-8 in property " + hex(id_));
        slot.emplace(v);
        return true;
    }
    bool binary(std::optional<std::string>& slot) {
        if (!once(slot)) return false;
        std::string_view v;
        if (!r_.binary(v)) return truncated();
        slot.emplace(v);
        return true;
    }
    bool userProperty(UserProperties& list) {
        std::string_view k, v;
        if (!r_.binary(k) || !r_.binary(v)) return truncated();
        if (!isValidMqttUtf8(k) || !isValidMqttUtf8(v)) return malformed(err_, "invalid UTF-8 in user property");
        list.emplace_back(std::string(k), std::string(v));
        return true;
    }
    bool subscriptionId(std::vector<uint32_t>& list, bool many) {
        if (!many && !list.empty()) return protocolError(err_, "duplicate subscription identifier");
        uint32_t v;
        if (!r_.varint(v)) return malformed(err_, "bad subscription identifier varint");
        if (v == 0) return protocolError(err_, "subscription identifier 0");
        list.push_back(v);
        return true;
    }

private:
    ByteReader& r_;
    ProtocolError& err_;
    uint32_t id_;
};

bool readOne(ByteReader& r, PropertyContext ctx, uint32_t id, Properties& p, ProtocolError& err) {
    PropertyReader pr(r, err, id);
    switch (static_cast<PropertyId>(id)) {
        // Any byte, as EMQX takes it; strict mode judges it (checkPayloadFormat).
        case PropertyId::PayloadFormatIndicator: return pr.byte(p.payload_format_indicator);
        case PropertyId::MessageExpiryInterval: return pr.u32(p.message_expiry_interval);
        case PropertyId::ContentType: return pr.utf8(p.content_type);
        // A U+0000 in it breaks the topic-name rule, which the broker answers
        // with 0x82 as EMQX does, rather than making the packet malformed.
        case PropertyId::ResponseTopic: return pr.utf8(p.response_topic, /*allow_nul=*/true);
        case PropertyId::CorrelationData: return pr.binary(p.correlation_data);
        case PropertyId::SubscriptionIdentifier:
            return pr.subscriptionId(p.subscription_identifiers, ctx == PropertyContext::Publish);
        case PropertyId::SessionExpiryInterval: return pr.u32(p.session_expiry_interval);
        case PropertyId::AssignedClientIdentifier: return pr.utf8(p.assigned_client_identifier);
        case PropertyId::ServerKeepAlive: return pr.u16(p.server_keep_alive);
        case PropertyId::AuthenticationMethod: return pr.utf8(p.authentication_method);
        case PropertyId::AuthenticationData: return pr.binary(p.authentication_data);
        case PropertyId::RequestProblemInformation: return pr.boolean(p.request_problem_information);
        case PropertyId::WillDelayInterval: return pr.u32(p.will_delay_interval);
        case PropertyId::RequestResponseInformation: return pr.boolean(p.request_response_information);
        case PropertyId::ResponseInformation: return pr.utf8(p.response_information);
        case PropertyId::ServerReference: return pr.utf8(p.server_reference);
        case PropertyId::ReasonString: return pr.utf8(p.reason_string);
        case PropertyId::ReceiveMaximum: return pr.u16(p.receive_maximum, /*nonzero=*/true);
        case PropertyId::TopicAliasMaximum: return pr.u16(p.topic_alias_maximum);
        case PropertyId::TopicAlias: return pr.u16(p.topic_alias);
        case PropertyId::MaximumQoS: return pr.boolean(p.maximum_qos);
        case PropertyId::RetainAvailable: return pr.boolean(p.retain_available);
        case PropertyId::UserProperty: return pr.userProperty(p.user_properties);
        case PropertyId::MaximumPacketSize: return pr.u32(p.maximum_packet_size, /*nonzero=*/true);
        case PropertyId::WildcardSubscriptionAvailable: return pr.boolean(p.wildcard_subscription_available);
        case PropertyId::SubscriptionIdentifierAvailable: return pr.boolean(p.subscription_identifier_available);
        case PropertyId::SharedSubscriptionAvailable: return pr.boolean(p.shared_subscription_available);
    }
    return malformed(err, "unknown property " + hex(id));
}

}  // namespace

bool readProperties(ByteReader& r, PropertyContext ctx, Properties& out, ProtocolError& err) {
    out = Properties{};
    uint32_t len;
    if (!r.varint(len)) return malformed(err, "bad property length");
    ByteReader block(std::span<const uint8_t>{});
    if (!r.sub(len, block)) return malformed(err, "property length past the end of the packet");
    while (!block.atEnd()) {
        uint32_t id;
        if (!block.varint(id)) return malformed(err, "bad property identifier");
        const uint16_t allowed = allowedIn(id);
        if (allowed == 0) return malformed(err, "unknown property " + hex(id));
        if ((allowed & bit(ctx)) == 0) return protocolError(err, "property " + hex(id) + " not allowed here");
        if (!readOne(block, ctx, id, out, err)) return false;
    }
    return true;
}

namespace {

// One walk over the properties in encoding order, shared by size and write.
template <class Sink>
void forEachProperty(const Properties& p, Sink&& s) {
    if (p.payload_format_indicator) s.byte(PropertyId::PayloadFormatIndicator, *p.payload_format_indicator);
    if (p.message_expiry_interval) s.u32(PropertyId::MessageExpiryInterval, *p.message_expiry_interval);
    if (p.content_type) s.str(PropertyId::ContentType, *p.content_type);
    if (p.response_topic) s.str(PropertyId::ResponseTopic, *p.response_topic);
    if (p.correlation_data) s.str(PropertyId::CorrelationData, *p.correlation_data);
    for (uint32_t v : p.subscription_identifiers) s.varint(PropertyId::SubscriptionIdentifier, v);
    if (p.session_expiry_interval) s.u32(PropertyId::SessionExpiryInterval, *p.session_expiry_interval);
    if (p.assigned_client_identifier) s.str(PropertyId::AssignedClientIdentifier, *p.assigned_client_identifier);
    if (p.server_keep_alive) s.u16(PropertyId::ServerKeepAlive, *p.server_keep_alive);
    if (p.authentication_method) s.str(PropertyId::AuthenticationMethod, *p.authentication_method);
    if (p.authentication_data) s.str(PropertyId::AuthenticationData, *p.authentication_data);
    if (p.request_problem_information) s.byte(PropertyId::RequestProblemInformation, *p.request_problem_information);
    if (p.will_delay_interval) s.u32(PropertyId::WillDelayInterval, *p.will_delay_interval);
    if (p.request_response_information) s.byte(PropertyId::RequestResponseInformation, *p.request_response_information);
    if (p.response_information) s.str(PropertyId::ResponseInformation, *p.response_information);
    if (p.server_reference) s.str(PropertyId::ServerReference, *p.server_reference);
    if (p.reason_string) s.str(PropertyId::ReasonString, *p.reason_string);
    if (p.receive_maximum) s.u16(PropertyId::ReceiveMaximum, *p.receive_maximum);
    if (p.topic_alias_maximum) s.u16(PropertyId::TopicAliasMaximum, *p.topic_alias_maximum);
    if (p.topic_alias) s.u16(PropertyId::TopicAlias, *p.topic_alias);
    if (p.maximum_qos) s.byte(PropertyId::MaximumQoS, *p.maximum_qos);
    if (p.retain_available) s.byte(PropertyId::RetainAvailable, *p.retain_available);
    if (p.maximum_packet_size) s.u32(PropertyId::MaximumPacketSize, *p.maximum_packet_size);
    if (p.wildcard_subscription_available)
        s.byte(PropertyId::WildcardSubscriptionAvailable, *p.wildcard_subscription_available);
    if (p.subscription_identifier_available)
        s.byte(PropertyId::SubscriptionIdentifierAvailable, *p.subscription_identifier_available);
    if (p.shared_subscription_available)
        s.byte(PropertyId::SharedSubscriptionAvailable, *p.shared_subscription_available);
    for (const auto& [k, v] : p.user_properties) s.pair(PropertyId::UserProperty, k, v);
}

struct SizeSink {
    size_t n = 0;
    void byte(PropertyId, uint8_t) { n += 2; }
    void u16(PropertyId, uint16_t) { n += 3; }
    void u32(PropertyId, uint32_t) { n += 5; }
    void varint(PropertyId, uint32_t v) { n += 1 + varintSize(v); }
    void str(PropertyId, const std::string& v) { n += 1 + stringSize(v); }
    void pair(PropertyId, const std::string& k, const std::string& v) { n += 1 + stringSize(k) + stringSize(v); }
};

struct WriteSink {
    ByteWriter& w;
    void id(PropertyId i) { w.u8(static_cast<uint8_t>(i)); }
    void byte(PropertyId i, uint8_t v) { id(i), w.u8(v); }
    void u16(PropertyId i, uint16_t v) { id(i), w.u16(v); }
    void u32(PropertyId i, uint32_t v) { id(i), w.u32(v); }
    void varint(PropertyId i, uint32_t v) { id(i), w.varint(v); }
    void str(PropertyId i, const std::string& v) { id(i), w.string(v); }
    void pair(PropertyId i, const std::string& k, const std::string& v) { id(i), w.string(k), w.string(v); }
};

}  // namespace

size_t propertiesBodySize(const Properties& props) {
    SizeSink s;
    forEachProperty(props, s);
    return s.n;
}

size_t propertiesBlockSize(const Properties& props) {
    const size_t n = propertiesBodySize(props);
    return varintSize(static_cast<uint32_t>(n)) + n;
}

void writeProperties(ByteWriter& w, const Properties& props) {
    w.varint(static_cast<uint32_t>(propertiesBodySize(props)));
    WriteSink s{w};
    forEachProperty(props, s);
}

}  // namespace emqx::mqtt
