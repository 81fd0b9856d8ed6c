#include "emqxd/auth/dashboard_token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "emqxd/auth/password_hash.h"

namespace emqx::auth {

namespace {

// The token as it is kept: a plain SHA-256 is enough for 256 random bits
// (nothing to guess), and the table never holds what a client may send.
std::string tokenHash(std::string_view token) {
    static const HashAlgorithm algo{"sha256", "disable", "sha256", 0, 0};
    return computeHash(algo, token, "").value_or("");
}

// 32 random bytes, base64url without padding (43 characters).
std::string newToken() {
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) throw std::runtime_error("RAND_bytes failed: no token issued");
    unsigned char b64[48];
    int n = EVP_EncodeBlock(b64, raw, sizeof raw);
    std::string out;
    for (int i = 0; i < n; ++i) {
        char c = static_cast<char>(b64[i]);
        if (c == '=') break;
        out.push_back(c == '+' ? '-' : c == '/' ? '_' : c);
    }
    return out;
}

}  // namespace

DashboardTokens::DashboardTokens(int64_t ttl_ms) : ttl_ms_(ttl_ms) {}

std::string DashboardTokens::issue(TokenOwner owner, int64_t now_ms) {
    std::erase_if(by_hash_, [now_ms](const auto& kv) { return kv.second.expires_at_ms <= now_ms; });
    size_t held = 0;
    auto least_recent = by_hash_.end();
    for (auto it = by_hash_.begin(); it != by_hash_.end(); ++it) {
        if (it->second.owner.username != owner.username) continue;
        ++held;
        if (least_recent == by_hash_.end() || it->second.expires_at_ms < least_recent->second.expires_at_ms)
            least_recent = it;
    }
    if (held >= kMaxPerUser) by_hash_.erase(least_recent);
    std::string token = newToken();
    by_hash_[tokenHash(token)] = Entry{std::move(owner), now_ms + ttl_ms_};
    return token;
}

DashboardTokens::Check DashboardTokens::verify(std::string_view token, int64_t now_ms, TokenOwner& owner) {
    auto it = by_hash_.find(tokenHash(token));
    if (it == by_hash_.end()) return Check::Unknown;
    if (it->second.expires_at_ms <= now_ms) {
        by_hash_.erase(it);
        return Check::Expired;
    }
    it->second.expires_at_ms = now_ms + ttl_ms_;
    owner = it->second.owner;
    return Check::Valid;
}

const TokenOwner* DashboardTokens::owner(std::string_view token) const {
    auto it = by_hash_.find(tokenHash(token));
    return it == by_hash_.end() ? nullptr : &it->second.owner;
}

bool DashboardTokens::revoke(std::string_view token, std::string_view username) {
    auto it = by_hash_.find(tokenHash(token));
    if (it == by_hash_.end() || it->second.owner.username != username) return false;
    by_hash_.erase(it);
    return true;
}

void DashboardTokens::revokeUser(std::string_view username) {
    std::erase_if(by_hash_, [username](const auto& kv) { return kv.second.owner.username == username; });
}

}  // namespace emqx::auth
