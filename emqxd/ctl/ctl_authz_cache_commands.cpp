// authz cache-list: one client's cached authorization results (EMQX's
// `GET /clients/:clientid/authorization/cache`), read on the worker that owns
// the client's connection.
#include "emqxd/auth/security.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/client_owner.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/worker/worker.h"

namespace emqx::ctl {

namespace {

// The cache keeps when a result expires (on the worker's loop clock); EMQX
// shows when it was cached, on the wall clock.
Json cachedResults(Worker& w, const Channel& ch, const authz::Authorizer& az) {
    Json list = Json::array();
    const authz::Cache* cache = ch.authzCache();
    if (!cache) return list;
    int64_t now = w.runtime().nowMs();
    int64_t to_wall = w.runtime().loopWallMs() - now;
    int64_t ttl = az.config().cache_ttl;
    cache->forEachLive(now, az.generation(),
                       [&](authz::Action a, std::string_view topic, bool allow, int64_t expires_ms) {
                           list.push_back({{"access", a == authz::Action::Publish ? "publish" : "subscribe"},
                                           {"topic", topic},
                                           {"result", allow ? "allow" : "deny"},
                                           {"updated_time", expires_ms - ttl + to_wall}});
                       });
    return list;
}

}  // namespace

void registerAuthzCacheCommands(Registry& r) {
    r.add("authz.cache-list", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string clientid = args["clientid"].get<std::string>();
        // Without authorization nothing is checked, so nothing is cached.
        const authz::Authorizer* az = cx.broker.security ? &cx.broker.security->authorizer() : nullptr;
        runOnClientOwner(
            cx, clientid,
            [clientid, az](Worker& w, Session& s) {
                Channel* ch = channelOf(s);
                Json cache = ch && az ? cachedResults(w, *ch, *az) : Json::array();
                return Answer::ok({{"clientid", clientid}, {"cache", std::move(cache)}});
            },
            reply);
    });
}

}  // namespace emqx::ctl
