// admins add / passwd / del: the dashboard's users (EMQX's `emqx ctl
// admins`), with EMQX's rules and reasons. POST /api/v5/users, DELETE
// /api/v5/users/:username and .../change_pwd call the same handlers. A
// password change or a removal revokes the user's login tokens, as in EMQX.
#include "emqxd/auth/admin_store.h"
#include "emqxd/auth/dashboard_token.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/log/log.h"

namespace emqx::ctl {

namespace {

using Result = auth::AdminStore::Result;

// Answers a store change that did not succeed; false when it did.
bool failed(Result r, const std::string& error, const Responder& reply) {
    switch (r) {
        case Result::Done: return false;
        case Result::NotFound: reply.fail(code::kNotFound, "username_not_found"); return true;
        case Result::Invalid: reply.fail(code::kBadArgs, error); return true;
        case Result::Exists: reply.fail(code::kFailed, error); return true;
        case Result::NotSaved: reply.fail(code::kFailed, error); return true;
    }
    return true;
}

}  // namespace

void registerAdminCommands(Registry& r) {
    r.add("admins.add", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string username = args["username"].get<std::string>();
        std::string error;
        Result res = cx.broker.admins->add(username, args["password"].get<std::string>(),
                                           args.value("role", std::string(auth::kAdminRole)),
                                           args.value("description", std::string()), error);
        if (failed(res, error, reply)) return;
        log::info("dashboard: user {} added", username);
        reply.ok(auth::adminUserJson(*cx.broker.admins->find(username)));
    });

    r.add("admins.passwd", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string username = args["username"].get<std::string>();
        std::string error;
        if (failed(cx.broker.admins->setPassword(username, args["password"].get<std::string>(), error), error, reply))
            return;
        cx.broker.dashboard_tokens->revokeUser(username);
        log::info("dashboard: password of {} changed; its login tokens are revoked", username);
        reply.ok({{"result", "ok"}, {"username", username}});
    });

    r.add("admins.del", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string username = args["username"].get<std::string>();
        std::string error;
        if (failed(cx.broker.admins->remove(username, error), error, reply)) return;
        cx.broker.dashboard_tokens->revokeUser(username);
        log::info("dashboard: user {} deleted; its login tokens are revoked", username);
        reply.ok({{"result", "ok"}, {"username", username}});
    });
}

}  // namespace emqx::ctl
