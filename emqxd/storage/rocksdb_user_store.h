#pragma once
// The built-in database's users in the durable store (column family `users`),
// used instead of users.json when durable storage is on. An in-memory map
// answers find() (every CONNECT with a username); each change is written
// through and put()/erase() return once it is committed, as FileUserStore
// returns once its file is in place. Any thread.
#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "emqxd/auth/user_store.h"

namespace emqx::storage {
class DurableStore;
}

namespace emqx::auth {

class RocksDbUserStore final : public MemoryBackedUserStore {
public:
    // At start (from BrokerApp::loadDurable): every user in the store; false
    // with `error` when a record does not decode (damage).
    static bool read(storage::DurableStore& store, std::vector<UserRecord>& out, std::string& error);

    RocksDbUserStore(std::shared_ptr<storage::DurableStore> store, std::vector<UserRecord> users);

    bool put(const UserRecord& user, std::string& error) override;
    bool erase(const std::string& user_id, std::string& error) override;

    // Once: the users of a users.json (written with durable.enable = false, or
    // by an emqxd before this store) that are not here yet are imported, and
    // the file is renamed to users.json.imported. No file: nothing to do.
    bool importFile(const std::string& path, size_t& imported, std::string& error);

private:
    void waitForCommit(uint64_t seq);

    std::shared_ptr<storage::DurableStore> store_;
};

}  // namespace emqx::auth
