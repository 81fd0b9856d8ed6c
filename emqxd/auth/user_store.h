#pragma once
// The built-in database's users behind a small interface, so the store can
// move (e.g. to RocksDB) without touching the authenticator. Any thread may
// call any method.
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "emqxd/auth/password_hash.h"

namespace emqx::auth {

struct UserRecord {
    std::string user_id;
    std::string password_hash;
    std::string salt;
    bool is_superuser = false;
};

class UserStore {
public:
    virtual ~UserStore() = default;
    virtual std::optional<UserRecord> find(const std::string& user_id) const = 0;
    // Inserts or replaces; false (with `error`) when it cannot be stored.
    virtual bool put(const UserRecord& user, std::string& error) = 0;
    // False when there was no such user (error empty) or it cannot be stored.
    virtual bool erase(const std::string& user_id, std::string& error) = 0;
    virtual std::vector<UserRecord> list() const = 0;
};

// Every user in one JSON file, rewritten whole on each change (temp file,
// fsync, rename over): a crash leaves the old or the new file, never half.
// The users in memory behind a reader/writer lock, answering find() and
// list(); the stores below add where each change is kept.
class MemoryBackedUserStore : public UserStore {
public:
    std::optional<UserRecord> find(const std::string& user_id) const override;
    std::vector<UserRecord> list() const override;

protected:
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, UserRecord> users_;
};

class FileUserStore final : public MemoryBackedUserStore {
public:
    explicit FileUserStore(std::string path) : path_(std::move(path)) {}
    // Reads the file if it exists; false with `error` when it cannot be read.
    bool open(std::string& error);

    bool put(const UserRecord& user, std::string& error) override;
    bool erase(const std::string& user_id, std::string& error) override;

private:
    bool saveLocked(std::string& error) const;

    std::string path_;
};

// Imports a bootstrap file (EMQX's bootstrap_file): CSV with a header line
// (plain: user_id,password,is_superuser; hash: user_id,password_hash,salt,is_superuser)
// or a JSON array of objects with the same keys. Users already in the store
// are left as they are. Returns false with `error` (naming the line) on a bad file.
bool importBootstrap(UserStore& store, const std::string& path, bool plain, const HashAlgorithm& algo, size_t& imported,
                     std::string& error);

}  // namespace emqx::auth
