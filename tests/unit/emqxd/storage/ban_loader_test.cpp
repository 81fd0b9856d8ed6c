// Bans in a real RocksDB store: written through Banned, read back at start,
// ended ones removed, a damaged record reported; a writer can wait for its commit.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <rocksdb/db.h>

#include "emqxd/auth/banned.h"
#include "emqxd/storage/ban_loader.h"
#include "emqxd/storage/ban_record.h"
#include "emqxd/storage/durable_store.h"
#include "tests/unit/emqxd/storage/temp_store.h"

using namespace emqx;
using emqx::test::TempStore;

namespace {}  // namespace

TEST_CASE("storage: bans written through Banned come back; ended and deleted ones do not", "[storage][banned]") {
    TempStore t(storage::FsyncMode::Batch);
    const int64_t now = 1'000'000;
    {
        auth::Banned banned;
        banned.persistTo(t.store.get());
        CHECK(banned.add({"clientid", "forever", "", "emqxctl", now, 0}) > 0);
        banned.add({"username", "later", "r", "emqxctl", now, now + 60'000});
        banned.add({"peerhost", "10.0.0.1", "", "flapping_detect", now, now + 10});
        banned.add({"clientid", "lifted", "", "emqxctl", now, 0});
        uint64_t seq = 0;
        CHECK(banned.remove("clientid", "lifted", seq));
        CHECK(seq > 0);
        banned.persistTo(nullptr);
        banned.add({"clientid", "memory-only", "", "emqxctl", now, 0});  // not written
    }
    t.reopen();
    storage::LoadedBans loaded;
    std::string error;
    REQUIRE(storage::loadBans(*t.store, now + 1000, loaded, error));
    CHECK(loaded.expired == 1);
    REQUIRE(loaded.bans.size() == 2);
    CHECK(loaded.bans[0].who == "forever");  // key order: clientid < username
    CHECK(loaded.bans[1].who == "later");
    CHECK(loaded.bans[1].reason == "r");
    CHECK(loaded.bans[1].until_ms == now + 60'000);

    t.reopen();  // the ended one was deleted at the first load
    storage::LoadedBans again;
    REQUIRE(storage::loadBans(*t.store, now + 1000, again, error));
    CHECK(again.expired == 0);
    CHECK(again.bans.size() == 2);

    // Restored bans refuse; they are not written again, and expiring one deletes it.
    auth::Banned banned;
    banned.restore(std::move(again.bans));
    banned.persistTo(t.store.get());
    CHECK(banned.isBanned("forever", "", "", now + 1000));
    CHECK(banned.isBanned("x", "later", "", now + 1000));
    CHECK_FALSE(banned.isBanned("x", "later", "", now + 60'000));  // ended: dropped, and deleted from the store
    banned.persistTo(nullptr);
    t.reopen();
    storage::LoadedBans last;
    REQUIRE(storage::loadBans(*t.store, now, last, error));
    REQUIRE(last.bans.size() == 1);
    CHECK(last.bans[0].who == "forever");
}

TEST_CASE("storage: a ban record that does not decode is damage", "[storage][banned]") {
    TempStore t(storage::FsyncMode::Batch);
    t.store->banSaved({"clientid", "ok", "", "emqxctl", 1, 0});
    t.store->close();
    t.store.reset();
    {
        // Damage one record behind the store's back.
        rocksdb::DBOptions opts;
        std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
        for (const char* n : {"default", "retained", "sessions", "session_messages", "banned", "users"})
            cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
        std::vector<rocksdb::ColumnFamilyHandle*> handles;
        rocksdb::DB* db = nullptr;
        REQUIRE(rocksdb::DB::Open(opts, t.dir, cfs, &handles, &db).ok());
        REQUIRE(db->Put(rocksdb::WriteOptions(), handles[4], storage::banKey("clientid", "bad"), "\x01garbage").ok());
        for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
        delete db;
    }
    t.reopen();
    storage::LoadedBans loaded;
    std::string error;
    CHECK_FALSE(storage::loadBans(*t.store, 2, loaded, error));
    CHECK(error.find("clientid bad") != std::string::npos);
}

TEST_CASE("storage: whenCommitted runs after the commit that covers the write", "[storage][banned]") {
    TempStore t(storage::FsyncMode::Batch);
    uint64_t seq = t.store->banSaved({"clientid", "c", "", "emqxctl", 1, 0});
    std::atomic<bool> ran{false};
    t.store->whenCommitted(seq, [&] {
        CHECK(t.store->committedSeq() >= seq);
        ran = true;
    });
    for (int i = 0; i < 500 && !ran; ++i) ::usleep(10'000);
    CHECK(ran);
    bool now = false;
    t.store->whenCommitted(seq, [&] { now = true; });  // already committed: at once, on this thread
    CHECK(now);
}
