// libFuzzer target for the MQTT codec. The first byte picks the connection's
// protocol level (3, 4 or 5; its low 7 bits) and mqtt.strict_mode (its top
// bit); the rest is a byte stream framed with readFixedHeader and decoded with
// decodePacket, like a connection would.
// Every packet that decodes must survive encode -> decode unchanged, and
// re-encode to the same bytes (the round-trip property).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>

#include "common/mqtt/codec.h"

using namespace emqx::mqtt;

namespace {

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "codec_fuzz: %s\n", what);
    std::abort();
}

void check(bool ok, const char* what) {
    if (!ok) die(what);
}

std::span<const uint8_t> span(const std::string& s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

void roundTrip(ProtocolVersion version, DecodeOptions options, const Packet& packet) {
    std::string wire;
    encodePacket(version, packet, wire);

    FixedHeader h;
    ProtocolError err;
    check(readFixedHeader(span(wire), 0xFFFFFFFF, h, err) == FrameStatus::Ready, "re-encoded header not ready");
    check(h.packetSize() == wire.size(), "re-encoded remaining length is wrong");
    Packet again;
    if (!decodePacket(version, h, span(wire).subspan(h.header_size), again, err, options)) {
        std::fprintf(stderr, "codec_fuzz: re-decode failed: %s\n", err.detail.c_str());
        std::abort();
    }
    check(again == packet, "re-decoded packet differs");
    check(packetType(again) == packetType(packet), "packet type differs");

    std::string wire2;
    encodePacket(version, again, wire2);
    check(wire2 == wire, "re-encoding is not stable");

    if (const auto* pub = std::get_if<Publish>(&packet)) {
        check(encodedPublishSize(version, *pub) == wire.size(), "encodedPublishSize is wrong");
        std::string header;
        encodePublishHeader(version, *pub, pub->payload.size(), header);
        header.append(pub->payload);
        check(header == wire, "encodePublishHeader + payload differs from encodePacket");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const auto version = static_cast<ProtocolVersion>(3 + (data[0] & 0x7F) % 3);
    const DecodeOptions options{.strict_mode = (data[0] & 0x80) != 0};
    std::span<const uint8_t> rest(data + 1, size - 1);
    while (!rest.empty()) {
        FixedHeader h;
        ProtocolError err;
        const FrameStatus st = readFixedHeader(rest, 0xFFFFFFFF, h, err);
        if (st == FrameStatus::Invalid) {
            check(!err.detail.empty(), "Invalid without an error");
            break;
        }
        if (st == FrameStatus::NeedMore) break;
        check(h.header_size >= 2 && h.header_size <= 5, "bad header size");

        // The same header against a small limit must be rejected iff it is over it.
        FixedHeader small;
        ProtocolError small_err;
        const FrameStatus small_st = readFixedHeader(rest, 64, small, small_err);
        if (h.packetSize() > 64) {
            check(small_st == FrameStatus::Invalid && small_err.code == ReasonCode::PacketTooLarge,
                  "max_packet_size not enforced");
        } else {
            check(small_st == FrameStatus::Ready && small.packetSize() == h.packetSize(), "limit changed framing");
        }

        if (h.packetSize() > rest.size()) break;
        Packet packet;
        if (decodePacket(version, h, rest.subspan(h.header_size, h.remaining_length), packet, err, options)) {
            roundTrip(version, options, packet);
        } else {
            check(!err.detail.empty(), "decode failed without an error");
        }
        rest = rest.subspan(h.packetSize());
    }
    return 0;
}
