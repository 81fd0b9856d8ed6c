// Banned without and with a sink: memory only, or every change written
// through in order (also when an entry ends); restore() does not write.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "emqxd/auth/banned.h"

using namespace emqx::auth;

namespace {

struct RecordingSink final : BanSink {
    std::vector<std::string> ops;
    uint64_t seq = 0;
    uint64_t banSaved(const BanEntry& e) override {
        ops.push_back("put " + e.as + " " + e.who);
        return ++seq;
    }
    uint64_t banDeleted(const std::string& as, const std::string& who) override {
        ops.push_back("del " + as + " " + who);
        return ++seq;
    }
};

}  // namespace

TEST_CASE("banned: memory only without a sink", "[auth][banned]") {
    Banned b;
    CHECK(b.add({"clientid", "c", "", "emqxctl", 0, 0}) == 0);
    CHECK(b.isBanned("c", "", "", 1));
    uint64_t seq = 1;
    CHECK(b.remove("clientid", "c", seq));
    CHECK(seq == 0);
    CHECK_FALSE(b.remove("clientid", "c", seq));
    CHECK_FALSE(b.isBanned("c", "", "", 1));
}

TEST_CASE("banned: changes and endings are written through; restored bans are not", "[auth][banned]") {
    Banned b;
    RecordingSink sink;
    b.restore({{"username", "old", "", "emqxctl", 0, 0}});
    b.persistTo(&sink);
    CHECK(sink.ops.empty());
    CHECK(b.isBanned("x", "old", "", 5));
    CHECK(b.add({"clientid", "c", "", "emqxctl", 0, 100}) == 1);
    CHECK(b.add({"peerhost", "1.2.3.4", "", "flapping_detect", 0, 200}) == 2);
    uint64_t seq = 0;
    CHECK(b.remove("username", "old", seq));
    CHECK(seq == 3);
    CHECK_FALSE(b.isBanned("c", "", "", 100));  // ended
    CHECK(b.list(200).empty());                 // the other one ended too
    CHECK(sink.ops == std::vector<std::string>{"put clientid c", "put peerhost 1.2.3.4", "del username old",
                                               "del clientid c", "del peerhost 1.2.3.4"});
    b.persistTo(nullptr);
    b.add({"clientid", "d", "", "emqxctl", 0, 0});
    CHECK(sink.ops.size() == 5);
}
