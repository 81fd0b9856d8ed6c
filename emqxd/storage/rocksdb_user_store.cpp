#include "emqxd/storage/rocksdb_user_store.h"

#include <algorithm>
#include <filesystem>
#include <future>
#include <mutex>

#include "emqxd/storage/durable_store.h"
#include "emqxd/storage/user_record.h"

namespace emqx::auth {

bool RocksDbUserStore::read(storage::DurableStore& store, std::vector<UserRecord>& out, std::string& error) {
    return store.forEachUser(
        [&](std::string_view id, std::string_view value) {
            UserRecord u;
            if (!storage::decodeUser(id, value, u)) {
                error = store.dir() + ": the user record '" + std::string(id) + "' does not decode";
                return false;
            }
            out.push_back(std::move(u));
            return true;
        },
        error);
}

RocksDbUserStore::RocksDbUserStore(std::shared_ptr<storage::DurableStore> store, std::vector<UserRecord> users)
    : store_(std::move(store)) {
    for (UserRecord& u : users) {
        std::string id = u.user_id;
        users_.emplace(std::move(id), std::move(u));
    }
}

void RocksDbUserStore::waitForCommit(uint64_t seq) {
    // Blocks the caller (emqxctl users on the control loop, bootstrap at
    // start) for one group commit: a few milliseconds, like an fsync.
    std::promise<void> committed;
    store_->whenCommitted(seq, [&committed] { committed.set_value(); });
    committed.get_future().wait();
}

bool RocksDbUserStore::put(const UserRecord& user, std::string&) {
    uint64_t seq;
    {
        // Memory and store change under one lock: the same order in both.
        std::unique_lock lock(mutex_);
        users_[user.user_id] = user;
        seq = store_->putUser(user.user_id, storage::encodeUser(user));
    }
    waitForCommit(seq);
    return true;
}

bool RocksDbUserStore::erase(const std::string& user_id, std::string&) {
    uint64_t seq;
    {
        std::unique_lock lock(mutex_);
        if (users_.erase(user_id) == 0) return false;
        seq = store_->deleteUser(user_id);
    }
    waitForCommit(seq);
    return true;
}

bool RocksDbUserStore::importFile(const std::string& path, size_t& imported, std::string& error) {
    namespace fs = std::filesystem;
    imported = 0;
    std::error_code ec;
    if (!fs::exists(path, ec)) return true;
    FileUserStore file(path);
    if (!file.open(error)) return false;
    for (const UserRecord& u : file.list()) {
        if (find(u.user_id)) continue;  // the store's own is newer
        if (!put(u, error)) return false;
        ++imported;
    }
    fs::rename(path, path + ".imported", ec);
    if (ec) {
        error = "cannot rename " + path + " to " + path + ".imported after importing it: " + ec.message();
        return false;
    }
    return true;
}

}  // namespace emqx::auth
