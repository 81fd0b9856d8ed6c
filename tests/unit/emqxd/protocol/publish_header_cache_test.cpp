// The per-worker cache of encoded PUBLISH headers: byte-exact against the
// encoder for each variant, encoded once per (message, variant).
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "common/mqtt/codec.h"
#include "emqxd/protocol/publish_header_cache.h"

using namespace emqx;

namespace {

MessagePtr message(std::string topic, std::string payload, bool with_props) {
    auto m = Message::make(topic, payload);
    m->qos = 2;
    m->retain = true;
    if (with_props) {
        auto p = std::make_unique<mqtt::Properties>();
        p->content_type = "text/plain";
        p->user_properties = {{"a", "b"}};
        p->message_expiry_interval = 100;
        m->props = std::move(p);
    }
    return m;
}

// What a channel sent before the cache: a Publish built per recipient.
std::string expected(const Message& m, const PublishVariant& v, uint16_t packet_id) {
    mqtt::Publish p;
    p.qos = v.qos;
    p.retain = v.retain;
    p.dup = v.dup;
    p.packet_id = packet_id;
    p.topic = v.topic_omitted ? std::string_view{} : std::string_view{m.topic};
    if (v.v5) {
        if (m.props) p.props = *m.props;
        if (v.subscription_id) p.props.subscription_identifiers.push_back(v.subscription_id);
        if (v.remaining_expiry_s > 0) p.props.message_expiry_interval = static_cast<uint32_t>(v.remaining_expiry_s);
        if (v.topic_alias) p.props.topic_alias = v.topic_alias;
    }
    std::string out;
    mqtt::encodePublishHeader(v.v5 ? mqtt::ProtocolVersion::V5 : mqtt::ProtocolVersion::V311, p, m.payload.size(), out);
    return out;
}

std::string withPacketId(const mqtt::PublishTemplate& t, uint16_t packet_id) {
    std::string copy = t.header;
    if (t.packet_id_offset != 0) mqtt::writePacketId(copy.data() + t.packet_id_offset, packet_id);
    return copy;
}

}  // namespace

TEST_CASE("publish header cache: every variant is byte-exact", "[core][publish_cache]") {
    PublishHeaderCache cache;
    for (bool props : {false, true}) {
        MessagePtr m = message("sensors/1/temp", std::string(300, 'x'), props);
        for (bool v5 : {false, true}) {
            for (uint8_t qos : {0, 1, 2}) {
                for (bool retain : {false, true}) {
                    for (bool dup : {false, true}) {
                        for (int extra = 0; extra < (v5 ? 5 : 1); ++extra) {
                            PublishVariant v{v5, qos, retain, dup};
                            if (extra == 1) v.subscription_id = 12345;
                            if (extra == 2) v.remaining_expiry_s = 42;
                            if (extra == 3) v.topic_alias = 7;
                            if (extra == 4) {
                                v.topic_alias = 7;
                                v.topic_omitted = true;
                            }
                            const mqtt::PublishTemplate& t = cache.get(m, v);
                            for (uint16_t id : {1, 513, 65535}) {
                                INFO("v5 " << v5 << " qos " << int(qos) << " extra " << extra << " id " << id);
                                CHECK(withPacketId(t, id) == expected(*m, v, qos > 0 ? id : 0));
                            }
                        }
                    }
                }
            }
        }
    }
}

TEST_CASE("publish header cache: one encoding per message and variant", "[core][publish_cache]") {
    PublishHeaderCache cache;
    MessagePtr a = message("a", "payload", false);
    PublishVariant q1{false, 1, false, false};
    PublishVariant q0{false, 0, false, false};
    const mqtt::PublishTemplate* first = &cache.get(a, q1);
    CHECK(&cache.get(a, q0) != first);
    CHECK(&cache.get(a, q1) == first);  // found again, not re-encoded into another slot

    // Another message with the same variant gets its own bytes.
    MessagePtr b = message("b/longer", "payload", false);
    CHECK(cache.get(b, q1).header == expected(*b, q1, 0));
}

TEST_CASE("publish header cache: holds its message, so a new one at the same address is not confused",
          "[core][publish_cache]") {
    PublishHeaderCache cache;
    PublishVariant v{false, 0, false, false};
    MessagePtr a = message("first/topic", "x", false);
    std::weak_ptr<const Message> watch = a;
    cache.get(a, v);
    a.reset();
    CHECK_FALSE(watch.expired());  // kept alive while cached
    cache.clear();
    CHECK(watch.expired());
}

TEST_CASE("publish header cache: more variants than slots stay correct", "[core][publish_cache]") {
    PublishHeaderCache cache;
    MessagePtr m = message("t", "p", false);
    for (int round = 0; round < 2; ++round) {
        for (uint16_t alias = 1; alias <= 20; ++alias) {
            PublishVariant v{true, 1, false, false};
            v.topic_alias = alias;
            CHECK(withPacketId(cache.get(m, v), 9) == expected(*m, v, 9));
        }
    }
}
