#pragma once
// The daemon's one wall clock: milliseconds since the Unix epoch, for what
// users read as times (connected_at, created_at, trace and license dates,
// message timestamps). Deadlines do not use it: each loop times them with its
// monotonic clock (uv_now), so a clock step cannot fire or stall them.
#include <chrono>
#include <cstdint>

namespace emqx {

inline int64_t wallClockMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace emqx
