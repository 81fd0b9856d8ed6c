#pragma once
// A ban as the durable store keeps it (column family `banned`): the key is
// `as` + '\0' + `who` (MQTT strings never hold U+0000, and `as` is one of
// three words), the value a versioned record of the rest. A record that does
// not decode is damage (the caller reports it, never guesses).
#include <string>
#include <string_view>

#include "emqxd/auth/banned.h"

namespace emqx::storage {

std::string banKey(std::string_view as, std::string_view who);
std::string encodeBan(const auth::BanEntry& e);
// False when the key or the value is not a ban's.
bool decodeBan(std::string_view key, std::string_view value, auth::BanEntry& out);

}  // namespace emqx::storage
