#include "emqxd/storage/ban_record.h"

#include "emqxd/storage/record_io.h"

namespace emqx::storage {

namespace {
constexpr uint8_t kBanVersion = 1;
}

std::string banKey(std::string_view as, std::string_view who) {
    std::string key;
    key.reserve(as.size() + 1 + who.size());
    key.append(as);
    key.push_back('\0');
    key.append(who);
    return key;
}

std::string encodeBan(const auth::BanEntry& e) {
    std::string out;
    Writer w(out);
    w.u8(kBanVersion);
    w.bytes(e.reason);
    w.bytes(e.by);
    w.u64(static_cast<uint64_t>(e.at_ms));
    w.u64(static_cast<uint64_t>(e.until_ms));
    return out;
}

bool decodeBan(std::string_view key, std::string_view value, auth::BanEntry& out) {
    size_t nul = key.find('\0');
    if (nul == std::string_view::npos || nul + 1 == key.size()) return false;
    out.as.assign(key.substr(0, nul));
    out.who.assign(key.substr(nul + 1));
    if (!auth::Banned::validAs(out.as)) return false;
    Reader r(value);
    uint8_t version;
    return r.u8(version) && version == kBanVersion && r.bytes(out.reason) && r.bytes(out.by) && r.i64(out.at_ms) &&
           r.i64(out.until_ms) && out.until_ms >= 0 && r.atEnd();
}

}  // namespace emqx::storage
