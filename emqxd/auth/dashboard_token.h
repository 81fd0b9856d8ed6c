#pragma once
// The dashboard's login tokens (EMQX's `POST /login` bearer tokens): 32
// random bytes (OpenSSL RAND_bytes) shown once, to the client that logged in;
// only their SHA-256 is kept, in memory (a restart logs everyone out). A
// token lives dashboard.token_expired_time past its last use (EMQX moves the
// expiry at every use too); logout, a password change or the user's removal
// revokes it. Owner: the control loop.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace emqx::auth {

struct TokenOwner {
    std::string username;
    std::string role;
    // Logged in with the default user's default password: the token may only
    // change that password or log out (docs/http-api.md).
    bool must_change_password = false;
};

class DashboardTokens {
public:
    // Live tokens one user may hold; a login past it drops the user's least
    // recently used one, so logging in in a loop cannot fill the memory.
    static constexpr size_t kMaxPerUser = 100;

    explicit DashboardTokens(int64_t ttl_ms);

    // A new token for `owner`, valid until now + ttl. Expired tokens are
    // forgotten here, so the table holds only live ones.
    std::string issue(TokenOwner owner, int64_t now_ms);

    enum class Check { Valid, Expired, Unknown };
    // Valid: `owner` is set and the token's expiry moves to now + ttl.
    // An expired token is forgotten once reported.
    Check verify(std::string_view token, int64_t now_ms, TokenOwner& owner);

    // The owner of a live token, without touching its expiry; null when unknown.
    const TokenOwner* owner(std::string_view token) const;

    // Logout: false when the token is unknown or not `username`'s.
    bool revoke(std::string_view token, std::string_view username);
    // Every token of `username` (its password changed, or it was removed).
    void revokeUser(std::string_view username);

    size_t size() const { return by_hash_.size(); }

private:
    struct Entry {
        TokenOwner owner;
        int64_t expires_at_ms = 0;
    };
    int64_t ttl_ms_;
    std::unordered_map<std::string, Entry> by_hash_;  // SHA-256 of the token (hex) -> its owner
};

}  // namespace emqx::auth
