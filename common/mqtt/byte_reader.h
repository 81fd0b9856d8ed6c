#pragma once
// Bounds-checked reading of MQTT data types (spec 1.5): integers, variable byte
// integers, UTF-8 strings and binary data. Every read returns false instead of
// reading past the end; the caller turns that into a Malformed Packet error.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace emqx::mqtt {

// The length (1-4) of the well-formed UTF-8 character starting at s[i], or 0
// when none starts there: no overlong forms, no surrogates (U+D800..U+DFFF),
// nothing above U+10FFFF. U+0000 is well-formed.
inline size_t utf8CharLength(std::string_view s, size_t i) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    if (i >= n) return 0;
    const unsigned char c = p[i];
    if (c < 0x80) return 1;
    size_t len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;  // continuation byte, 0xC0/0xC1 (overlong) or 0xF5+ (> U+10FFFF)
    }
    if (n - i < len) return 0;
    for (size_t k = 1; k < len; ++k) {
        const unsigned char cc = p[i + k];
        if ((cc & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
    if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
    return len;
}

// A well-formed UTF-8 string as MQTT allows it (spec 1.5.4): well-formed
// characters, and no U+0000 unless `allow_nul` (for a field whose own rule
// refuses it with another reason code).
inline bool isValidMqttUtf8(std::string_view s, bool allow_nul = false) {
    for (size_t i = 0; i < s.size();) {
        size_t len = utf8CharLength(s, i);
        if (len == 0 || (s[i] == '\0' && !allow_nul)) return false;
        i += len;
    }
    return true;
}

class ByteReader {
public:
    explicit ByteReader(std::span<const uint8_t> data) : data_(data) {}

    size_t remaining() const { return data_.size() - pos_; }
    bool atEnd() const { return pos_ == data_.size(); }
    size_t position() const { return pos_; }

    bool u8(uint8_t& v) {
        if (remaining() < 1) return false;
        v = data_[pos_++];
        return true;
    }
    bool u16(uint16_t& v) {
        if (remaining() < 2) return false;
        v = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
        pos_ += 2;
        return true;
    }
    bool u32(uint32_t& v) {
        if (remaining() < 4) return false;
        v = (static_cast<uint32_t>(data_[pos_]) << 24) | (static_cast<uint32_t>(data_[pos_ + 1]) << 16) |
            (static_cast<uint32_t>(data_[pos_ + 2]) << 8) | static_cast<uint32_t>(data_[pos_ + 3]);
        pos_ += 4;
        return true;
    }
    // Variable Byte Integer (spec 1.5.5): at most 4 bytes, value <= 268435455.
    bool varint(uint32_t& v) {
        uint32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            uint8_t b;
            if (!u8(b)) return false;
            value |= static_cast<uint32_t>(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                v = value;
                return true;
            }
        }
        return false;  // a fifth byte would be needed
    }
    // `n` raw bytes as a view into the underlying buffer.
    bool bytes(size_t n, std::string_view& v) {
        if (remaining() < n) return false;
        v = std::string_view(reinterpret_cast<const char*>(data_.data() + pos_), n);
        pos_ += n;
        return true;
    }
    // Two-byte length prefix followed by that many bytes, unchecked (Binary Data).
    bool binary(std::string_view& v) {
        uint16_t len;
        return u16(len) && bytes(len, v);
    }
    // Binary data, but also false on bytes that are not MQTT UTF-8.
    bool utf8(std::string_view& v) { return binary(v) && isValidMqttUtf8(v); }
    bool binary(std::string& v) {
        std::string_view sv;
        if (!binary(sv)) return false;
        v.assign(sv);
        return true;
    }
    bool utf8(std::string& v) {
        std::string_view sv;
        if (!utf8(sv)) return false;
        v.assign(sv);
        return true;
    }
    // The rest of the data as a view.
    std::string_view rest() {
        std::string_view v(reinterpret_cast<const char*>(data_.data() + pos_), remaining());
        pos_ = data_.size();
        return v;
    }
    // A sub-reader over the next n bytes (advances past them).
    bool sub(size_t n, ByteReader& out) {
        if (remaining() < n) return false;
        out = ByteReader(data_.subspan(pos_, n));
        pos_ += n;
        return true;
    }

private:
    std::span<const uint8_t> data_;
    size_t pos_ = 0;
};

}  // namespace emqx::mqtt
