// License files: format, Ed25519 signature, dates, and what a license admits.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "emqxd/license/license.h"

using namespace emqx::license;

namespace {

struct KeyPair {
    EVP_PKEY* key = nullptr;
    std::string public_pem;
    KeyPair() {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PUBKEY(bio, key);
        char* data = nullptr;
        long n = BIO_get_mem_data(bio, &data);
        public_pem.assign(data, static_cast<size_t>(n));
        BIO_free(bio);
    }
    ~KeyPair() { EVP_PKEY_free(key); }
    std::string sign(const std::string& msg) const {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key);
        size_t len = 0;
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
        std::string sig(len, '\0');
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
        EVP_MD_CTX_free(ctx);
        std::string b64(4 * ((len + 2) / 3) + 1, '\0');
        int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                                reinterpret_cast<const unsigned char*>(sig.data()), static_cast<int>(len));
        b64.resize(static_cast<size_t>(n));
        return b64;
    }
    std::string license(nlohmann::json payload) const {
        std::string text = payload.dump();
        return nlohmann::json{{"license", text}, {"signature", sign(text)}}.dump();
    }
};

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// A manager with an installed-license path under a fresh temp dir, keyed by `k`.
struct InstalledManager {
    KeyPair k;
    std::filesystem::path dir;
    std::filesystem::path installed;
    LicenseManager m;
    std::string error, warning;
    explicit InstalledManager(const std::string& name)
        : dir(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()))),
          installed(dir / "installed" / "emqx.lic") {
        std::filesystem::create_directories(dir);
        REQUIRE(m.load(installed.string(), k.public_pem, error, warning));
    }
    ~InstalledManager() { std::filesystem::remove_all(dir); }
};

nlohmann::json fields() {
    return {{"customer", "Acme"},
            {"customer_type", "small"},
            {"max_connections", 10},
            {"issued_at", "2024-02-28"},
            {"expiry_at", "2024-02-29"}};
}

}  // namespace

TEST_CASE("license: dates", "[license]") {
    CHECK(parseDate("1970-01-01") == 0);
    CHECK(parseDate("2024-02-29") == 19782);
    CHECK_FALSE(parseDate("2023-02-29"));
    CHECK_FALSE(parseDate("2024-13-01"));
    CHECK_FALSE(parseDate("2024-1-01"));
}

TEST_CASE("license: a well-signed license is read with its dates", "[license]") {
    KeyPair k;
    std::string error;
    auto l = parseLicense(k.license(fields()), k.public_pem, error);
    REQUIRE(l);
    CHECK(l->customer == "Acme");
    CHECK(l->max_connections == 10);
    CHECK_FALSE(l->community);
    CHECK(l->blocksWhenExpired());
    int64_t day = 86400000;
    CHECK(l->expiry_ms == (19782 + 1) * day);  // valid through its expiry day
    CHECK_FALSE(l->expired(l->expiry_ms - 1));
    CHECK(l->expired(l->expiry_ms));
    CHECK(l->daysLeft(l->expiry_ms - 3 * day) == 3);
    CHECK(l->daysLeft(l->expiry_ms + 1) == -1);
}

TEST_CASE("license: what is wrong is named", "[license]") {
    KeyPair k, other;
    std::string error;
    auto bad = [&](const std::string& text, const std::string& pem) {
        error.clear();
        CHECK_FALSE(parseLicense(text, pem, error));
        return error;
    };
    CHECK(bad(other.license(fields()), k.public_pem).find("invalid license signature") != std::string::npos);
    CHECK(bad(k.license(fields()), "").find("invalid license signature") != std::string::npos);  // built-in key
    CHECK(bad("[]", k.public_pem).find("not a JSON object") != std::string::npos);
    auto f = fields();
    f.erase("customer");
    CHECK(bad(k.license(f), k.public_pem) == "invalid license: missing field customer");
    f = fields();
    f["max_connections"] = 0;
    CHECK(bad(k.license(f), k.public_pem).find("max_connections") != std::string::npos);
    f = fields();
    f["expiry_at"] = "2024-01-01";
    CHECK(bad(k.license(f), k.public_pem).find("before issued_at") != std::string::npos);
    // Tampering with the payload breaks the signature.
    auto j = nlohmann::json::parse(k.license(fields()));
    std::string payload = j["license"];
    payload.replace(payload.find("10"), 2, "99");
    j["license"] = payload;
    CHECK(bad(j.dump(), k.public_pem).find("invalid license signature") != std::string::npos);
}

