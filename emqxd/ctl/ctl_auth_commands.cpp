// emqxctl users / acl / authz / banned. Passwords are hashed at once and never
// logged (the request line is not logged either).
#include "emqxd/ctl/ctl_auth_commands.h"

#include "emqxd/broker/broker_context.h"
#include "emqxd/auth/security.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/ctl/ctl_server.h"
#include "emqxd/ctl/for_each_worker.h"
#include "emqxd/log/log.h"
#include "emqxd/net/connection.h"
#include "emqxd/protocol/channel.h"
#include "emqxd/session/session.h"
#include "emqxd/storage/durable_store.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/worker/worker.h"

namespace emqx::ctl {

namespace {

bool needUsers(BrokerContext& ctx, const Responder& respond) {
    if (ctx.security && ctx.security->users() && ctx.security->userHash()) return true;
    respond.error(code::kFailed, "no built_in_database authenticator is configured (authentication)");
    return false;
}

void setPassword(BrokerContext& ctx, const Json& args, const Responder& respond, bool must_exist) {
    if (!needUsers(ctx, respond)) return;
    auth::UserStore& users = *ctx.security->users();
    std::string id = args["user_id"].get<std::string>();
    if (id.empty()) return respond.error(code::kBadArgs, "user_id must not be empty");
    auto existing = users.find(id);
    if (must_exist && !existing) return respond.error(code::kNotFound, "Not Found: user " + id);
    if (!must_exist && existing) return respond.error(code::kFailed, "user " + id + " already exists");
    auth::StoredHash h = auth::makeHash(*ctx.security->userHash(), args["password"].get_ref<const std::string&>());
    if (h.hash.empty()) return respond.error(code::kFailed, "cannot hash the password");
    auth::UserRecord r{id, std::move(h.hash), std::move(h.salt), existing ? existing->is_superuser : false};
    std::string error;
    if (!users.put(r, error)) return respond.error(code::kFailed, error);
    respond.ok({{"user_id", id}, {"result", must_exist ? "updated" : "added"}});
}

Json banJson(const auth::BanEntry& e) {
    return {{"as", e.as},
            {"who", e.who},
            {"reason", e.reason},
            {"by", e.by},
            {"at", e.at_ms},
            {"until", e.until_ms ? Json(e.until_ms) : Json("infinity")}};
}

// A ban change is answered once the durable store has committed it (`seq`
// 0: memory only, answered at once), so what emqxctl reported survives a crash.
void answerOnceCommitted(BrokerContext& ctx, CtlServer& srv, uint64_t seq, const Responder& respond, Json data) {
    if (seq == 0 || !ctx.durable) return respond.ok(data);
    ControlLoopInbox* back = &srv.inbox();
    ctx.durable->whenCommitted(seq, [back, respond, data = std::move(data)] {
        back->post([respond, data] { respond.ok(data); });  // the writer thread hands it to the control loop
    });
}

}  // namespace

void registerAuthCommands(Registry& r, CtlServer& server) {
    CtlServer* srv = &server;
    BrokerContext* cp = &server.context();

    r.add("users.add", [cp](const Json& a, const Responder& rp) { setPassword(*cp, a, rp, false); });
    r.add("users.passwd", [cp](const Json& a, const Responder& rp) { setPassword(*cp, a, rp, true); });
    r.add("users.del", [cp](const Json& args, const Responder& respond) {
        if (!needUsers(*cp, respond)) return;
        std::string id = args["user_id"].get<std::string>();
        std::string error;
        if (!cp->security->users()->erase(id, error))
            return error.empty() ? respond.error(code::kNotFound, "Not Found: user " + id)
                                 : respond.error(code::kFailed, error);
        respond.ok({{"user_id", id}, {"result", "deleted"}});
    });
    r.add("users.list", [cp](const Json&, const Responder& respond) {
        if (!needUsers(*cp, respond)) return;
        Json list = Json::array();
        for (const auto& u : cp->security->users()->list())
            list.push_back({{"user_id", u.user_id}, {"is_superuser", u.is_superuser}});
        respond.ok({{"users", list}});
    });

    r.add("acl.reload", [cp](const Json&, const Responder& respond) {
        if (!cp->security) return respond.error(code::kFailed, "authorization is not running");
        std::string error;
        if (!cp->security->authorizer().reload(error)) {
            log::warn("acl reload refused, the old rules stay: {}", error);
            return respond.error(code::kFailed, error);
        }
        size_t n = cp->security->authorizer().ruleCount();
        log::info("acl reloaded: {} rules", n);
        respond.ok({{"result", "reloaded"}, {"rules", n}});
    });

    r.add("authz.cache-clean", [cp, srv](const Json& args, const Responder& respond) {
        if (!cp->security) return respond.error(code::kFailed, "authorization is not running");
        std::string target = args["target"].get<std::string>();
        if (target == "all") {
            cp->security->authorizer().invalidateCaches();
            return respond.ok({{"target", "all"}, {"result", "cleaned"}});
        }
        forEachWorker<Json>(
            *cp, srv->inbox(),
            [target](Worker& w) {
                Session* s = w.shard().findSessionByClientId(target);
                if (!s) return Json(nullptr);
                if (Channel* ch = w.channelOf(s->id())) ch->clearAuthzCache();
                return Json(true);
            },
            [target, respond](std::vector<Json>& parts) {
                for (auto& p : parts)
                    if (!p.is_null()) return respond.ok({{"target", target}, {"result", "cleaned"}});
                respond.error(code::kNotFound, "Not Found: client " + target);
            });
    });

    r.add("banned.list", [cp](const Json&, const Responder& respond) {
        Json list = Json::array();
        if (cp->security)
            for (const auto& e : cp->security->banned().list(Worker::wallMs())) list.push_back(banJson(e));
        respond.ok({{"banned", list}});
    });
    r.add("banned.add", [cp, srv](const Json& args, const Responder& respond) {
        if (!cp->security) return respond.error(code::kFailed, "authentication is not running");
        std::string as = args["as"].get<std::string>();
        std::string who = args["who"].get<std::string>();
        if (!auth::Banned::validAs(as)) return respond.error(code::kBadArgs, "as must be clientid, username or peerhost");
        if (who.empty()) return respond.error(code::kBadArgs, "who must not be empty");
        int64_t now = Worker::wallMs();
        uint64_t duration = args.value("duration", uint64_t{0});
        auth::BanEntry e{as, who, args.value("reason", std::string()), "emqxctl", now,
                         duration ? now + static_cast<int64_t>(duration) * 1000 : 0};
        uint64_t seq = cp->security->banned().add(e);
        answerOnceCommitted(*cp, *srv, seq, respond, banJson(e));
    });
    r.add("banned.del", [cp, srv](const Json& args, const Responder& respond) {
        if (!cp->security) return respond.error(code::kFailed, "authentication is not running");
        std::string as = args["as"].get<std::string>();
        std::string who = args["who"].get<std::string>();
        uint64_t seq = 0;
        if (!cp->security->banned().remove(as, who, seq))
            return respond.error(code::kNotFound, "Not Found: banned " + as + " " + who);
        answerOnceCommitted(*cp, *srv, seq, respond, {{"as", as}, {"who", who}, {"result", "deleted"}});
    });
}

}  // namespace emqx::ctl
