#pragma once
// The license (`emqxctl license info|reload`). A license file is JSON:
//
//   {"license":"<payload JSON, as a string>","signature":"<base64 Ed25519 signature>"}
//
// where the signature is over the exact bytes of the "license" string, and the
// payload holds customer, customer_type (trial, small, standard, ...),
// max_connections (> 0), issued_at and expiry_at (YYYY-MM-DD, UTC; the license
// is valid through its expiry day), and optionally email and deployment. The
// public key is built in; license.public_key_file (PEM) overrides it, which is
// what the tests do.
//
// Without a license file the node runs under the community license: no
// connection limit, no expiry. Only connections are gated (the FAQ): past
// expiry, trial and small licenses admit no new MQTT connection (existing
// ones stay); every license refuses connections beyond max_connections.
// Applying (reload, update) a trial or small license that has already expired
// is refused unless forced, since it would at once refuse every new connection.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace emqx::license {

struct License {
    bool community = true;
    std::string customer = "community";
    std::string customer_type = "community";
    std::string email;
    std::string deployment = "default";
    uint64_t max_connections = 0;  // 0: unlimited
    std::string issued_at;         // YYYY-MM-DD; empty for community
    std::string expiry_at;
    int64_t issued_ms = 0;
    int64_t expiry_ms = 0;  // the first instant after the expiry day; 0: never

    bool expired(int64_t now_ms) const { return expiry_ms != 0 && now_ms >= expiry_ms; }
    // trial and small licenses admit no new connection once expired.
    bool blocksWhenExpired() const { return customer_type == "trial" || customer_type == "small"; }
    bool refusesEveryConnection(int64_t now_ms) const { return expired(now_ms) && blocksWhenExpired(); }
    // EMQX's license type: trial or official (community without a license).
    std::string_view type() const { return community ? "community" : customer_type == "trial" ? "trial" : "official"; }
    // Whole days until expiry (negative once expired); 0 for no expiry.
    int64_t daysLeft(int64_t now_ms) const;
};

// Days since 1970-01-01 of a YYYY-MM-DD date; nullopt when malformed.
std::optional<int64_t> parseDate(std::string_view ymd);

// Checks format, signature and dates of a license file's contents. `public_key_pem`
// empty: the built-in key. On failure returns nullopt with a message naming
// what is wrong.
std::optional<License> parseLicense(std::string_view text, const std::string& public_key_pem, std::string& error);

// The license in force. Owner: the control loop (load, reload); admit() is
// called by workers at every CONNECT.
class LicenseManager {
public:
    enum class Admit { Ok, Expired, TooMany };

    LicenseManager();

    // At start: remembers where the license lives and the key that signs it,
    // and loads `path` if it exists (a bad file fails the start). `warning` is
    // set when the license has expired.
    bool load(const std::string& path, const std::string& public_key_pem, std::string& error, std::string& warning);
    // Verifies `source` (empty: the installed file again), copies it over the
    // installed file (the old one kept as <file>.bak), and makes it the license
    // in force. On failure the old license stays. An already expired trial or
    // small license is refused unless `force`.
    bool reload(const std::string& source, bool force, std::string& error);
    // EMQX 5's `license update`: `key` is the license itself (a license file's
    // contents) or file://<absolute path>; installed and applied as reload does.
    bool update(const std::string& key, bool force, std::string& error);
    const std::string& path() const { return path_; }

    std::shared_ptr<const License> current() const;

    // --- any thread ---
    // `connections` is the number of connections besides the one asking.
    Admit admit(uint64_t connections, int64_t now_ms) const;
    void countRefused(Admit why);
    uint64_t refusedExpired() const { return refused_expired_.load(std::memory_order_relaxed); }
    uint64_t refusedMaxConnections() const { return refused_max_.load(std::memory_order_relaxed); }

private:
    void apply(std::shared_ptr<const License> l);
    // Verifies `text`, writes it over the installed file unless it was read
    // from there (`source` names the file it came from, empty for a key), applies it.
    bool install(const std::string& text, const std::string& source, bool force, std::string& error);

    std::string path_;
    std::string public_key_pem_;
    mutable std::mutex mutex_;
    std::shared_ptr<const License> current_;
    std::atomic<uint64_t> max_connections_{0};
    std::atomic<int64_t> expiry_ms_{0};
    std::atomic<bool> blocks_when_expired_{false};
    std::atomic<uint64_t> refused_expired_{0};
    std::atomic<uint64_t> refused_max_{0};
};

}  // namespace emqx::license
