// Authorization of PUBLISH and SUBSCRIBE (docs/security.md): the rules live in
// BrokerContext::security; each channel caches its results.
#include "emqxd/auth/security.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/protocol/connection_port.h"

namespace emqx {

using mqtt::PacketType;
using mqtt::ProtocolVersion;
using mqtt::ReasonCode;

bool Channel::authorize(authz::Action action, std::string_view topic) {
    auth::Security* sec = ctx().security.get();
    if (!sec) return true;
    authz::Authorizer& az = sec->authorizer();
    const auto& cfg = az.config();
    Metrics& metrics = runtime().metrics();
    metrics.add(Metric::ClientAuthorize);
    // As EMQX, a superuser passes every rule (no_match = deny too).
    if (superuser_ && az.superuserMay(action, topic)) {
        metrics.add(Metric::AuthorizationAllow);
        return true;
    }
    int64_t now = runtime().nowMs();
    uint64_t gen = az.generation();
    std::optional<bool> result;
    if (cfg.cache_enable && authz_cache_) {
        result = authz_cache_->get(action, topic, now, gen);
        if (result) metrics.add(Metric::AuthorizationCacheHit);
    }
    if (!result) {
        authz::Decision decision = az.decide(authz::ClientInfo{clientId(), username(), conn_.peer()}, action, topic);
        ctx().hooks.run(hooks::ClientAuthorize{view(), action, topic, decision});
        result = decision.allow;
        if (cfg.cache_enable) {
            if (!authz_cache_) authz_cache_ = std::make_unique<authz::Cache>();
            authz_cache_->put(action, topic, *result, now + cfg.cache_ttl, gen, cfg.cache_max_size);
        }
    }
    metrics.add(*result ? Metric::AuthorizationAllow : Metric::AuthorizationDeny);
    return *result;
}

bool Channel::publishAllowed(const mqtt::Publish& p, std::string_view topic) {
    if (authorize(authz::Action::Publish, topic)) return true;
    auth::Security* sec = ctx().security.get();
    if (sec && sec->authorizer().config().deny_action == "disconnect") {
        disconnect(ReasonCode::NotAuthorized, ShutdownReason::NotAuthorized);
        return false;
    }
    runtime().metrics().add(Metric::PacketsPublishDropped);
    if (p.qos > 0) {
        // MQTT 5 is told (0x87); 3.1.1 has no way to say it: acknowledged and dropped.
        ReasonCode rc = version_ == ProtocolVersion::V5 ? ReasonCode::NotAuthorized : ReasonCode::Success;
        send(mqtt::PubResponse{p.qos == 1 ? PacketType::Puback : PacketType::Pubrec, p.packet_id, rc, {}});
    }
    return false;
}

}  // namespace emqx
