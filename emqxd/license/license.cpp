#include "emqxd/license/license.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/clock/wall_clock.h"
#include "common/encoding/base64.h"

namespace emqx::license {

namespace {

// The vendor's Ed25519 public key (raw 32 bytes); its private half is kept
// offline. Tests set license.public_key_file to their own key instead.
constexpr unsigned char kBuiltinKey[32] = {0x7b, 0x34, 0xf3, 0x55, 0xa4, 0xe3, 0x4c, 0x16, 0x28, 0x07, 0x71,
                                           0x85, 0x51, 0x70, 0x8b, 0xbc, 0x8a, 0xb1, 0xae, 0x32, 0xda, 0xdf,
                                           0xba, 0x1e, 0x10, 0xaa, 0x88, 0x3a, 0x16, 0x69, 0x4e, 0x6f};

constexpr int64_t kDayMs = 86400 * 1000LL;

// The signature as license files carry it: base64 that may be wrapped.
std::optional<std::string> unwrappedBase64Decode(std::string_view in) {
    std::string s;
    for (char c : in)
        if (c != '\n' && c != '\r' && c != ' ') s += c;
    if (s.empty()) return std::nullopt;
    return base64Decode(s);
}

struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey loadKey(const std::string& pem, std::string& error) {
    if (pem.empty())
        return Pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, kBuiltinKey, sizeof kBuiltinKey));
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    Pkey k(PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr));
    BIO_free(bio);
    if (!k || EVP_PKEY_get_id(k.get()) != EVP_PKEY_ED25519) {
        error = "the license public key is not a PEM Ed25519 public key";
        return nullptr;
    }
    return k;
}

bool verify(EVP_PKEY* key, std::string_view msg, std::string_view sig) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
              EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                               reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

}  // namespace

