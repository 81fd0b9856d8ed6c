#pragma once
// A zip archive (PKWARE APPNOTE 6.3) of one file, stored without
// compression: what GET /api/v5/trace/{name}/download answers, as EMQX
// answers a zip of the trace's log. Pure code.
#include <cstdint>
#include <string>
#include <string_view>

namespace emqx::http {

// CRC-32 (IEEE 802.3, the zip and gzip one), zlib's.
uint32_t crc32(std::string_view bytes);

// The archive holding `data` as `name`, modified at `wall_ms` (UTC; zip keeps
// local DOS time to 2 seconds). `data` must be under 4 GiB (no zip64).
std::string zipOneStored(std::string_view name, std::string_view data, int64_t wall_ms);

}  // namespace emqx::http
