#include "emqxd/auth/admin_store.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/fs/replace_file.h"

namespace emqx::auth {

namespace {

using Json = nlohmann::json;

const HashAlgorithm& passwordHash() {
    static const HashAlgorithm algo{"sha256", "prefix", "sha256", 0, 0};
    return algo;
}

constexpr std::string_view kSpecialChars = "!@#$%^&*()_+-=[]{}\"|;':,./<>?`~ ";

bool isLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

nlohmann::json adminUserJson(const AdminUser& u) {
    return {{"username", u.username}, {"description", u.description}, {"role", u.role}, {"backend", "local"}};
}

std::string adminUsernameProblem(std::string_view username) {
    if (username.empty()) return "Username cannot be empty";
    if (username.size() > 100) return "Username is longer than 100 characters";
    for (char c : username)
        if (!isLetter(c) && !isDigit(c) && c != '_')
            return "Bad Username. Only upper and lower case letters, numbers and underscores are supported";
    return "";
}

std::string adminPasswordProblem(std::string_view password) {
    if (password.size() < 8 || password.size() > 64) return "The range of password length is 8~64";
    bool letter = false, digit = false, special = false;
    for (char c : password) {
        letter = letter || isLetter(c);
        digit = digit || isDigit(c);
        special = special || kSpecialChars.find(c) != std::string_view::npos;
    }
    if (int(letter) + int(digit) + int(special) < 2)
        return "Bad password. At least two different kind of characters from groups of letters, numbers, and special "
               "characters. For example, if password is composed from letters, it must contain at least one number or "
               "a special character.";
    for (char c : password)
        if (static_cast<unsigned char>(c) > 0x7f) return "Only ascii characters are allowed in the password";
    return "";
}

std::string adminRoleProblem(std::string_view role) {
    return role == kAdminRole || role == "viewer" ? "" : "Role does not exist";
}

AdminStore::AdminStore(std::string path) : path_(std::move(path)) {}

bool AdminStore::read(bool& found, std::string& error) {
    std::ifstream in(path_, std::ios::binary);
    found = bool(in);
    if (!found) return true;
    Json j = Json::parse(in, nullptr, false);
    if (!j.is_object() || !j.contains("admins") || !j["admins"].is_array()) {
        error = path_ + ": not a dashboard users file";
        return false;
    }
    for (const Json& u : j["admins"]) {
        try {
            Entry e;
            e.user.username = u.at("username").get<std::string>();
            e.user.description = u.value("description", std::string());
            e.user.role = u.value("role", std::string(kAdminRole));
            e.password.hash = u.at("password_hash").get<std::string>();
            e.password.salt = u.at("salt").get<std::string>();
            by_name_[e.user.username] = std::move(e);
        } catch (const Json::exception& ex) {
            error = path_ + ": a user without " + ex.what();
            return false;
        }
    }
    return true;
}

bool AdminStore::load(const std::string& default_username, const std::string& default_password, std::string& error) {
    by_name_.clear();
    bool found = false;
    if (!read(found, error)) return false;
    if (found || default_username.empty() || default_password.empty()) return true;
    by_name_[default_username] =
        Entry{{default_username, "administrator", std::string(kAdminRole)}, makeHash(passwordHash(), default_password)};
    return save(error);
}

const AdminUser* AdminStore::authenticate(std::string_view username, std::string_view password) const {
    auto it = by_name_.find(username);
    if (it == by_name_.end()) return nullptr;
    return verifyPassword(passwordHash(), password, it->second.password) ? &it->second.user : nullptr;
}

std::vector<AdminUser> AdminStore::list() const {
    std::vector<AdminUser> out;
    for (const auto& [name, e] : by_name_) out.push_back(e.user);
    return out;
}

const AdminUser* AdminStore::find(std::string_view username) const {
    auto it = by_name_.find(username);
    return it == by_name_.end() ? nullptr : &it->second.user;
}

AdminStore::Result AdminStore::add(const std::string& username, std::string_view password, const std::string& role,
                                   const std::string& description, std::string& error) {
    error = adminUsernameProblem(username);
    if (error.empty()) error = adminPasswordProblem(password);
    if (error.empty()) error = adminRoleProblem(role);
    if (!error.empty()) return Result::Invalid;
    if (by_name_.contains(username)) {
        error = "username_already_exists";
        return Result::Exists;
    }
    auto before = by_name_;
    by_name_[username] = Entry{{username, description, role}, makeHash(passwordHash(), password)};
    return commit(std::move(before), error);
}

AdminStore::Result AdminStore::setPassword(const std::string& username, std::string_view password, std::string& error) {
    auto it = by_name_.find(username);
    if (it == by_name_.end()) return Result::NotFound;
    if (error = adminPasswordProblem(password); !error.empty()) return Result::Invalid;
    auto before = by_name_;
    it->second.password = makeHash(passwordHash(), password);
    return commit(std::move(before), error);
}

AdminStore::Result AdminStore::update(const std::string& username, const std::string& role,
                                      const std::string& description, std::string& error) {
    auto it = by_name_.find(username);
    if (it == by_name_.end()) return Result::NotFound;
    if (error = adminRoleProblem(role); !error.empty()) return Result::Invalid;
    auto before = by_name_;
    it->second.user.role = role;
    it->second.user.description = description;
    return commit(std::move(before), error);
}

AdminStore::Result AdminStore::remove(const std::string& username, std::string& error) {
    auto it = by_name_.find(username);
    if (it == by_name_.end()) return Result::NotFound;
    auto before = by_name_;
    by_name_.erase(it);
    return commit(std::move(before), error);
}

AdminStore::Result AdminStore::commit(std::map<std::string, Entry, std::less<>> before, std::string& error) {
    if (save(error)) return Result::Done;
    by_name_ = std::move(before);
    return Result::NotSaved;
}

bool AdminStore::save(std::string& error) const {
    Json users = Json::array();
    for (const auto& [name, e] : by_name_)
        users.push_back({{"username", e.user.username},
                         {"description", e.user.description},
                         {"role", e.user.role},
                         {"password_hash", e.password.hash},
                         {"salt", e.password.salt}});
    return writePrivateFile(path_, Json{{"admins", users}}.dump(1) + "\n", error);
}

}  // namespace emqx::auth
