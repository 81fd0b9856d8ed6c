#pragma once
// The HTTP API's keys (EMQX 5's API keys): a name, a public api_key and a
// secret that is stored only as a salted SHA-256 (EMQX's hash, through
// password_hash.h; compared in constant time). Keys come from
// api_key.bootstrap_file at start and from `emqxctl api_keys add` /
// POST /api/v5/api_key at run time; those are kept in
// <data_dir>/api_keys.json (mode 0600) and survive a restart. There is no
// default key. Owner: the control loop (the HTTP server and the ctl commands
// run there); nothing else touches it.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emqxd/auth/password_hash.h"

namespace emqx::auth {

struct ApiKey {
    std::string name;
    std::string api_key;
    std::string desc;
    std::string role;
    bool enable = true;
    int64_t created_at_s = 0;  // unix seconds
    int64_t expired_at_s = 0;  // unix seconds; 0: never (EMQX's "infinity")
    bool from_bootstrap = false;
};

class ApiKeyStore {
public:
    static constexpr size_t kMaxKeys = 100;  // EMQX's limit

    // `path`: the file keys made at run time are kept in.
    explicit ApiKeyStore(std::string path);

    // Reads the kept keys, then `bootstrap_file` ("" for none), whose keys
    // replace a kept key with the same api_key (EMQX's rule: the file wins).
    // A file that cannot be read or a bad line: false with the file, the line
    // and why.
    bool load(const std::string& bootstrap_file, int64_t now_s, std::string& error);

    // The key whose api_key and secret these are, when it is enabled and not
    // expired; null otherwise.
    const ApiKey* authenticate(std::string_view api_key, std::string_view secret, int64_t now_s) const;

    std::vector<ApiKey> list() const;  // by name
    const ApiKey* find(const std::string& name) const;

    // A new key `name` with a random secret, which is returned (and shown
    // once: only its hash is kept). nullopt with EMQX's reason when the name
    // or role is invalid, the name is taken, there are kMaxKeys keys already,
    // or the file cannot be written.
    std::optional<std::string> create(const std::string& name, const std::string& desc, const std::string& role,
                                      int64_t now_s, std::string& error);

    enum class Removal { Removed, NotFound, NotSaved };
    // A bootstrap key removed comes back at the next start, as in EMQX.
    Removal remove(const std::string& name, std::string& error);

private:
    struct Entry {
        ApiKey key;
        StoredHash secret;
    };
    bool save(std::string& error) const;
    bool readKept(std::string& error);

    std::string path_;
    std::map<std::string, Entry> by_name_;
};

}  // namespace emqx::auth
