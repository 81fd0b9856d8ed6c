#include "emqxd/storage/user_record.h"

#include "emqxd/storage/record_io.h"

namespace emqx::storage {

namespace {
constexpr uint8_t kUserVersion = 1;
}

std::string encodeUser(const auth::UserRecord& u) {
    std::string out;
    Writer w(out);
    w.u8(kUserVersion);
    w.bytes(u.password_hash);
    w.bytes(u.salt);
    w.u8(u.is_superuser ? 1 : 0);
    return out;
}

bool decodeUser(std::string_view user_id, std::string_view value, auth::UserRecord& out) {
    if (user_id.empty()) return false;
    out.user_id.assign(user_id);
    Reader r(value);
    uint8_t version, superuser;
    if (!r.u8(version) || version != kUserVersion || !r.bytes(out.password_hash) || !r.bytes(out.salt) ||
        !r.u8(superuser) || superuser > 1 || !r.atEnd())
        return false;
    out.is_superuser = superuser == 1;
    return true;
}

}  // namespace emqx::storage
