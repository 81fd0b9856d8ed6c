// readFixedHeader: remaining-length varint edges, limits, and incomplete input.
#include <catch2/catch.hpp>

#include "codec_test_util.h"
#include "common/mqtt/byte_writer.h"

using namespace emqx::mqtt;
using namespace emqx::mqtt::test;
using emqx::ShutdownReason;

namespace {

std::string header(uint8_t first, uint32_t remaining) {
    std::string h = frame(first, "");
    h.resize(1);
    do {
        uint8_t b = remaining & 0x7F;
        remaining >>= 7;
        if (remaining) b |= 0x80;
        h.push_back(static_cast<char>(b));
    } while (remaining);
    return h;
}

}  // namespace

TEST_CASE("remaining length edge values decode from the header", "[codec]") {
    const std::pair<uint32_t, std::string> cases[] = {
        {0, bytes({0x00})},
        {127, bytes({0x7F})},
        {128, bytes({0x80, 0x01})},
        {16383, bytes({0xFF, 0x7F})},
        {16384, bytes({0x80, 0x80, 0x01})},
        {2097151, bytes({0xFF, 0xFF, 0x7F})},
        {2097152, bytes({0x80, 0x80, 0x80, 0x01})},
        {268435455, bytes({0xFF, 0xFF, 0xFF, 0x7F})},
    };
    for (const auto& [value, varint] : cases) {
        INFO("remaining length " << value);
        const std::string h = std::string(1, '\x30') + varint;
        CHECK(header(0x30, value) == h);
        FixedHeader fh;
        ProtocolError err;
        REQUIRE(readFixedHeader(span(h), 0xFFFFFFFF, fh, err) == FrameStatus::Ready);
        CHECK(fh.remaining_length == value);
        CHECK(fh.header_size == 1 + varint.size());
        CHECK(fh.first_byte == 0x30);
        CHECK(fh.packetSize() == fh.header_size + static_cast<size_t>(value));
        // Every proper prefix of the header needs more bytes.
        for (size_t n = 0; n < h.size(); ++n) {
            CHECK(readFixedHeader(span(h).first(n), 0xFFFFFFFF, fh, err) == FrameStatus::NeedMore);
        }
    }
}

TEST_CASE("remaining length edge values encode and decode whole packets", "[codec]") {
    // PUBLISH 3.1.1 with topic "t": remaining = 3 + payload size.
    for (uint32_t remaining : {127u, 128u, 16383u, 16384u, 2097151u, 2097152u}) {
        INFO("remaining length " << remaining);
        const std::string payload(remaining - 3, 'x');
        Publish p{0, false, false, "t", 0, {}, payload};
        const std::string wire = encode(ProtocolVersion::V311, p);
        CHECK(wire.size() == 1 + varintSize(remaining) + remaining);
        CHECK(encodedPublishSize(ProtocolVersion::V311, p) == wire.size());
        const DecodeResult r = decodeOne(ProtocolVersion::V311, wire);
        REQUIRE(r.ok);
        CHECK(std::get<Publish>(r.packet).payload.size() == payload.size());
        CHECK(r.packet == Packet(p));
    }
    // Remaining length 0.
    const DecodeResult r = decodeOne(ProtocolVersion::V311, encode(ProtocolVersion::V311, Pingreq{}));
    CHECK(r.ok);
}

TEST_CASE("a remaining length over 4 bytes is malformed", "[codec]") {
    FixedHeader h;
    ProtocolError err;
    const std::string five = bytes({0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01});
    REQUIRE(readFixedHeader(span(five), 0xFFFFFFFF, h, err) == FrameStatus::Invalid);
    CHECK(err.code == ReasonCode::MalformedPacket);
    CHECK(err.shutdown_reason == ShutdownReason::MalformedPacket);
    // Detected as soon as the 4th length byte still has its continuation bit.
    ProtocolError err2;
    REQUIRE(readFixedHeader(span(five).first(5), 0xFFFFFFFF, h, err2) == FrameStatus::Invalid);
    CHECK(err2.code == ReasonCode::MalformedPacket);
    CHECK(readFixedHeader(span(five).first(4), 0xFFFFFFFF, h, err) == FrameStatus::NeedMore);
}

TEST_CASE("packet type 0 is malformed", "[codec]") {
    FixedHeader h;
    ProtocolError err;
    const std::string wire = bytes({0x00, 0x00});
    REQUIRE(readFixedHeader(span(wire), 1024, h, err) == FrameStatus::Invalid);
    CHECK(err.code == ReasonCode::MalformedPacket);
    CHECK(err.shutdown_reason == ShutdownReason::MalformedPacket);
    // Known from the first byte alone.
    ProtocolError err2;
    CHECK(readFixedHeader(span(wire).first(1), 1024, h, err2) == FrameStatus::Invalid);
    CHECK(err2.code == ReasonCode::MalformedPacket);
}

TEST_CASE("max_packet_size is enforced at the header", "[codec]") {
    FixedHeader h;
    ProtocolError err;
    // 2-byte header + 98 = 100: exactly at the limit.
    CHECK(readFixedHeader(span(header(0x30, 98)), 100, h, err) == FrameStatus::Ready);
    REQUIRE(readFixedHeader(span(header(0x30, 99)), 100, h, err) == FrameStatus::Invalid);
    CHECK(err.code == ReasonCode::PacketTooLarge);
    CHECK(err.shutdown_reason == ShutdownReason::FrameTooLarge);
    // The largest representable packet against a 1 MB limit, without any body present.
    ProtocolError err2;
    REQUIRE(readFixedHeader(span(header(0x30, 268435455)), 1 << 20, h, err2) == FrameStatus::Invalid);
    CHECK(err2.code == ReasonCode::PacketTooLarge);
    CHECK(err2.shutdown_reason == ShutdownReason::FrameTooLarge);
    // The header counts: remaining 128 takes a 3-byte header, 131 bytes in all.
    CHECK(readFixedHeader(span(header(0x30, 128)), 131, h, err) == FrameStatus::Ready);
    CHECK(readFixedHeader(span(header(0x30, 128)), 130, h, err) == FrameStatus::Invalid);
}
