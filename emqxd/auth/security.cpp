#include "emqxd/auth/security.h"

#include <filesystem>

#include "common/net/peer_address.h"
#include "emqxd/log/log.h"
#include "emqxd/metrics/metrics.h"

namespace emqx::auth {

namespace {

HashAlgorithm algorithmOf(const config::AuthenticatorConfig& a) {
    HashAlgorithm h;
    h.name = a.password_hash_algorithm;
    h.salt_position = a.salt_position;
    h.mac_fun = a.mac_fun;
    h.iterations = a.iterations;
    h.salt_rounds = a.salt_rounds;
    return h;
}

}  // namespace

BuiltInDatabase::BuiltInDatabase(const config::AuthenticatorConfig& cfg, UserStore& store)
    : by_clientid_(cfg.user_id_type == "clientid"), algo_(algorithmOf(cfg)), store_(store) {}

Verdict BuiltInDatabase::authenticate(const Credentials& c, std::optional<PasswordCheck>& slow, bool& superuser) const {
    const std::string* id = by_clientid_ ? &c.clientid : (c.username ? &*c.username : nullptr);
    if (!id || id->empty()) return Verdict::Ignore;
    auto user = store_.find(*id);
    if (!user) return Verdict::Ignore;
    static const std::string kEmpty;
    const std::string& pw = c.password ? *c.password : kEmpty;
    if (isSlow(algo_)) {
        slow = PasswordCheck{algo_, pw, StoredHash{std::move(user->password_hash), std::move(user->salt)},
                             user->is_superuser};
        return Verdict::Verify;
    }
    if (!verifyPassword(algo_, pw, StoredHash{user->password_hash, user->salt})) return Verdict::BadCredentials;
    superuser = user->is_superuser;
    return Verdict::Allow;
}

ClientIdAllowlist::ClientIdAllowlist(const std::string& joined) {
    size_t start = 0;
    while (start <= joined.size()) {
        size_t comma = joined.find(',', start);
        std::string id = joined.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!id.empty()) ids_.push_back(std::move(id));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
}

Verdict ClientIdAllowlist::authenticate(const Credentials& c, std::optional<PasswordCheck>&, bool&) const {
    for (const auto& id : ids_)
        if (id == c.clientid) return Verdict::Allow;
    return Verdict::NotAuthorized;
}

Security::Security(const config::BrokerConfig& cfg)
    : cfg_(cfg), flapping_(cfg.flapping_detect, banned_), authorizer_(cfg.authorization) {}

bool Security::start(std::string& error, std::unique_ptr<UserStore> users) {
    namespace fs = std::filesystem;
    for (const auto& a : cfg_.authentication) {
        if (!a.enable) continue;
        if (a.mechanism == "clientid_allowlist") {
            chain_.push_back(std::make_unique<ClientIdAllowlist>(a.clientids));
            continue;
        }
        if (!users_ && users) {
            users_ = std::move(users);
            user_hash_ = algorithmOf(a);
        } else if (!users_) {
            auto store =
                std::make_unique<FileUserStore>((fs::path(cfg_.node.data_dir) / "auth" / "users.json").string());
            if (!store->open(error)) {
                error = "authentication: " + error;
                return false;
            }
            users_ = std::move(store);
            user_hash_ = algorithmOf(a);
        }
        auto db = std::make_unique<BuiltInDatabase>(a, *users_);
        if (!a.bootstrap_file.empty()) {
            size_t n = 0;
            if (!importBootstrap(*users_, a.bootstrap_file, a.bootstrap_type == "plain", db->algorithm(), n, error)) {
                error = "authentication: " + error;
                return false;
            }
            if (n) log::info("authentication: {} users imported from {}", n, a.bootstrap_file);
        }
        chain_.push_back(std::move(db));
    }
    if (!authorizer_.reload(error)) {
        error = "authorization: " + error;
        return false;
    }
    return true;
}

std::optional<std::string> Security::willRefusal(const authz::ClientInfo& who, bool superuser, std::string_view topic,
                                                 Metrics& metrics, int64_t now_ms) {
    if (banned_.isBanned(std::string(who.clientid), std::string(who.username), std::string(net::peerHost(who.peer)),
                         now_ms))
        return "banned";
    metrics.add(Metric::ClientAuthorize);
    if (superuser && authorizer_.superuserMay(authz::Action::Publish, topic)) {
        metrics.add(Metric::AuthorizationAllow);
        return std::nullopt;
    }
    authz::Decision d = authorizer_.decide(who, authz::Action::Publish, topic);
    metrics.add(d.allow ? Metric::AuthorizationAllow : Metric::AuthorizationDeny);
    if (d.allow) return std::nullopt;
    return "not authorized: " + d.describe();
}

Security::Admission Security::admit(const mqtt::Connect& c, const std::string& peer, Metrics& metrics, int64_t now_ms) {
    std::string host(net::peerHost(peer));
    if (banned_.isBanned(c.client_id, c.username.value_or(""), host, now_ms))
        return {Refusal{mqtt::ReasonCode::Banned, ShutdownReason::Banned}, std::nullopt};
    metrics.add(Metric::ClientAuthenticate);
    if (chain_.empty()) {
        metrics.add(Metric::ClientAuthAnonymous);
        metrics.add(Metric::AuthenticationSuccessAnonymous);
        return {};
    }
    Credentials cred{c.client_id, c.username, c.password};
    for (const auto& a : chain_) {
        std::optional<PasswordCheck> slow;
        bool superuser = false;
        switch (a->authenticate(cred, slow, superuser)) {
            case Verdict::Allow:
                metrics.add(Metric::AuthenticationSuccess);
                return {std::nullopt, std::nullopt, superuser};
            case Verdict::Ignore: continue;
            case Verdict::Verify: return {std::nullopt, std::move(slow)};
            case Verdict::BadCredentials:
                return {failed(mqtt::ReasonCode::BadUserNameOrPassword, ShutdownReason::BadUsernameOrPassword,
                               c.client_id, host, metrics, now_ms),
                        std::nullopt};
            case Verdict::NotAuthorized:
                return {failed(mqtt::ReasonCode::NotAuthorized, ShutdownReason::NotAuthorized, c.client_id, host,
                               metrics, now_ms),
                        std::nullopt};
        }
    }
    if (cfg_.mqtt.allow_anonymous) {
        metrics.add(Metric::ClientAuthAnonymous);
        metrics.add(Metric::AuthenticationSuccessAnonymous);
        return {};
    }
    return {failed(mqtt::ReasonCode::NotAuthorized, ShutdownReason::NotAuthorized, c.client_id, host, metrics, now_ms),
            std::nullopt};
}

std::optional<Refusal> Security::checked(bool ok, const std::string& clientid, const std::string& peer,
                                         Metrics& metrics, int64_t now_ms) {
    if (ok) {
        metrics.add(Metric::AuthenticationSuccess);
        return std::nullopt;
    }
    return failed(mqtt::ReasonCode::BadUserNameOrPassword, ShutdownReason::BadUsernameOrPassword, clientid,
                  std::string(net::peerHost(peer)), metrics, now_ms);
}

Refusal Security::failed(mqtt::ReasonCode code, ShutdownReason reason, const std::string& clientid,
                         const std::string& host, Metrics& metrics, int64_t now_ms) {
    metrics.add(Metric::AuthenticationFailure);
    flapping_.failure(clientid, host, now_ms);
    return Refusal{code, reason};
}

}  // namespace emqx::auth
