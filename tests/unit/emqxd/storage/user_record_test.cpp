// User records: round trip; damage is refused.
#include <catch2/catch.hpp>

#include "emqxd/storage/user_record.h"

using namespace emqx;

TEST_CASE("storage: a user round-trips", "[storage][users]") {
    auth::UserRecord u{"alice", "$2b$10$abcdefghijklmnopqrstuuP9yN0Uq3bQ2Y0mUoQ3N9kq1GmK8Xo6", "", true};
    auth::UserRecord back;
    REQUIRE(storage::decodeUser(u.user_id, storage::encodeUser(u), back));
    CHECK(back.user_id == "alice");
    CHECK(back.password_hash == u.password_hash);
    CHECK(back.salt.empty());
    CHECK(back.is_superuser);
    auth::UserRecord salted{"bob", "0a1b", "cafe", false};
    REQUIRE(storage::decodeUser("bob", storage::encodeUser(salted), back));
    CHECK(back.salt == "cafe");
    CHECK_FALSE(back.is_superuser);
}

TEST_CASE("storage: a damaged user record is refused", "[storage][users]") {
    std::string v = storage::encodeUser({"u", "hash", "salt", false});
    auth::UserRecord out;
    for (size_t n = 0; n < v.size(); ++n) CHECK_FALSE(storage::decodeUser("u", v.substr(0, n), out));
    CHECK_FALSE(storage::decodeUser("u", v + "x", out));
    CHECK_FALSE(storage::decodeUser("", v, out));
    std::string bad = v;
    bad.back() = 2;  // is_superuser neither 0 nor 1
    CHECK_FALSE(storage::decodeUser("u", bad, out));
    bad = v;
    bad[0] = 9;  // unknown version
    CHECK_FALSE(storage::decodeUser("u", bad, out));
}
