// A PUBLISH template with its packet id written in is byte-exact against the
// encoder, for every variant a broker sends.
#include <catch2/catch.hpp>

#include <string>

#include "codec_test_util.h"
#include "common/mqtt/publish_template.h"

using namespace emqx::mqtt;
using namespace emqx::mqtt::test;

namespace {

// The template encoded with one packet id, copied and given another.
std::string fromTemplate(ProtocolVersion v, Publish p, uint16_t packet_id) {
    PublishTemplate t;
    p.packet_id = 4242;
    encodePublishTemplate(v, p, p.payload.size(), t);
    std::string copy = t.header;
    if (p.qos > 0) writePacketId(copy.data() + t.packet_id_offset, packet_id);
    return copy + std::string(p.payload);
}

}  // namespace

TEST_CASE("PUBLISH template plus packet id equals encodePacket for every variant", "[codec]") {
    const std::string long_topic(300, 't');
    const std::string payloads[] = {"", "hi", std::string(200, 'p'), std::string(20000, 'q')};
    int checked = 0;
    for (ProtocolVersion v : {ProtocolVersion::V31, ProtocolVersion::V311, ProtocolVersion::V5}) {
        for (uint8_t qos : {0, 1, 2}) {
            for (bool retain : {false, true}) {
                for (bool dup : {false, true}) {
                    for (int props = 0; props < (v == ProtocolVersion::V5 ? 6 : 1); ++props) {
                        for (const std::string& payload : payloads) {
                            for (std::string_view topic : {std::string_view("a/b"), std::string_view(long_topic)}) {
                                Publish p{qos, retain, dup, topic, 0, {}, payload};
                                if (props == 1) p.props.subscription_identifiers = {7};
                                if (props == 2) p.props.subscription_identifiers = {1, 300000};
                                if (props == 3) {
                                    p.props.topic_alias = 3;
                                    p.topic = {};
                                }
                                if (props == 4) p.props.topic_alias = 65535;
                                if (props == 5) {
                                    p.props.message_expiry_interval = 60;
                                    p.props.content_type = "text/plain";
                                    p.props.user_properties = {{"k", "v"}, {"k", "w"}};
                                    p.props.correlation_data = std::string("\0\1", 2);
                                }
                                for (uint16_t id : {1, 0x1234, 65535}) {
                                    Publish expected = p;
                                    expected.packet_id = qos > 0 ? id : 0;
                                    INFO("version " << int(v) << " qos " << int(qos) << " props " << props
                                                    << " payload " << payload.size() << " id " << id);
                                    CHECK(fromTemplate(v, p, id) == encode(v, expected));
                                    ++checked;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    CHECK(checked == (1 + 1 + 6) * 3 * 2 * 2 * 4 * 2 * 3);  // versions x props, qos, retain, dup, payloads, topics, ids
}

TEST_CASE("PUBLISH template: the packet id offset follows a multi-byte remaining length", "[codec]") {
    const std::string payload(20000, 'x');
    Publish p{1, false, false, "topic", 9, {}, payload};
    PublishTemplate t;
    encodePublishTemplate(ProtocolVersion::V311, p, payload.size(), t);
    // first byte, 3 varint bytes, 2 + 5 topic bytes
    CHECK(t.packet_id_offset == 1 + 3 + 7);
    CHECK(t.header.size() == t.packet_id_offset + 2);
    Publish q0 = p;
    q0.qos = 0;
    encodePublishTemplate(ProtocolVersion::V311, q0, payload.size(), t);
    CHECK(t.packet_id_offset == 0);
}
