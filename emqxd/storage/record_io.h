#pragma once
// The building blocks of durable records (record_codec.cpp, ban_record.cpp):
// fixed-width little-endian integers and u32-length-prefixed byte strings
// (payloads may be larger than MQTT's 64 KiB strings). A Reader returns false
// on anything short or malformed; it never reads past its input.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace emqx::storage {

class Writer {
public:
    explicit Writer(std::string& out) : out_(out) {}
    void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u16(uint16_t v) { fixed(v, 2); }
    void u32(uint32_t v) { fixed(v, 4); }
    void u64(uint64_t v) { fixed(v, 8); }
    void bytes(std::string_view s) {
        u32(static_cast<uint32_t>(s.size()));
        out_.append(s.data(), s.size());
    }

private:
    void fixed(uint64_t v, int n) {
        for (int i = 0; i < n; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    }
    std::string& out_;
};

class Reader {
public:
    explicit Reader(std::string_view d) : d_(d) {}
    bool u8(uint8_t& v) {
        uint64_t x;
        if (!fixed(x, 1)) return false;
        v = static_cast<uint8_t>(x);
        return true;
    }
    bool u16(uint16_t& v) {
        uint64_t x;
        if (!fixed(x, 2)) return false;
        v = static_cast<uint16_t>(x);
        return true;
    }
    bool u32(uint32_t& v) {
        uint64_t x;
        if (!fixed(x, 4)) return false;
        v = static_cast<uint32_t>(x);
        return true;
    }
    bool u64(uint64_t& v) { return fixed(v, 8); }
    bool i64(int64_t& v) {
        uint64_t x;
        if (!fixed(x, 8)) return false;
        v = static_cast<int64_t>(x);
        return true;
    }
    bool bytes(std::string_view& s) {
        uint32_t n;
        if (!u32(n) || d_.size() - pos_ < n) return false;
        s = d_.substr(pos_, n);
        pos_ += n;
        return true;
    }
    bool bytes(std::string& s) {
        std::string_view v;
        if (!bytes(v)) return false;
        s.assign(v);
        return true;
    }
    bool atEnd() const { return pos_ == d_.size(); }

private:
    bool fixed(uint64_t& v, int n) {
        if (d_.size() - pos_ < static_cast<size_t>(n)) return false;
        v = 0;
        for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(d_[pos_ + i])) << (8 * i);
        pos_ += static_cast<size_t>(n);
        return true;
    }
    std::string_view d_;
    size_t pos_ = 0;
};

}  // namespace emqx::storage
