#pragma once
// A zip archive of one file, deflated, made in memory by libzip: what
// GET /api/v5/trace/{name}/download answers, as EMQX answers a zip of the
// trace's log.
#include <cstdint>
#include <string>
#include <string_view>

namespace emqx::http {

// The archive holding `data` as `name`, modified at `wall_ms` (zip keeps the
// local time, to 2 seconds). Throws std::runtime_error with libzip's reason
// when the archive cannot be made (out of memory).
std::string zipOneFile(std::string_view name, std::string_view data, int64_t wall_ms);

}  // namespace emqx::http
