#pragma once
// Appending MQTT data types (spec 1.5) to a std::string output buffer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace emqx::mqtt {

// Bytes a Variable Byte Integer of `v` takes (1..4; values above 268435455 are
// not representable and count as 4, the encoder truncates them).
inline size_t varintSize(uint32_t v) {
    if (v < 128) return 1;
    if (v < 16384) return 2;
    if (v < 2097152) return 3;
    return 4;
}

class ByteWriter {
public:
    explicit ByteWriter(std::string& out) : out_(out) {}

    void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u16(uint16_t v) {
        u8(static_cast<uint8_t>(v >> 8));
        u8(static_cast<uint8_t>(v));
    }
    void u32(uint32_t v) {
        u8(static_cast<uint8_t>(v >> 24));
        u8(static_cast<uint8_t>(v >> 16));
        u8(static_cast<uint8_t>(v >> 8));
        u8(static_cast<uint8_t>(v));
    }
    void varint(uint32_t v) {
        for (int i = 0; i < 4; ++i) {
            uint8_t b = v & 0x7F;
            v >>= 7;
            if (v != 0 && i < 3) {
                u8(b | 0x80);
            } else {
                u8(b);
                return;
            }
        }
    }
    // Two-byte length prefix and the bytes. MQTT strings hold at most 65535
    // bytes; longer input is truncated so the framing stays intact.
    void string(std::string_view s) {
        if (s.size() > 0xFFFF) s = s.substr(0, 0xFFFF);
        u16(static_cast<uint16_t>(s.size()));
        raw(s);
    }
    void raw(std::string_view s) { out_.append(s.data(), s.size()); }

private:
    std::string& out_;
};

// Encoded size of a length-prefixed string, consistent with ByteWriter::string.
inline size_t stringSize(std::string_view s) { return 2 + (s.size() > 0xFFFF ? 0xFFFF : s.size()); }

}  // namespace emqx::mqtt
