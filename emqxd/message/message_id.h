#pragma once
// How a message id is shown (EMQX's GUIDs as emqx_guid:to_hexstr writes
// them): 32 upper-case hex digits, the high half first.
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <string>

namespace emqx {

inline std::string messageIdHex(uint64_t high, uint64_t low) {
    char id[33];
    std::snprintf(id, sizeof id, "%016" PRIX64 "%016" PRIX64, high, low);
    return id;
}

}  // namespace emqx
