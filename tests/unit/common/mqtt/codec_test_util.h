#pragma once
// Helpers shared by the codec unit tests.
#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/mqtt/codec.h"

namespace emqx::mqtt::test {

inline std::string bytes(std::initializer_list<int> list) {
    std::string s;
    for (int b : list) s.push_back(static_cast<char>(b));
    return s;
}

inline std::span<const uint8_t> span(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline std::string encode(ProtocolVersion v, const Packet& p) {
    std::string out;
    encodePacket(v, p, out);
    return out;
}

struct DecodeResult {
    bool ok = false;
    FrameStatus status = FrameStatus::NeedMore;
    Packet packet;
    ProtocolError err;
};

// Decodes exactly one packet that fills `wire`. `wire` must outlive the result
// (a Publish points into it).
inline DecodeResult decodeOne(ProtocolVersion v, std::string_view wire, uint32_t max_packet_size = 0xFFFFFFFF,
                              DecodeOptions options = {}) {
    DecodeResult r;
    FixedHeader h;
    r.status = readFixedHeader(span(wire), max_packet_size, h, r.err);
    if (r.status != FrameStatus::Ready) return r;
    if (h.packetSize() != wire.size()) {
        r.status = FrameStatus::NeedMore;
        return r;
    }
    r.ok = decodePacket(v, h, span(wire).subspan(h.header_size), r.packet, r.err, options);
    return r;
}

// Expects `wire` to be rejected (by readFixedHeader or decodePacket) with exactly this reaction.
inline void requireError(ProtocolVersion v, std::string_view wire, ReasonCode code, ShutdownReason reason,
                         DecodeOptions options = {}) {
    INFO("wire size " << wire.size());
    const DecodeResult r = decodeOne(v, wire, 0xFFFFFFFF, options);
    REQUIRE_FALSE(r.ok);
    REQUIRE(r.status != FrameStatus::NeedMore);
    CHECK(static_cast<int>(r.err.code) == static_cast<int>(code));
    CHECK(r.err.shutdown_reason == reason);
    CHECK_FALSE(r.err.detail.empty());
}

inline void requireMalformed(ProtocolVersion v, std::string_view wire, DecodeOptions options = {}) {
    requireError(v, wire, ReasonCode::MalformedPacket, ShutdownReason::MalformedPacket, options);
}

inline void requireProtocolError(ProtocolVersion v, std::string_view wire) {
    requireError(v, wire, ReasonCode::ProtocolError, ShutdownReason::ProtocolError);
}

// Wraps a body in a fixed header with the right remaining length.
inline std::string frame(uint8_t first_byte, std::string_view body) {
    std::string out(1, static_cast<char>(first_byte));
    uint32_t n = static_cast<uint32_t>(body.size());
    do {
        uint8_t b = n & 0x7F;
        n >>= 7;
        if (n) b |= 0x80;
        out.push_back(static_cast<char>(b));
    } while (n);
    out.append(body);
    return out;
}

// A length-prefixed string.
inline std::string str(std::string_view s) {
    std::string out;
    out.push_back(static_cast<char>(s.size() >> 8));
    out.push_back(static_cast<char>(s.size() & 0xFF));
    out.append(s);
    return out;
}

// Feeds `stream` to a framer in chunks of `chunk` bytes (0 = all at once),
// decoding packets as they complete; returns every packet re-encoded (so the
// result owns its bytes) and fails the test on any error.
inline std::vector<std::string> decodeStream(ProtocolVersion v, std::string_view stream, size_t chunk) {
    std::vector<std::string> packets;
    std::string buffer;
    size_t fed = 0;
    while (fed < stream.size()) {
        const size_t n = chunk == 0 ? stream.size() : std::min(chunk, stream.size() - fed);
        buffer.append(stream.substr(fed, n));
        fed += n;
        for (;;) {
            FixedHeader h;
            ProtocolError err;
            const FrameStatus st = readFixedHeader(span(buffer), 1u << 24, h, err);
            REQUIRE(st != FrameStatus::Invalid);
            if (st == FrameStatus::NeedMore || buffer.size() < h.packetSize()) break;
            Packet p;
            REQUIRE(decodePacket(v, h, span(buffer).subspan(h.header_size, h.remaining_length), p, err));
            packets.push_back(encode(v, p));
            buffer.erase(0, h.packetSize());
        }
    }
    REQUIRE(buffer.empty());
    return packets;
}

}  // namespace emqx::mqtt::test
