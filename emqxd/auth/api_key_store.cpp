#include "emqxd/auth/api_key_store.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/fs/replace_file.h"
#include "emqxd/auth/api_key_file.h"

namespace emqx::auth {

namespace {

using Json = nlohmann::json;

const HashAlgorithm& secretHash() {
    static const HashAlgorithm algo{"sha256", "prefix", "sha256", 0, 0};
    return algo;
}

// EMQX's: the first 16 hex digits of SHA-512(seed). A key's api_key comes
// from its name; a bootstrap key's name from its api_key.
std::string hashPrefix(std::string_view seed) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_Digest(seed.data(), seed.size(), md, &len, EVP_sha512(), nullptr);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < 8 && i < len; ++i) {
        out += kHex[md[i] >> 4];
        out += kHex[md[i] & 15];
    }
    return out;
}

// 43 random characters of [0-9A-Za-z] (about 256 bits, as EMQX's base62 of 32 bytes).
std::string newSecret() {
    static constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string out;
    while (out.size() < 43) {
        unsigned char buf[64];
        if (RAND_bytes(buf, sizeof buf) != 1) continue;
        for (unsigned char b : buf)
            if (b < 248 && out.size() < 43) out += kAlphabet[b % 62];  // 248 = 4 * 62: no bias
    }
    return out;
}

bool readFile(const std::string& path, std::string& text) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    return true;
}

}  // namespace

ApiKeyStore::ApiKeyStore(std::string path) : path_(std::move(path)) {}

bool ApiKeyStore::readKept(std::string& error) {
    std::string text;
    if (!readFile(path_, text)) return true;  // none kept yet
    Json j = Json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("api_keys") || !j["api_keys"].is_array()) {
        error = path_ + ": not an API key file";
        return false;
    }
    for (const Json& k : j["api_keys"]) {
        try {
            Entry e;
            e.key.name = k.at("name").get<std::string>();
            e.key.api_key = k.at("api_key").get<std::string>();
            e.key.desc = k.value("desc", std::string());
            e.key.role = k.value("role", std::string(kDefaultApiKeyRole));
            e.key.enable = k.value("enable", true);
            e.key.created_at_s = k.value("created_at", int64_t{0});
            e.key.expired_at_s = k.value("expired_at", int64_t{0});
            e.secret.hash = k.at("secret_hash").get<std::string>();
            e.secret.salt = k.at("salt").get<std::string>();
            by_name_[e.key.name] = std::move(e);
        } catch (const Json::exception& ex) {
            error = path_ + ": a key without " + ex.what();
            return false;
        }
    }
    return true;
}

bool ApiKeyStore::load(const std::string& bootstrap_file, int64_t now_s, std::string& error) {
    by_name_.clear();
    if (!readKept(error)) return false;
    if (bootstrap_file.empty()) return true;
    std::string text;
    if (!readFile(bootstrap_file, text)) {
        error = "api_key.bootstrap_file " + bootstrap_file + ": cannot read it";
        return false;
    }
    std::vector<BootstrapApiKey> keys;
    if (!parseApiKeyFile(text, bootstrap_file, keys, error)) {
        error = "api_key.bootstrap_file " + error;
        return false;
    }
    for (BootstrapApiKey& b : keys) {
        std::erase_if(by_name_, [&](const auto& kv) { return kv.second.key.api_key == b.api_key; });
        Entry e;
        e.key.name = "from_bootstrap_file_" + hashPrefix(b.api_key);
        e.key.api_key = b.api_key;
        e.key.desc = "Bootstrapped From File";
        e.key.role = b.role;
        e.key.created_at_s = now_s;
        e.key.from_bootstrap = true;
        e.secret = makeHash(secretHash(), b.api_secret);
        by_name_[e.key.name] = std::move(e);
    }
    return true;
}

const ApiKey* ApiKeyStore::authenticate(std::string_view api_key, std::string_view secret, int64_t now_s) const {
    for (const auto& [name, e] : by_name_) {
        if (e.key.api_key != api_key) continue;
        bool live = e.key.enable && (e.key.expired_at_s == 0 || e.key.expired_at_s >= now_s);
        return live && verifyPassword(secretHash(), secret, e.secret) ? &e.key : nullptr;
    }
    return nullptr;
}

std::vector<ApiKey> ApiKeyStore::list() const {
    std::vector<ApiKey> out;
    for (const auto& [name, e] : by_name_) out.push_back(e.key);
    return out;
}

const ApiKey* ApiKeyStore::find(const std::string& name) const {
    auto it = by_name_.find(name);
    return it == by_name_.end() ? nullptr : &it->second.key;
}

std::optional<std::string> ApiKeyStore::create(const std::string& name, const std::string& desc,
                                               const std::string& role, int64_t now_s, std::string& error) {
    if (error = apiKeyNameProblem(name); !error.empty()) return std::nullopt;
    if (!isApiKeyRole(role)) {
        error = "invalid role \"" + role + "\" (administrator, viewer or publisher)";
        return std::nullopt;
    }
    if (by_name_.size() >= kMaxKeys) {
        error = "Maximum number of ApiKeys reached.";
        return std::nullopt;
    }
    if (by_name_.contains(name)) {
        error = "name_already_existed";
        return std::nullopt;
    }
    Entry e;
    e.key.name = name;
    e.key.api_key = hashPrefix(name);
    for (const auto& [n, other] : by_name_) {
        if (other.key.api_key == e.key.api_key) {
            error = "api_key_already_existed";
            return std::nullopt;
        }
    }
    e.key.desc = desc;
    e.key.role = role;
    e.key.created_at_s = now_s;
    std::string secret = newSecret();
    e.secret = makeHash(secretHash(), secret);
    by_name_[name] = std::move(e);
    if (save(error)) return secret;
    by_name_.erase(name);
    return std::nullopt;
}

ApiKeyStore::Removal ApiKeyStore::remove(const std::string& name, std::string& error) {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return Removal::NotFound;
    Entry before = std::move(it->second);
    by_name_.erase(it);
    if (before.key.from_bootstrap || save(error)) return Removal::Removed;
    by_name_[name] = std::move(before);
    return Removal::NotSaved;
}

bool ApiKeyStore::save(std::string& error) const {
    Json keys = Json::array();
    for (const auto& [name, e] : by_name_) {
        if (e.key.from_bootstrap) continue;  // read from its file at every start
        keys.push_back({{"name", e.key.name},
                        {"api_key", e.key.api_key},
                        {"secret_hash", e.secret.hash},
                        {"salt", e.secret.salt},
                        {"desc", e.key.desc},
                        {"role", e.key.role},
                        {"enable", e.key.enable},
                        {"created_at", e.key.created_at_s},
                        {"expired_at", e.key.expired_at_s}});
    }
    return writePrivateFile(path_, Json{{"api_keys", keys}}.dump(1) + "\n", error);
}

}  // namespace emqx::auth