std::optional<int64_t> parseDate(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    auto num = [&](size_t pos, size_t len) -> int {
        int v = 0;
        for (size_t i = pos; i < pos + len; ++i) {
            if (s[i] < '0' || s[i] > '9') return -1;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    int y = num(0, 4), m = num(5, 2), d = num(8, 2);
    if (y < 1970 || m < 1 || m > 12 || d < 1) return std::nullopt;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
    // Days from civil (Howard Hinnant's algorithm).
    y -= m <= 2;
    int64_t era = y / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int64_t License::daysLeft(int64_t now_ms) const {
    if (expiry_ms == 0) return 0;
    int64_t diff = expiry_ms - now_ms;
    return diff >= 0 ? diff / kDayMs : -((-diff + kDayMs - 1) / kDayMs);
}

std::optional<License> parseLicense(std::string_view text, const std::string& public_key_pem, std::string& error) {
    using nlohmann::json;
    json outer = json::parse(text, nullptr, false);
    if (outer.is_discarded() || !outer.is_object()) {
        error = "invalid license file: not a JSON object";
        return std::nullopt;
    }
    if (!outer.contains("license") || !outer["license"].is_string() || !outer.contains("signature") ||
        !outer["signature"].is_string()) {
        error = "invalid license file: \"license\" and \"signature\" strings are required";
        return std::nullopt;
    }
    const std::string& payload = outer["license"].get_ref<const std::string&>();
    auto sig = unwrappedBase64Decode(outer["signature"].get<std::string>());
    if (!sig) {
        error = "invalid license file: signature is not base64";
        return std::nullopt;
    }
    Pkey key = loadKey(public_key_pem, error);
    if (!key) {
        if (error.empty()) error = "cannot load the built-in license key";
        return std::nullopt;
    }
    if (!verify(key.get(), payload, *sig)) {
        error = "invalid license signature: the license was not signed by the license key, or was modified";
        return std::nullopt;
    }
    json j = json::parse(payload, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        error = "invalid license: the signed payload is not a JSON object";
        return std::nullopt;
    }
    License l;
    l.community = false;
    auto str = [&](const char* k, std::string& out, bool required) {
        if (!j.contains(k)) {
            if (required) error = std::string("invalid license: missing field ") + k;
            return !required;
        }
        if (!j[k].is_string() || j[k].get_ref<const std::string&>().empty()) {
            error = std::string("invalid license: field ") + k + " must be a non-empty string";
            return false;
        }
        out = j[k].get<std::string>();
        return true;
    };
    if (!str("customer", l.customer, true) || !str("customer_type", l.customer_type, true) ||
        !str("email", l.email, false) || !str("deployment", l.deployment, false) ||
        !str("issued_at", l.issued_at, true) || !str("expiry_at", l.expiry_at, true))
        return std::nullopt;
    if (!j.contains("max_connections") || !j["max_connections"].is_number_unsigned() ||
        j["max_connections"].get<uint64_t>() == 0) {
        error = "invalid license: max_connections must be a positive integer";
        return std::nullopt;
    }
    l.max_connections = j["max_connections"].get<uint64_t>();
    auto issued = parseDate(l.issued_at);
    auto expiry = parseDate(l.expiry_at);
    if (!issued) {
        error = "invalid license: issued_at is not a YYYY-MM-DD date: " + l.issued_at;
        return std::nullopt;
    }
    if (!expiry) {
        error = "invalid license: expiry_at is not a YYYY-MM-DD date: " + l.expiry_at;
        return std::nullopt;
    }
    if (*expiry < *issued) {
        error = "invalid license: expiry_at " + l.expiry_at + " is before issued_at " + l.issued_at;
        return std::nullopt;
    }
    l.issued_ms = *issued * kDayMs;
    l.expiry_ms = (*expiry + 1) * kDayMs;
    return l;
}

LicenseManager::LicenseManager() { apply(std::make_shared<License>()); }

std::shared_ptr<const License> LicenseManager::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

void LicenseManager::apply(std::shared_ptr<const License> l) {
    max_connections_.store(l->max_connections);
    expiry_ms_.store(l->expiry_ms);
    blocks_when_expired_.store(l->blocksWhenExpired());
    std::lock_guard lock(mutex_);
    current_ = std::move(l);
}

namespace {

bool readFile(const std::string& path, std::string& out, std::string& error) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        error = "cannot read license file " + path;
        return false;
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    out = ss.str();
    if (out.size() > 1024 * 1024) {
        error = "license file " + path + " is too large";
        return false;
    }
    return true;
}

}  // namespace

bool LicenseManager::load(const std::string& path, const std::string& public_key_pem, std::string& error,
                          std::string& warning) {
    path_ = path;
    public_key_pem_ = public_key_pem;
    if (!public_key_pem.empty()) {
        Pkey key = loadKey(public_key_pem, error);
        if (!key) return false;
    }
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return true;  // community edition
    std::string text;
    if (!readFile(path, text, error)) return false;
    auto l = parseLicense(text, public_key_pem, error);
    if (!l) {
        error = path + ": " + error;
        return false;
    }
    if (l->expired(wallClockMs()))
        warning = "the license of " + l->customer + " (" + l->customer_type + ") expired on " + l->expiry_at +
                  (l->blocksWhenExpired() ? "; no new MQTT connections are allowed" : "");
    apply(std::make_shared<License>(std::move(*l)));
    return true;
}

bool LicenseManager::reload(const std::string& src, bool force, std::string& error) {
    const std::string& source = src.empty() ? path_ : src;
    std::string text;
    if (!readFile(source, text, error)) return false;
    return install(text, source, force, error);
}

bool LicenseManager::update(const std::string& key, bool force, std::string& error) {
    constexpr std::string_view kFileScheme = "file://";
    if (!key.starts_with(kFileScheme)) return install(key, "", force, error);
    std::string path = key.substr(kFileScheme.size());
    if (!path.starts_with('/')) {
        error = "a file:// license must name an absolute path: " + key;
        return false;
    }
    return reload(path, force, error);
}

bool LicenseManager::install(const std::string& text, const std::string& source, bool force, std::string& error) {
    auto l = parseLicense(text, public_key_pem_, error);
    if (!l) return false;
    if (l->refusesEveryConnection(wallClockMs()) && !force) {
        error = "the " + l->customer_type + " license of " + l->customer + " expired on " + l->expiry_at +
                ": applied, it would refuse every new MQTT connection; the license in force stays (--force applies it)";
        return false;
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path d(path_);
    fs::create_directories(d.parent_path(), ec);
    if (ec) {
        error = "cannot create " + d.parent_path().string() + ": " + ec.message();
        return false;
    }
    bool same = !source.empty() && fs::exists(d, ec) && fs::equivalent(source, d, ec);
    if (!same) {
        fs::path tmp = d;
        tmp += ".tmp";
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out << text;
            out.flush();
            if (!out) {
                error = "cannot write " + tmp.string();
                return false;
            }
        }
        if (fs::exists(d, ec)) {
            fs::path bak = d;
            bak += ".bak";
            fs::copy_file(d, bak, fs::copy_options::overwrite_existing, ec);
            if (ec) {
                error = "cannot keep a backup of " + d.string() + ": " + ec.message();
                fs::remove(tmp, ec);
                return false;
            }
        }
        fs::rename(tmp, d, ec);
        if (ec) {
            error = "cannot install " + d.string() + ": " + ec.message();
            return false;
        }
    }
    apply(std::make_shared<License>(std::move(*l)));
    return true;
}

LicenseManager::Admit LicenseManager::admit(uint64_t connections, int64_t now_ms) const {
    int64_t expiry = expiry_ms_.load(std::memory_order_relaxed);
    if (expiry && now_ms >= expiry && blocks_when_expired_.load(std::memory_order_relaxed)) return Admit::Expired;
    uint64_t max = max_connections_.load(std::memory_order_relaxed);
    if (max && connections >= max) return Admit::TooMany;
    return Admit::Ok;
}

void LicenseManager::countRefused(Admit why) {
    if (why == Admit::Expired) refused_expired_.fetch_add(1, std::memory_order_relaxed);
    if (why == Admit::TooMany) refused_max_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace emqx::license
