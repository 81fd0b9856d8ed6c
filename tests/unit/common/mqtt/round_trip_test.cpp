// Every sample packet of every protocol level survives encode -> decode ->
// encode unchanged, alone, byte by byte, and coalesced in one stream.
#include <catch2/catch.hpp>

#include <set>

#include "codec_samples.h"
#include "codec_test_util.h"

using namespace emqx::mqtt;
using namespace emqx::mqtt::test;

namespace {

const char* versionName(ProtocolVersion v) {
    switch (v) {
        case ProtocolVersion::V31: return "3.1";
        case ProtocolVersion::V311: return "3.1.1";
        default: return "5";
    }
}

}  // namespace

TEST_CASE("every packet type round-trips at every protocol level", "[codec]") {
    for (ProtocolVersion v : {ProtocolVersion::V31, ProtocolVersion::V311, ProtocolVersion::V5}) {
        const auto packets = samples::all(v);
        for (size_t i = 0; i < packets.size(); ++i) {
            INFO("version " << versionName(v) << ", sample " << i << " (" << packetTypeName(packetType(packets[i]))
                            << ")");
            const std::string wire = encode(v, packets[i]);
            const DecodeResult r = decodeOne(v, wire);
            INFO("error: " << r.err.detail);
            REQUIRE(r.ok);
            CHECK(r.packet == packets[i]);
            CHECK(packetType(r.packet) == packetType(packets[i]));
            CHECK(encode(v, r.packet) == wire);
        }
    }
}

TEST_CASE("every packet type of each level is covered by the samples", "[codec]") {
    for (ProtocolVersion v : {ProtocolVersion::V31, ProtocolVersion::V311, ProtocolVersion::V5}) {
        std::set<int> types;
        for (const auto& p : samples::all(v)) types.insert(static_cast<int>(packetType(p)));
        CHECK(types.size() == (v == ProtocolVersion::V5 ? 15u : 14u));
    }
}

TEST_CASE("properties are dropped from 3.1.1 encodings", "[codec]") {
    const auto v5 = samples::all(ProtocolVersion::V5);
    for (const auto& p : v5) {
        if (std::holds_alternative<Connect>(p) || std::holds_alternative<Auth>(p)) continue;
        INFO(packetTypeName(packetType(p)));
        const std::string wire = encode(ProtocolVersion::V311, p);
        const DecodeResult r = decodeOne(ProtocolVersion::V311, wire);
        INFO("error: " << r.err.detail);
        REQUIRE(r.ok);
        std::visit(
            [](const auto& d) {
                if constexpr (requires { d.props; }) CHECK(d.props == Properties{});
            },
            r.packet);
    }
}

TEST_CASE("split and coalesced input yield the same packets", "[codec]") {
    for (ProtocolVersion v : {ProtocolVersion::V31, ProtocolVersion::V311, ProtocolVersion::V5}) {
        INFO("version " << versionName(v));
        std::string stream;
        std::vector<std::string> expected;
        for (const auto& p : samples::all(v)) {
            expected.push_back(encode(v, p));
            stream += expected.back();
        }
        const auto coalesced = decodeStream(v, stream, 0);
        const auto byte_by_byte = decodeStream(v, stream, 1);
        const auto odd_chunks = decodeStream(v, stream, 7);
        CHECK(coalesced == expected);
        CHECK(byte_by_byte == expected);
        CHECK(odd_chunks == expected);
    }
}

TEST_CASE("readFixedHeader asks for more until the header is complete", "[codec]") {
    const std::string wire = encode(ProtocolVersion::V311, Publish{0, false, false, "t", 0, {}, std::string_view("x")});
    // A 200-byte payload makes a two-byte remaining length.
    std::string payload(200, 'p');
    Publish big;
    big.topic = "t";
    big.payload = payload;
    const std::string big_wire = encode(ProtocolVersion::V311, big);
    for (const std::string* w : {&wire, &big_wire}) {
        FixedHeader h;
        ProtocolError err;
        const size_t header = w == &wire ? 2 : 3;
        for (size_t n = 0; n < header; ++n) {
            INFO("prefix " << n);
            CHECK(readFixedHeader(span(*w).first(n), 1 << 20, h, err) == FrameStatus::NeedMore);
        }
        REQUIRE(readFixedHeader(span(*w).first(header), 1 << 20, h, err) == FrameStatus::Ready);
        CHECK(h.header_size == header);
        CHECK(h.packetSize() == w->size());
        CHECK(h.type() == PacketType::Publish);
    }
}
