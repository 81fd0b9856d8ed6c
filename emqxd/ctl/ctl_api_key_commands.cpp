// api_keys list / add / del: the HTTP API's keys (EMQX's `emqx ctl api_keys`),
// answered with EMQX's fields. GET/POST /api/v5/api_key call the same handlers.
#include "common/clock/wall_clock.h"
#include "common/trace/trace_format.h"
#include "emqxd/auth/api_key_file.h"
#include "emqxd/auth/api_key_store.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"

namespace emqx::ctl {

namespace {

int64_t nowSeconds() { return wallClockMs() / 1000; }

Json keyJson(const auth::ApiKey& k) {
    bool expired = k.expired_at_s != 0 && k.expired_at_s < nowSeconds();
    return {{"name", k.name},
            {"api_key", k.api_key},
            {"enable", k.enable},
            {"expired_at", k.expired_at_s == 0 ? Json("infinity") : Json(trace::isoTimestamp(k.expired_at_s * 1000))},
            {"created_at", trace::isoTimestamp(k.created_at_s * 1000)},
            {"desc", k.desc},
            {"expired", expired},
            {"role", k.role}};
}

}  // namespace

void registerApiKeyCommands(Registry& r) {
    r.add("api_keys.list", [](const CommandContext& cx, const Json&, const Responder& reply) {
        Json keys = Json::array();
        for (const auto& k : cx.broker.api_keys->list()) keys.push_back(keyJson(k));
        reply.ok(keys);
    });

    r.add("api_keys.add", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string name = args["name"].get<std::string>();
        std::string error;
        auto secret = cx.broker.api_keys->create(name, args.value("desc", std::string()),
                                                 args.value("role", std::string(auth::kDefaultApiKeyRole)),
                                                 nowSeconds(), error);
        if (!secret) return reply.fail(code::kBadArgs, error);
        Json out = keyJson(*cx.broker.api_keys->find(name));
        out["api_secret"] = *secret;
        reply.ok(out);
    });

    r.add("api_keys.del", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string name = args["name"].get<std::string>();
        std::string error;
        switch (cx.broker.api_keys->remove(name, error)) {
            case auth::ApiKeyStore::Removal::Removed: return reply.ok({{"result", "ok"}, {"name", name}});
            case auth::ApiKeyStore::Removal::NotFound: return reply.fail(code::kNotFound, "Name NOT FOUND");
            case auth::ApiKeyStore::Removal::NotSaved: return reply.fail(code::kFailed, error);
        }
    });
}

}  // namespace emqx::ctl
