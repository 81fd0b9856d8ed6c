#include "emqxd/protocol/publish_header_cache.h"

namespace emqx {

const mqtt::PublishTemplate& PublishHeaderCache::get(const MessagePtr& msg, const PublishVariant& v) {
    if (msg != msg_) {
        msg_ = msg;
        used_ = 0;
        next_victim_ = 0;
    }
    for (size_t i = 0; i < used_; ++i)
        if (slots_[i].variant == v) return slots_[i].header;
    Slot& slot = used_ < kSlots ? slots_[used_++] : slots_[next_victim_++ % kSlots];
    slot.variant = v;
    encode(*msg, v, slot.header);
    return slot.header;
}

void PublishHeaderCache::clear() {
    msg_.reset();
    used_ = 0;
    next_victim_ = 0;
}

void PublishHeaderCache::encode(const Message& msg, const PublishVariant& v, mqtt::PublishTemplate& out) {
    mqtt::Publish& p = scratch_;
    p.qos = v.qos;
    p.retain = v.retain;
    p.dup = v.dup;
    p.packet_id = 0;
    p.topic = v.topic_omitted ? std::string_view{} : std::string_view{msg.topic};
    if (v.v5) {
        static const mqtt::Properties kNone;
        p.props = msg.props ? *msg.props : kNone;
        if (v.subscription_id != 0) p.props.subscription_identifiers.push_back(v.subscription_id);
        if (v.remaining_expiry_s > 0) p.props.message_expiry_interval = static_cast<uint32_t>(v.remaining_expiry_s);
        if (v.topic_alias != 0) p.props.topic_alias = v.topic_alias;
    }
    mqtt::encodePublishTemplate(v.v5 ? mqtt::ProtocolVersion::V5 : mqtt::ProtocolVersion::V311, p, msg.payload.size(),
                                out);
}

}  // namespace emqx
