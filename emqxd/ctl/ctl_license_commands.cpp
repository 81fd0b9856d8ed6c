// The license commands run on the control loop, which owns the license
// manager's installing side; workers only read what it applies.

#include "common/clock/wall_clock.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/license/license.h"
#include "emqxd/log/log.h"

namespace emqx::ctl {

namespace {

Json orNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

// EMQX's keys (emqx_license_parser dump: customer, email, deployment,
// max_connections, start_at, expiry_at, type, customer_type, expiry), then ours.
Json licenseJson(const BrokerContext& ctx) {
    auto l = ctx.license->current();
    int64_t now = wallClockMs();
    return {
        {"customer", l->customer},
        {"email", orNull(l->email)},
        {"deployment", l->deployment},
        {"max_connections", l->max_connections ? Json(l->max_connections) : Json("unlimited")},
        {"start_at", orNull(l->issued_at)},
        {"expiry_at", orNull(l->expiry_at)},
        {"type", l->type()},
        {"customer_type", l->customer_type},
        {"expiry", l->expired(now)},
        {"edition", l->community ? "community" : "enterprise"},
        {"issued_at", orNull(l->issued_at)},
        {"expired", l->expired(now)},
        {"days_left", l->expiry_ms ? Json(l->daysLeft(now)) : Json(nullptr)},
        {"expiry_epoch", l->expiry_ms ? Json(l->expiry_ms / 1000) : Json(nullptr)},  // EMQX's emqx_license_expiry_at
        {"file", ctx.license->path()},
        {"refused_connections",
         {{"expired", ctx.license->refusedExpired()}, {"max_connections", ctx.license->refusedMaxConnections()}}},
    };
}

// reload and update: apply, log, answer with the license now in force.
void answerApplied(const BrokerContext& ctx, bool applied, std::string_view failure, const std::string& error,
                   const Responder& reply) {
    if (!applied) {
        log::warn("ctl: license refused: {}", error);
        return reply.fail(code::kFailed, std::string(failure) + error);
    }
    auto l = ctx.license->current();
    log::info("ctl: license applied: {} ({}), max_connections {}, expiry {}", l->customer, l->customer_type,
              l->max_connections, l->expiry_at);
    if (l->expired(wallClockMs())) log::warn("license: the license expired on {}", l->expiry_at);
    reply.ok(licenseJson(ctx));
}

}  // namespace

void registerLicenseCommands(Registry& r) {
    r.add("license.info",
          [](const CommandContext& cx, const Json&, const Responder& reply) { reply.ok(licenseJson(cx.broker)); });

    r.add("license.reload", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string error;
        bool applied = cx.broker.license->reload(args.value("path", std::string()), args.value("force", false), error);
        answerApplied(cx.broker, applied, "Failed to reload license: ", error, reply);
    });

    r.add("license.update", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string error;
        bool applied = cx.broker.license->update(args["key"].get<std::string>(), args.value("force", false), error);
        // EMQX's words for a refused update.
        answerApplied(cx.broker, applied, "Error: ", error, reply);
    });
}

}  // namespace emqx::ctl
