#pragma once
// Reads the banned clients back at start; bans that ended while the broker was
// down are deleted from the store instead.
#include <cstdint>
#include <string>
#include <vector>

#include "emqxd/auth/banned.h"
#include "emqxd/storage/durable_store.h"

namespace emqx::storage {

struct LoadedBans {
    std::vector<auth::BanEntry> bans;
    size_t expired = 0;
};

// False with `error` (naming the record) when a record does not decode: damage.
bool loadBans(DurableStore& store, int64_t now_ms, LoadedBans& out, std::string& error);

}  // namespace emqx::storage
