// listeners: list them, and stop, start or restart one through BrokerApp's
// hooks (it owns the listeners).
#include "common/mqtt/shutdown_reason.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/net/tls/tls_context.h"

namespace emqx::ctl {

namespace {

Json listenerJson(const BrokerContext& ctx, const ListenerStats& l) {
    Json counts = Json::object();
    for (size_t i = 0; i < kShutdownReasonCount; ++i) {
        uint64_t n = l.shutdown[i].load(std::memory_order_relaxed);
        if (n) counts[std::string(shutdownReasonName(static_cast<ShutdownReason>(i)))] = n;
    }
    Json out = {
        {"id", l.id},
        {"type", l.config.type},
        {"name", l.config.name},
        {"enable", l.config.enable},
        {"listen_on", l.bind},
        {"acceptors", ctx.worker_count},
        {"proxy_protocol", false},
        {"running", l.running.load()},
        {"current_conn", l.current.load()},
        {"max_conns", l.max_connections},
        {"accepted", l.accepted.load()},
        {"refused", l.refused.load()},
        {"shutdown_count", counts},
    };
    // The certificate the listener serves now (pem_cache clean may have changed it).
    if (std::shared_ptr<TlsContext> tls = l.tls.load()) out["cert_expiry_at"] = tls->certExpiryAt();
    return out;
}

// `verb`: stop, start or restart.
void listenerAction(const CommandContext& cx, const Json& args, const Responder& reply, const std::string& verb) {
    std::string id = args["id"].get<std::string>();
    bool known = false;
    for (auto& l : cx.broker.listeners) known = known || l->id == id;
    if (!known) return reply.fail(code::kNotFound, "Invalid listener: " + id);
    std::string error;
    bool ok = true;
    if (verb == "stop" || verb == "restart") ok = cx.hooks.stop_listener(id, error);
    if (ok && (verb == "start" || verb == "restart")) ok = cx.hooks.start_listener(id, error);
    if (!ok) return reply.fail(code::kFailed, "Failed to " + verb + " " + id + " listener: " + error);
    reply.ok({{"id", id}, {"action", verb}});
}

}  // namespace

void registerListenerCommands(Registry& r) {
    r.add("listeners.list", [](const CommandContext& cx, const Json&, const Responder& reply) {
        Json list = Json::array();
        for (auto& l : cx.broker.listeners) list.push_back(listenerJson(cx.broker, *l));
        reply.ok({{"listeners", list}});
    });
    for (std::string verb : {"stop", "start", "restart"})
        r.add("listeners." + verb, [verb](const CommandContext& cx, const Json& args, const Responder& reply) {
            listenerAction(cx, args, reply, verb);
        });
}

}  // namespace emqx::ctl
