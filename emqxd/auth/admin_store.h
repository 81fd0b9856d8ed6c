#pragma once
// The dashboard's users (EMQX 5's admins: `emqx ctl admins`, /api/v5/users):
// a username, a description, a role and a password kept only as a salted
// SHA-256 (EMQX's hash, through password_hash.h; compared in constant time).
// Kept in <data_dir>/admins.json (mode 0600, replaced whole); at the first
// start, with no such file, the user dashboard.default_username is made with
// dashboard.default_password. Owner: the control loop (the HTTP server and the
// ctl commands run there); nothing else touches it.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "emqxd/auth/password_hash.h"

namespace emqx::auth {

inline constexpr std::string_view kAdminRole = "administrator";

struct AdminUser {
    std::string username;
    std::string description;
    std::string role;  // administrator | viewer (EMQX's dashboard roles)
};

// A user as EMQX's API and CLI show it: username, description, role, backend ("local").
nlohmann::json adminUserJson(const AdminUser& user);

// EMQX's rules, "" when valid, else EMQX's reason:
// a username is 1..100 of [A-Za-z0-9_];
std::string adminUsernameProblem(std::string_view username);
// a password is 8..64 ASCII characters from at least two of letters, digits
// and EMQX's special characters;
std::string adminPasswordProblem(std::string_view password);
// a role is administrator or viewer.
std::string adminRoleProblem(std::string_view role);

class AdminStore {
public:
    explicit AdminStore(std::string path);

    // Reads the kept users. With no file yet, makes `default_username` with
    // `default_password` (administrator; the password rules do not apply to
    // it, as in EMQX) and writes the file; an empty name or password makes no
    // one. A file that cannot be read or written: false with why.
    bool load(const std::string& default_username, const std::string& default_password, std::string& error);

    // The user whose username and password these are; null otherwise.
    const AdminUser* authenticate(std::string_view username, std::string_view password) const;

    std::vector<AdminUser> list() const;  // by username
    const AdminUser* find(std::string_view username) const;

    // Invalid: the input breaks a rule ("error" is EMQX's reason); Exists: the
    // username is taken; NotSaved: the file could not be written (nothing changed).
    enum class Result { Done, NotFound, Invalid, Exists, NotSaved };
    Result add(const std::string& username, std::string_view password, const std::string& role,
               const std::string& description, std::string& error);
    Result setPassword(const std::string& username, std::string_view password, std::string& error);
    Result update(const std::string& username, const std::string& role, const std::string& description,
                  std::string& error);
    Result remove(const std::string& username, std::string& error);

private:
    struct Entry {
        AdminUser user;
        StoredHash password;
    };
    // Writes the users; on failure puts `before` back and answers NotSaved.
    Result commit(std::map<std::string, Entry, std::less<>> before, std::string& error);
    bool save(std::string& error) const;
    bool read(bool& found, std::string& error);

    std::string path_;
    std::map<std::string, Entry, std::less<>> by_name_;
};

}  // namespace emqx::auth
