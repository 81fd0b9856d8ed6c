// Ban records: the key and value round-trip; damage is refused, never guessed at.
#include <catch2/catch.hpp>

#include "emqxd/storage/ban_record.h"

using namespace emqx;

TEST_CASE("storage: a ban round-trips through its key and record", "[storage][banned]") {
    auth::BanEntry e{"clientid", "evil/one", "spam", "emqxctl", 1700000000123, 1700000360123};
    auth::BanEntry back;
    REQUIRE(storage::decodeBan(storage::banKey(e.as, e.who), storage::encodeBan(e), back));
    CHECK(back.as == e.as);
    CHECK(back.who == e.who);
    CHECK(back.reason == e.reason);
    CHECK(back.by == e.by);
    CHECK(back.at_ms == e.at_ms);
    CHECK(back.until_ms == e.until_ms);

    auth::BanEntry forever{"peerhost", "::1", "", "flapping_detect", 5, 0};
    REQUIRE(storage::decodeBan(storage::banKey(forever.as, forever.who), storage::encodeBan(forever), back));
    CHECK(back.who == "::1");
    CHECK(back.reason.empty());
    CHECK(back.until_ms == 0);
    CHECK(storage::banKey("username", "u") == std::string("username\0u", 10));
}

TEST_CASE("storage: a damaged ban record or key is refused", "[storage][banned]") {
    auth::BanEntry e{"username", "mallory", "r", "emqxctl", 1, 2};
    std::string key = storage::banKey(e.as, e.who), value = storage::encodeBan(e);
    auth::BanEntry out;
    for (size_t n = 0; n < value.size(); ++n) CHECK_FALSE(storage::decodeBan(key, value.substr(0, n), out));
    CHECK_FALSE(storage::decodeBan(key, value + "x", out));  // trailing bytes
    std::string v2 = value;
    v2[0] = 2;  // an unknown version
    CHECK_FALSE(storage::decodeBan(key, v2, out));
    CHECK_FALSE(storage::decodeBan("username", value, out));                        // no separator
    CHECK_FALSE(storage::decodeBan(storage::banKey("username", ""), value, out));   // nobody
    CHECK_FALSE(storage::decodeBan(storage::banKey("nickname", "x"), value, out));  // not clientid|username|peerhost
}
