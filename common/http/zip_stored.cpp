#include "common/http/zip_stored.h"

#include <zlib.h>

#include <ctime>

namespace emqx::http {

namespace {

void u16(std::string& out, uint32_t v) {
    out += static_cast<char>(v & 0xFF);
    out += static_cast<char>((v >> 8) & 0xFF);
}

void u32(std::string& out, uint32_t v) {
    u16(out, v & 0xFFFF);
    u16(out, v >> 16);
}

struct DosTime {
    uint16_t time;
    uint16_t date;
};

DosTime dosTime(int64_t wall_ms) {
    std::time_t t = static_cast<std::time_t>(wall_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    if (tm.tm_year < 80) return {0, (1 << 5) | 1};  // before 1980, zip's epoch: 1980-01-01
    return {static_cast<uint16_t>((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2)),
            static_cast<uint16_t>(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday)};
}

// The fields a local header and its central directory entry share, from
// "version needed" to the name's length.
void commonFields(std::string& out, std::string_view name, uint32_t crc, uint32_t size, DosTime when) {
    u16(out, 20);  // version needed: 2.0
    u16(out, 0);   // flags
    u16(out, 0);   // method: stored
    u16(out, when.time);
    u16(out, when.date);
    u32(out, crc);
    u32(out, size);  // compressed
    u32(out, size);  // uncompressed
    u16(out, static_cast<uint32_t>(name.size()));
}

}  // namespace

uint32_t crc32(std::string_view bytes) {
    return static_cast<uint32_t>(
        ::crc32_z(::crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(bytes.data()), bytes.size()));
}

std::string zipOneStored(std::string_view name, std::string_view data, int64_t wall_ms) {
    uint32_t crc = crc32(data);
    auto size = static_cast<uint32_t>(data.size());
    DosTime when = dosTime(wall_ms);
    std::string out;
    out.reserve(data.size() + 2 * name.size() + 100);
    u32(out, 0x04034b50);  // local file header
    commonFields(out, name, crc, size, when);
    u16(out, 0);  // extra field length
    out += name;
    out += data;
    auto central_at = static_cast<uint32_t>(out.size());
    u32(out, 0x02014b50);  // central directory entry
    u16(out, 20);          // version made by: 2.0, MS-DOS attributes
    commonFields(out, name, crc, size, when);
    u16(out, 0);  // extra field length
    u16(out, 0);  // comment length
    u16(out, 0);  // disk number
    u16(out, 0);  // internal attributes
    u32(out, 0);  // external attributes
    u32(out, 0);  // the local header's offset
    out += name;
    auto central_size = static_cast<uint32_t>(out.size()) - central_at;
    u32(out, 0x06054b50);  // end of central directory
    u16(out, 0);           // this disk
    u16(out, 0);           // the central directory's disk
    u16(out, 1);           // entries on this disk
    u16(out, 1);           // entries
    u32(out, central_size);
    u32(out, central_at);
    u16(out, 0);  // comment length
    return out;
}

}  // namespace emqx::http
