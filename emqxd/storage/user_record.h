#pragma once
// A built-in database user as the durable store keeps it (column family
// `users`): the key is the user id, the value a versioned record of the hash,
// the salt and is_superuser. Never the password (except with `plain`).
#include <string>
#include <string_view>

#include "emqxd/auth/user_store.h"

namespace emqx::storage {

std::string encodeUser(const auth::UserRecord& u);
// False when the key or the value is not a user's.
bool decodeUser(std::string_view user_id, std::string_view value, auth::UserRecord& out);

}  // namespace emqx::storage
