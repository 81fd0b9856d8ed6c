// Users in a real RocksDB store: changes are committed when put/erase return,
// read back after a reopen; a users.json is imported once and renamed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "emqxd/storage/durable_store.h"
#include "emqxd/storage/rocksdb_user_store.h"
#include "tests/unit/temp_dir.h"

using namespace emqx;

namespace {

// The durable store of a test, in its own temporary directory.
std::shared_ptr<storage::DurableStore> openStore(const test::TempDir& tmp) {
    std::string error;
    storage::DurableStore::OpenFailure failure;
    std::shared_ptr<storage::DurableStore> s(
        storage::DurableStore::open((tmp.dir / "rocksdb").string(), storage::FsyncMode::Batch, error, failure));
    REQUIRE(s);
    return s;
}

std::vector<auth::UserRecord> readAll(storage::DurableStore& s) {
    std::vector<auth::UserRecord> users;
    std::string error;
    REQUIRE(auth::RocksDbUserStore::read(s, users, error));
    return users;
}

}  // namespace

TEST_CASE("rocksdb users: put and erase are committed when they return", "[auth][users]") {
    test::TempDir t;
    auto s = openStore(t);
    auth::RocksDbUserStore users(s, {});
    std::string error;
    REQUIRE(users.put({"bob", "h1", "s1", false}, error));
    REQUIRE(users.put({"alice", "h2", "s2", true}, error));
    REQUIRE(users.put({"bob", "h3", "s3", false}, error));  // replaces
    CHECK(s->committedSeq() >= 3);
    REQUIRE(users.erase("alice", error));
    CHECK_FALSE(users.erase("nobody", error));
    CHECK(error.empty());
    REQUIRE(users.find("bob"));
    CHECK(users.find("bob")->password_hash == "h3");
    CHECK_FALSE(users.find("alice"));

    s->close();
    s = openStore(t);
    auto back = readAll(*s);
    REQUIRE(back.size() == 1);
    CHECK(back[0].user_id == "bob");
    CHECK(back[0].salt == "s3");
    auth::RocksDbUserStore again(s, std::move(back));
    REQUIRE(again.list().size() == 1);
}

TEST_CASE("rocksdb users: a users.json is imported once, the store's own users kept", "[auth][users]") {
    test::TempDir t;
    auto file = (t.dir / "users.json").string();
    std::ofstream(file) << R"({"users": [{"user_id": "old", "password_hash": "x", "salt": "y", "is_superuser": true},
                                         {"user_id": "kept", "password_hash": "from-file", "salt": ""}]})";
    auto s = openStore(t);
    auth::RocksDbUserStore users(s, {{"kept", "from-store", "", false}});
    size_t imported = 0;
    std::string error;
    REQUIRE(users.importFile(file, imported, error));
    CHECK(imported == 1);
    CHECK(users.find("old")->is_superuser);
    CHECK(users.find("kept")->password_hash == "from-store");
    CHECK_FALSE(std::filesystem::exists(file));
    CHECK(std::filesystem::exists(file + ".imported"));
    REQUIRE(users.importFile(file, imported, error));  // no file any more: nothing to do
    CHECK(imported == 0);
    s->close();
    s = openStore(t);
    CHECK(readAll(*s).size() == 1);  // only "old" was written: "kept" came from the caller, not the store
}