TEST_CASE("license: admission", "[license]") {
    KeyPair k;
    auto dir = std::filesystem::temp_directory_path() / ("emqx-license-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    LicenseManager m;
    CHECK(m.current()->community);
    CHECK(m.admit(1000000, 0) == LicenseManager::Admit::Ok);
    std::string error, warning;
    REQUIRE(m.load((dir / "installed" / "emqx.lic").string(), k.public_pem, error, warning));
    CHECK(warning.empty());
    std::ofstream(dir / "small.lic") << k.license(fields());
    REQUIRE(m.reload((dir / "small.lic").string(), true, error));  // expired: forced
    int64_t expiry = m.current()->expiry_ms;
    CHECK(m.admit(9, expiry - 1) == LicenseManager::Admit::Ok);
    CHECK(m.admit(10, expiry - 1) == LicenseManager::Admit::TooMany);
    CHECK(m.admit(0, expiry) == LicenseManager::Admit::Expired);
    auto f = fields();
    f["customer_type"] = "standard";
    std::ofstream(dir / "std.lic") << k.license(f);
    REQUIRE(m.reload((dir / "std.lic").string(), false, error));
    CHECK(m.admit(0, expiry) == LicenseManager::Admit::Ok);  // standard: only the limit counts
    CHECK(std::filesystem::exists(dir / "installed" / "emqx.lic.bak"));
    std::ofstream(dir / "bad.lic") << "junk";
    CHECK_FALSE(m.reload((dir / "bad.lic").string(), false, error));
    CHECK(m.current()->customer_type == "standard");
    std::filesystem::remove_all(dir);
}

TEST_CASE("license: an already expired trial or small license is refused unless forced", "[license]") {
    InstalledManager im("emqx-license-force");
    auto& [k, dir, installed, m, error, warning] = im;
    auto f = fields();
    f["customer_type"] = "standard";
    f["expiry_at"] = "2099-12-31";
    std::ofstream(dir / "good.lic") << k.license(f);
    REQUIRE(m.reload((dir / "good.lic").string(), false, error));
    for (const char* type : {"small", "trial"}) {
        INFO(type);
        f = fields();  // expired on 2024-02-29
        f["customer_type"] = type;
        std::string expired = k.license(f);
        std::ofstream(dir / "expired.lic") << expired;
        error.clear();
        CHECK_FALSE(m.reload((dir / "expired.lic").string(), false, error));
        CHECK(error.find("expired on 2024-02-29") != std::string::npos);
        CHECK(error.find("refuse every new MQTT connection") != std::string::npos);
        CHECK(error.find("--force") != std::string::npos);
        CHECK_FALSE(m.update(expired, false, error));
        CHECK(m.current()->customer_type == "standard");  // the old one stays, and its file
        CHECK(slurp(installed) == slurp(dir / "good.lic"));
    }
    // Other types are applied when expired (EMQX's checker lets them admit).
    f = fields();
    f["customer_type"] = "standard";
    std::ofstream(dir / "expired_std.lic") << k.license(f);
    CHECK(m.reload((dir / "expired_std.lic").string(), false, error));
    CHECK(m.current()->customer_type == "standard");
    CHECK(m.current()->expiry_at == "2024-02-29");
    // --force applies an expired small one.
    f["customer_type"] = "small";
    CHECK(m.update(k.license(f), true, error));
    CHECK(m.current()->customer_type == "small");
}

TEST_CASE("license: update takes the license itself or a file:// path", "[license]") {
    InstalledManager im("emqx-license-update");
    auto& [k, dir, installed, m, error, warning] = im;
    auto f = fields();
    f["expiry_at"] = "2099-12-31";
    f["deployment"] = "plant-7";
    std::string key = k.license(f);
    REQUIRE(m.update(key, false, error));
    CHECK(m.current()->deployment == "plant-7");
    CHECK(std::filesystem::exists(installed));
    f["customer"] = "From File";
    std::ofstream(dir / "new.lic") << k.license(f);
    REQUIRE(m.update("file://" + (dir / "new.lic").string(), false, error));
    CHECK(m.current()->customer == "From File");
    CHECK_FALSE(m.update("file://new.lic", false, error));
    CHECK(error.find("absolute path") != std::string::npos);
    CHECK_FALSE(m.update("not a license", false, error));
    CHECK(error.find("not a JSON object") != std::string::npos);
    CHECK(m.current()->customer == "From File");
}
