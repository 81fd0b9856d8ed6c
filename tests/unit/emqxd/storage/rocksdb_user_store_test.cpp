// Users in a real RocksDB store: changes are committed when put/erase return,
// read back after a reopen; a users.json is imported once and renamed.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "emqxd/storage/durable_store.h"
#include "emqxd/storage/rocksdb_user_store.h"

using namespace emqx;

namespace {

struct TempDir {
    std::filesystem::path dir;
    TempDir() {
        dir = std::filesystem::temp_directory_path() /
              ("emqx-users-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
    }
    ~TempDir() { std::filesystem::remove_all(dir); }
    std::shared_ptr<storage::DurableStore> open() const {
        std::string error;
        storage::DurableStore::OpenFailure failure;
        std::shared_ptr<storage::DurableStore> s(
            storage::DurableStore::open((dir / "rocksdb").string(), storage::FsyncMode::Batch, error, failure));
        REQUIRE(s);
        return s;
    }
};

std::vector<auth::UserRecord> readAll(storage::DurableStore& s) {
    std::vector<auth::UserRecord> users;
    std::string error;
    REQUIRE(auth::RocksDbUserStore::read(s, users, error));
    return users;
}

}  // namespace

TEST_CASE("rocksdb users: put and erase are committed when they return", "[auth][users]") {
    TempDir t;
    auto s = t.open();
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
    s = t.open();
    auto back = readAll(*s);
    REQUIRE(back.size() == 1);
    CHECK(back[0].user_id == "bob");
    CHECK(back[0].salt == "s3");
    auth::RocksDbUserStore again(s, std::move(back));
    REQUIRE(again.list().size() == 1);
}

TEST_CASE("rocksdb users: a users.json is imported once, the store's own users kept", "[auth][users]") {
    TempDir t;
    auto file = (t.dir / "users.json").string();
    std::ofstream(file) << R"({"users": [{"user_id": "old", "password_hash": "x", "salt": "y", "is_superuser": true},
                                         {"user_id": "kept", "password_hash": "from-file", "salt": ""}]})";
    auto s = t.open();
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
    s = t.open();
    CHECK(readAll(*s).size() == 1);  // only "old" was written: "kept" came from the caller, not the store
}
