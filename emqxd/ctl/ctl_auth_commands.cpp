// emqxctl users / acl / authz / banned. Passwords are hashed at once and never
// logged (the request line is not logged either).
#include "common/clock/wall_clock.h"
#include "emqxd/auth/security.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/client_owner.h"
#include "emqxd/ctl/control_loop_inbox.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/log/log.h"
#include "emqxd/net/connection.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/session/session.h"
#include "emqxd/storage/durable_store.h"
#include "emqxd/worker/worker.h"

namespace emqx::ctl {

namespace {

bool needUsers(BrokerContext& ctx, const Responder& reply) {
    if (ctx.security && ctx.security->users() && ctx.security->userHash()) return true;
    reply.fail(code::kFailed, "no built_in_database authenticator is configured (authentication)");
    return false;
}

void setPassword(BrokerContext& ctx, const Json& args, const Responder& reply, bool must_exist) {
    if (!needUsers(ctx, reply)) return;
    auth::UserStore& users = *ctx.security->users();
    std::string id = args["user_id"].get<std::string>();
    if (id.empty()) return reply.fail(code::kBadArgs, "user_id must not be empty");
    auto existing = users.find(id);
    if (must_exist && !existing) return reply.fail(code::kNotFound, "Not Found: user " + id);
    if (!must_exist && existing) return reply.fail(code::kFailed, "user " + id + " already exists");
    bool superuser = existing ? existing->is_superuser : false;
    if (auto it = args.find("is_superuser"); it != args.end()) {
        if (*it != "true" && *it != "false") return reply.fail(code::kBadArgs, "is_superuser: expected true or false");
        superuser = *it == "true";
    }
    auth::StoredHash h = auth::makeHash(*ctx.security->userHash(), args["password"].get_ref<const std::string&>());
    if (h.hash.empty()) return reply.fail(code::kFailed, "cannot hash the password");
    auth::UserRecord r{id, std::move(h.hash), std::move(h.salt), superuser};
    std::string error;
    if (!users.put(r, error)) return reply.fail(code::kFailed, error);
    reply.ok({{"user_id", id}, {"is_superuser", superuser}, {"result", must_exist ? "updated" : "added"}});
}

Json banJson(const auth::BanEntry& e) {
    return {{"as", e.as}, {"who", e.who},  {"reason", e.reason},
            {"by", e.by}, {"at", e.at_ms}, {"until", e.until_ms ? Json(e.until_ms) : Json("infinity")}};
}

// A ban change is answered once the durable store has committed it (`seq`
// 0: memory only, answered at once), so what emqxctl reported survives a crash.
void answerOnceCommitted(const CommandContext& cx, uint64_t seq, const Responder& reply, Json data) {
    if (seq == 0 || !cx.broker.durable) return reply.ok(data);
    ControlLoopInbox* back = &cx.control_loop;
    cx.broker.durable->whenCommitted(seq, [back, reply, data = std::move(data)] {
        back->post([reply, data] { reply.ok(data); });  // the writer thread hands it to the control loop
    });
}

}  // namespace

void registerAuthCommands(Registry& r) {
    r.add("users.add", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        setPassword(cx.broker, args, reply, false);
    });
    r.add("users.passwd", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        setPassword(cx.broker, args, reply, true);
    });
    r.add("users.del", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        if (!needUsers(cx.broker, reply)) return;
        std::string id = args["user_id"].get<std::string>();
        std::string error;
        if (!cx.broker.security->users()->erase(id, error))
            return error.empty() ? reply.fail(code::kNotFound, "Not Found: user " + id)
                                 : reply.fail(code::kFailed, error);
        reply.ok({{"user_id", id}, {"result", "deleted"}});
    });
    r.add("users.list", [](const CommandContext& cx, const Json&, const Responder& reply) {
        if (!needUsers(cx.broker, reply)) return;
        Json list = Json::array();
        for (const auto& u : cx.broker.security->users()->list())
            list.push_back({{"user_id", u.user_id}, {"is_superuser", u.is_superuser}});
        reply.ok({{"users", list}});
    });

    r.add("acl.reload", [](const CommandContext& cx, const Json&, const Responder& reply) {
        if (!cx.broker.security) return reply.fail(code::kFailed, "authorization is not running");
        std::string error;
        if (!cx.broker.security->authorizer().reload(error)) {
            log::warn("acl reload refused, the old rules stay: {}", error);
            return reply.fail(code::kFailed, error);
        }
        size_t n = cx.broker.security->authorizer().ruleCount();
        log::info("acl reloaded: {} rules", n);
        reply.ok({{"result", "reloaded"}, {"rules", n}});
    });

    r.add("authz.cache-clean", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        if (!cx.broker.security) return reply.fail(code::kFailed, "authorization is not running");
        std::string target = args["target"].get<std::string>();
        if (target == "all") {
            cx.broker.security->authorizer().invalidateCaches();
            return reply.ok({{"target", "all"}, {"result", "cleaned"}});
        }
        runOnClientOwner(
            cx, target,
            [target](Worker&, Session& s) {
                if (Channel* ch = channelOf(s)) ch->clearAuthzCache();
                return Answer::ok({{"target", target}, {"result", "cleaned"}});
            },
            reply);
    });

    r.add("banned.list", [](const CommandContext& cx, const Json&, const Responder& reply) {
        Json list = Json::array();
        if (cx.broker.security)
            for (const auto& e : cx.broker.security->banned().list(wallClockMs())) list.push_back(banJson(e));
        reply.ok({{"banned", list}});
    });
    r.add("banned.add", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        if (!cx.broker.security) return reply.fail(code::kFailed, "authentication is not running");
        std::string as = args["as"].get<std::string>();
        std::string who = args["who"].get<std::string>();
        if (!auth::Banned::validAs(as)) return reply.fail(code::kBadArgs, "as must be clientid, username or peerhost");
        if (who.empty()) return reply.fail(code::kBadArgs, "who must not be empty");
        if (args.contains("duration") && args.contains("until"))
            return reply.fail(code::kBadArgs, "give duration or until, not both");
        int64_t now = wallClockMs();
        uint64_t duration = args.value("duration", uint64_t{0});
        int64_t until = duration ? now + static_cast<int64_t>(duration) * 1000 : 0;
        if (args.contains("until")) until = static_cast<int64_t>(args["until"].get<uint64_t>()) * 1000;
        int64_t at = args.contains("at") ? static_cast<int64_t>(args["at"].get<uint64_t>()) * 1000 : now;
        auth::BanEntry e{as, who,  args.value("reason", std::string()), args.value("by", std::string("emqxctl")),
                         at, until};
        uint64_t seq = cx.broker.security->banned().add(e);
        answerOnceCommitted(cx, seq, reply, banJson(e));
    });
    r.add("banned.del", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        if (!cx.broker.security) return reply.fail(code::kFailed, "authentication is not running");
        std::string as = args["as"].get<std::string>();
        std::string who = args["who"].get<std::string>();
        uint64_t seq = 0;
        if (!cx.broker.security->banned().remove(as, who, seq))
            return reply.fail(code::kNotFound, "Not Found: banned " + as + " " + who);
        answerOnceCommitted(cx, seq, reply, {{"as", as}, {"who", who}, {"result", "deleted"}});
    });
}

}  // namespace emqx::ctl
