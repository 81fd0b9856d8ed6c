#include "emqxd/storage/ban_loader.h"

#include <algorithm>

#include "emqxd/storage/ban_record.h"

namespace emqx::storage {

bool loadBans(DurableStore& store, int64_t now_ms, LoadedBans& out, std::string& error) {
    std::vector<std::string> ended;
    bool ok = store.forEachBan(
        [&](std::string_view key, std::string_view value) {
            auth::BanEntry e;
            if (!decodeBan(key, value, e)) {
                std::string shown(key);
                std::replace(shown.begin(), shown.end(), '\0', ' ');
                error = store.dir() + ": the banned record '" + shown + "' does not decode";
                return false;
            }
            if (e.until_ms != 0 && e.until_ms <= now_ms) ended.emplace_back(key);
            else out.bans.push_back(std::move(e));
            return true;
        },
        error);
    if (!ok) return false;  // a damaged store is left as it is
    for (const auto& key : ended) store.deleteBan(key);
    out.expired = ended.size();
    return true;
}

}  // namespace emqx::storage
