// encodePacket, encodePublishHeader, encodedPublishSize: the exact inverse of
// the decoder. Each body is written by one template run twice: once with a
// byte counter (for the remaining length) and once with the real writer, so the
// announced length and the bytes can never disagree.
#include <type_traits>

#include "common/mqtt/byte_writer.h"
#include "common/mqtt/codec.h"
#include "common/mqtt/properties_codec.h"

namespace emqx::mqtt {
namespace {

struct CountingWriter {
    size_t n = 0;
    void u8(uint8_t) { n += 1; }
    void u16(uint16_t) { n += 2; }
    void u32(uint32_t) { n += 4; }
    void varint(uint32_t v) { n += varintSize(v); }
    void string(std::string_view s) { n += stringSize(s); }
    void raw(std::string_view s) { n += s.size(); }
};

void props(CountingWriter& w, const Properties& p) { w.n += propertiesBlockSize(p); }
void props(ByteWriter& w, const Properties& p) { writeProperties(w, p); }

bool isV5(ProtocolVersion v) { return v == ProtocolVersion::V5; }

bool isEmpty(const Properties& p) {
    static const Properties kEmpty;
    return p == kEmpty;
}

uint8_t firstByte(PacketType type, uint8_t flags = 0) {
    return static_cast<uint8_t>(static_cast<uint8_t>(type) << 4 | flags);
}

template <class W>
void connectBody(W& w, const Connect& c) {
    const bool v5 = isV5(c.version);
    w.string(c.protocol_name);
    w.u8(static_cast<uint8_t>(c.version));
    uint8_t flags = 0;
    if (c.clean_start) flags |= 0x02;
    if (c.will) {
        flags |= 0x04;
        flags |= static_cast<uint8_t>((c.will->qos & 3) << 3);
        if (c.will->retain) flags |= 0x20;
    }
    if (c.password) flags |= 0x40;
    if (c.username) flags |= 0x80;
    w.u8(flags);
    w.u16(c.keepalive);
    if (v5) props(w, c.props);
    w.string(c.client_id);
    if (c.will) {
        if (v5) props(w, c.will->props);
        w.string(c.will->topic);
        w.string(c.will->payload);
    }
    if (c.username) w.string(*c.username);
    if (c.password) w.string(*c.password);
}

template <class W>
void connackBody(W& w, ProtocolVersion v, const Connack& c) {
    w.u8(c.session_present ? 1 : 0);
    if (isV5(v)) {
        w.u8(static_cast<uint8_t>(c.reason));
        props(w, c.props);
    } else {
        w.u8(static_cast<uint8_t>(toConnackV3(c.reason)));
    }
}

template <class W>
void publishHead(W& w, ProtocolVersion v, const Publish& p) {
    w.string(p.topic);
    if (p.qos > 0) w.u16(p.packet_id);
    if (isV5(v)) props(w, p.props);
}

template <class W>
void pubResponseBody(W& w, ProtocolVersion v, const PubResponse& p) {
    w.u16(p.packet_id);
    if (!isV5(v)) return;
    const bool no_props = isEmpty(p.props);
    if (p.reason == ReasonCode::Success && no_props) return;
    w.u8(static_cast<uint8_t>(p.reason));
    if (!no_props) props(w, p.props);
}

template <class W>
void subscribeBody(W& w, ProtocolVersion v, const Subscribe& s) {
    w.u16(s.packet_id);
    if (isV5(v)) props(w, s.props);
    for (const auto& req : s.subscriptions) {
        w.string(req.filter);
        uint8_t opts = req.qos & 3;
        if (isV5(v)) {
            if (req.no_local) opts |= 0x04;
            if (req.retain_as_published) opts |= 0x08;
            opts |= static_cast<uint8_t>((req.retain_handling & 3) << 4);
        }
        w.u8(opts);
    }
}

template <class W>
void subackBody(W& w, ProtocolVersion v, const Suback& s) {
    w.u16(s.packet_id);
    if (isV5(v)) props(w, s.props);
    for (ReasonCode rc : s.reasons) {
        const auto code = static_cast<uint8_t>(rc);
        w.u8(isV5(v) || code <= 2 ? code : 0x80);
    }
}

template <class W>
void unsubscribeBody(W& w, ProtocolVersion v, const Unsubscribe& u) {
    w.u16(u.packet_id);
    if (isV5(v)) props(w, u.props);
    for (const auto& f : u.filters) w.string(f);
}

template <class W>
void unsubackBody(W& w, ProtocolVersion v, const Unsuback& u) {
    w.u16(u.packet_id);
    if (!isV5(v)) return;
    props(w, u.props);
    for (ReasonCode rc : u.reasons) w.u8(static_cast<uint8_t>(rc));
}

// DISCONNECT and AUTH: empty when Success without properties, else the reason
// code, then the properties only when there are some.
template <class W>
void reasonAndPropsBody(W& w, ProtocolVersion v, ReasonCode reason, const Properties& p) {
    if (!isV5(v)) return;
    const bool no_props = isEmpty(p);
    if (reason == ReasonCode::Success && no_props) return;
    w.u8(static_cast<uint8_t>(reason));
    if (!no_props) props(w, p);
}

// Counts the body, writes the fixed header, then writes the body.
template <class F>
void frame(std::string& out, uint8_t first, F&& body) {
    CountingWriter counter;
    body(counter);
    out.reserve(out.size() + 5 + counter.n);
    ByteWriter w(out);
    w.u8(first);
    w.varint(static_cast<uint32_t>(counter.n));
    body(w);
}

uint8_t publishFirstByte(const Publish& p) {
    uint8_t flags = static_cast<uint8_t>((p.qos & 3) << 1);
    if (p.dup) flags |= 0x08;
    if (p.retain) flags |= 0x01;
    return firstByte(PacketType::Publish, flags);
}

size_t publishHeadSize(ProtocolVersion v, const Publish& p) {
    CountingWriter c;
    publishHead(c, v, p);
    return c.n;
}

}  // namespace

void encodePacket(ProtocolVersion version, const Packet& packet, std::string& out) {
    std::visit(
        [&](const auto& p) {
            using T = std::decay_t<decltype(p)>;
            auto run = [&](uint8_t first, auto body_fn) { frame(out, first, body_fn); };
            if constexpr (std::is_same_v<T, Connect>) {
                run(firstByte(PacketType::Connect), [&](auto& w) { connectBody(w, p); });
            } else if constexpr (std::is_same_v<T, Connack>) {
                run(firstByte(PacketType::Connack), [&](auto& w) { connackBody(w, version, p); });
            } else if constexpr (std::is_same_v<T, Publish>) {
                encodePublishHeader(version, p, p.payload.size(), out);
                out.append(p.payload.data(), p.payload.size());
            } else if constexpr (std::is_same_v<T, PubResponse>) {
                run(firstByte(p.type, p.type == PacketType::Pubrel ? 0x02 : 0x00),
                    [&](auto& w) { pubResponseBody(w, version, p); });
            } else if constexpr (std::is_same_v<T, Subscribe>) {
                run(firstByte(PacketType::Subscribe, 0x02), [&](auto& w) { subscribeBody(w, version, p); });
            } else if constexpr (std::is_same_v<T, Suback>) {
                run(firstByte(PacketType::Suback), [&](auto& w) { subackBody(w, version, p); });
            } else if constexpr (std::is_same_v<T, Unsubscribe>) {
                run(firstByte(PacketType::Unsubscribe, 0x02), [&](auto& w) { unsubscribeBody(w, version, p); });
            } else if constexpr (std::is_same_v<T, Unsuback>) {
                run(firstByte(PacketType::Unsuback), [&](auto& w) { unsubackBody(w, version, p); });
            } else if constexpr (std::is_same_v<T, Pingreq>) {
                run(firstByte(PacketType::Pingreq), [](auto&) {});
            } else if constexpr (std::is_same_v<T, Pingresp>) {
                run(firstByte(PacketType::Pingresp), [](auto&) {});
            } else if constexpr (std::is_same_v<T, Disconnect>) {
                run(firstByte(PacketType::Disconnect),
                    [&](auto& w) { reasonAndPropsBody(w, version, p.reason, p.props); });
            } else {
                static_assert(std::is_same_v<T, Auth>);
                run(firstByte(PacketType::Auth), [&](auto& w) { reasonAndPropsBody(w, version, p.reason, p.props); });
            }
        },
        packet);
}

void encodePublishHeader(ProtocolVersion version, const Publish& publish, size_t payload_size, std::string& out) {
    const size_t remaining = publishHeadSize(version, publish) + payload_size;
    ByteWriter w(out);
    w.u8(publishFirstByte(publish));
    w.varint(static_cast<uint32_t>(remaining));
    publishHead(w, version, publish);
}

size_t encodedPublishSize(ProtocolVersion version, const Publish& publish) {
    const size_t remaining = publishHeadSize(version, publish) + publish.payload.size();
    return 1 + varintSize(static_cast<uint32_t>(remaining)) + remaining;
}

}  // namespace emqx::mqtt
