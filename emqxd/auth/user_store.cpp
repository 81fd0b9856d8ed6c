#include "emqxd/auth/user_store.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/fs/replace_file.h"

namespace emqx::auth {

using Json = nlohmann::json;

bool FileUserStore::open(std::string& error) {
    std::unique_lock lock(mutex_);
    users_.clear();
    std::ifstream in(path_);
    if (!in) return true;  // no users yet
    try {
        Json j = Json::parse(in);
        for (const auto& u : j.at("users")) {
            UserRecord r;
            r.user_id = u.at("user_id").get<std::string>();
            r.password_hash = u.at("password_hash").get<std::string>();
            r.salt = u.value("salt", std::string());
            r.is_superuser = u.value("is_superuser", false);
            users_[r.user_id] = std::move(r);
        }
    } catch (const std::exception& e) {
        error = path_ + ": " + e.what();
        return false;
    }
    return true;
}

std::optional<UserRecord> MemoryBackedUserStore::find(const std::string& user_id) const {
    std::shared_lock lock(mutex_);
    auto it = users_.find(user_id);
    if (it == users_.end()) return std::nullopt;
    return it->second;
}

std::vector<UserRecord> MemoryBackedUserStore::list() const {
    std::shared_lock lock(mutex_);
    std::vector<UserRecord> out;
    out.reserve(users_.size());
    for (const auto& [id, u] : users_) out.push_back(u);
    std::sort(out.begin(), out.end(), [](const UserRecord& a, const UserRecord& b) { return a.user_id < b.user_id; });
    return out;
}

bool FileUserStore::put(const UserRecord& user, std::string& error) {
    std::unique_lock lock(mutex_);
    auto old = users_.find(user.user_id);
    std::optional<UserRecord> before = old == users_.end() ? std::nullopt : std::optional<UserRecord>(old->second);
    users_[user.user_id] = user;
    if (saveLocked(error)) return true;
    if (before) users_[user.user_id] = *before;
    else users_.erase(user.user_id);
    return false;
}

bool FileUserStore::erase(const std::string& user_id, std::string& error) {
    std::unique_lock lock(mutex_);
    auto it = users_.find(user_id);
    if (it == users_.end()) return false;
    UserRecord before = it->second;
    users_.erase(it);
    if (saveLocked(error)) return true;
    users_[user_id] = std::move(before);
    return false;
}

bool FileUserStore::saveLocked(std::string& error) const {
    Json users = Json::array();
    for (const auto& [id, u] : users_)
        users.push_back({{"user_id", u.user_id},
                         {"password_hash", u.password_hash},
                         {"salt", u.salt},
                         {"is_superuser", u.is_superuser}});
    return writePrivateFile(path_, Json{{"users", users}}.dump(1) + "\n", error);
}

namespace {

bool truthy(std::string v) {
    for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return v == "true" || v == "1";
}

std::vector<std::string> splitCsv(const std::string& line) {
    std::vector<std::string> out(1);
    for (char c : line) {
        if (c == ',') out.emplace_back();
        else if (c != '\r') out.back().push_back(c);
    }
    for (auto& f : out) {
        while (!f.empty() && (f.front() == ' ' || f.front() == '\t')) f.erase(f.begin());
        while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.pop_back();
        if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
    }
    return out;
}

}  // namespace

bool importBootstrap(UserStore& store, const std::string& path, bool plain, const HashAlgorithm& algo, size_t& imported,
                     std::string& error) {
    imported = 0;
    std::ifstream in(path);
    if (!in) {
        error = "bootstrap_file " + path + ": cannot read";
        return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    std::vector<std::map<std::string, std::string>> rows;
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] == '[') {
        try {
            for (const auto& u : Json::parse(text)) {
                std::map<std::string, std::string> row;
                for (auto it = u.begin(); it != u.end(); ++it)
                    row[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
                rows.push_back(std::move(row));
            }
        } catch (const std::exception& e) {
            error = "bootstrap_file " + path + ": " + e.what();
            return false;
        }
    } else {
        std::istringstream lines(text);
        std::string line;
        std::vector<std::string> header;
        int n = 0;
        while (std::getline(lines, line)) {
            ++n;
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            auto fields = splitCsv(line);
            if (header.empty()) {
                header = fields;
                continue;
            }
            if (fields.size() != header.size()) {
                error = "bootstrap_file " + path + ": line " + std::to_string(n) + ": expected " +
                        std::to_string(header.size()) + " fields, got " + std::to_string(fields.size());
                return false;
            }
            std::map<std::string, std::string> row;
            for (size_t i = 0; i < header.size(); ++i) row[header[i]] = fields[i];
            rows.push_back(std::move(row));
        }
    }
    for (size_t i = 0; i < rows.size(); ++i) {
        auto& row = rows[i];
        auto id = row.find("user_id");
        if (id == row.end() || id->second.empty()) {
            error = "bootstrap_file " + path + ": user " + std::to_string(i + 1) + " has no user_id";
            return false;
        }
        if (store.find(id->second)) continue;
        UserRecord r;
        r.user_id = id->second;
        r.is_superuser = truthy(row["is_superuser"]);
        if (plain) {
            if (!row.contains("password")) {
                error = "bootstrap_file " + path + ": user " + r.user_id + " has no password";
                return false;
            }
            StoredHash h = makeHash(algo, row["password"]);
            r.password_hash = std::move(h.hash);
            r.salt = std::move(h.salt);
        } else {
            if (!row.contains("password_hash")) {
                error = "bootstrap_file " + path + ": user " + r.user_id + " has no password_hash";
                return false;
            }
            r.password_hash = row["password_hash"];
            r.salt = row["salt"];
        }
        if (!store.put(r, error)) return false;
        ++imported;
    }
    return true;
}

}  // namespace emqx::auth
