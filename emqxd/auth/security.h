#pragma once
// Authentication (the `authentication` chain, allow_anonymous), banned
// clients, flapping detection and authorization, as one object the broker
// shares (BrokerContext::security). docs/security.md. Any thread.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/config/broker_config.h"
#include "common/mqtt/packet.h"
#include "common/mqtt/reason_code.h"
#include "common/mqtt/shutdown_reason.h"
#include "emqxd/auth/banned.h"
#include "emqxd/auth/password_hash.h"
#include "emqxd/auth/user_store.h"
#include "emqxd/authz/authz.h"

namespace emqx {
class Metrics;
}

namespace emqx::auth {

// Verify: a slow password hash decides (Allow when it matches, BadCredentials
// otherwise); the authenticator handed back the PasswordCheck to run.
enum class Verdict { Allow, Ignore, BadCredentials, NotAuthorized, Verify };

// A password to check against a stored hash away from the worker thread
// (bcrypt, pbkdf2). It holds copies, so it outlives the CONNECT and the
// user's record; run() touches nothing else and may run on any thread.
struct PasswordCheck {
    HashAlgorithm algo;
    std::string password;
    StoredHash stored;
    bool superuser = false;  // the user's flag, granted when the password matches
    bool run() const { return verifyPassword(algo, password, stored); }
};

struct Credentials {
    const std::string& clientid;
    const std::optional<std::string>& username;
    const std::optional<std::string>& password;
};

class Authenticator {
public:
    virtual ~Authenticator() = default;
    // Verdict::Verify only with `slow` filled in. `superuser` is set with
    // Verdict::Allow for a user the authenticator's store makes one.
    virtual Verdict authenticate(const Credentials& c, std::optional<PasswordCheck>& slow, bool& superuser) const = 0;
};

class BuiltInDatabase final : public Authenticator {
public:
    BuiltInDatabase(const config::AuthenticatorConfig& cfg, UserStore& store);
    // A slow hash (bcrypt, pbkdf2) is not computed here: Verdict::Verify.
    Verdict authenticate(const Credentials& c, std::optional<PasswordCheck>& slow, bool& superuser) const override;
    const HashAlgorithm& algorithm() const { return algo_; }

private:
    bool by_clientid_;
    HashAlgorithm algo_;
    UserStore& store_;
};

class ClientIdAllowlist final : public Authenticator {
public:
    explicit ClientIdAllowlist(const std::string& comma_joined);
    Verdict authenticate(const Credentials& c, std::optional<PasswordCheck>& slow, bool& superuser) const override;

private:
    std::vector<std::string> ids_;
};

struct Refusal {
    mqtt::ReasonCode code;
    ShutdownReason reason;
};

class Security {
public:
    Security(const config::BrokerConfig& cfg);

    // Opens the user store, imports bootstrap files and loads the ACL
    // sources; false with `error` naming what failed. `users`: the durable
    // store's users (RocksDbUserStore); null: <data_dir>/auth/users.json.
    bool start(std::string& error, std::unique_ptr<UserStore> users = nullptr);

    // What admit() decided: admitted (both empty), refused, or not yet: a
    // slow password check decides, run off the worker, then passed to checked().
    // An admitted superuser (a built-in database user marked so) skips
    // authorization (EMQX's is_superuser); with a check, check->superuser says it.
    struct Admission {
        std::optional<Refusal> refusal;
        std::optional<PasswordCheck> check;
        bool superuser = false;
    };
    // A CONNECT: banned, then the chain. Counts the authentication metrics on
    // `metrics` (the caller's worker).
    Admission admit(const mqtt::Connect& c, const std::string& peer, Metrics& metrics, int64_t now_ms);
    // The result of admit()'s check: nullopt admits, otherwise how to refuse.
    // Counts as admit() would have (and a failure for flapping detection),
    // also when the client has gone meanwhile.
    std::optional<Refusal> checked(bool ok, const std::string& clientid, const std::string& peer, Metrics& metrics,
                                   int64_t now_ms);

    UserStore* users() { return users_.get(); }
    // The first built-in database's hash (emqxctl users add); null without one.
    const HashAlgorithm* userHash() const { return user_hash_ ? &*user_hash_ : nullptr; }
    Banned& banned() { return banned_; }
    authz::Authorizer& authorizer() { return authorizer_; }

    // A will about to be sent: refused when its client may not publish to
    // `topic` now (a superuser may, Authorizer::superuserMay), or is banned
    // now (as EMQX checks a will when it sends it).
    // Counts client.authorize and authorization.allow|deny on `metrics`.
    // nullopt: send it; otherwise why not, for the trace.
    std::optional<std::string> willRefusal(const authz::ClientInfo& who, bool superuser, std::string_view topic,
                                           Metrics& metrics, int64_t now_ms);

private:
    Refusal failed(mqtt::ReasonCode code, ShutdownReason reason, const std::string& clientid, const std::string& host,
                   Metrics& metrics, int64_t now_ms);

    const config::BrokerConfig& cfg_;
    std::unique_ptr<UserStore> users_;
    std::optional<HashAlgorithm> user_hash_;
    std::vector<std::unique_ptr<Authenticator>> chain_;
    Banned banned_;
    FlappingDetector flapping_;
    authz::Authorizer authorizer_;
};

}  // namespace emqx::auth
