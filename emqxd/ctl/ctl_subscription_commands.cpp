// subscriptions list / show / add / del. A session's subscriptions live on
// its worker: list asks every worker, the others only the client's owner.
#include <algorithm>
#include <tuple>

#include "common/topic/topic.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/client_owner.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/for_each_worker.h"
#include "emqxd/session/session.h"
#include "emqxd/shard/broker_shard.h"
#include "emqxd/shard/session_manager.h"
#include "emqxd/worker/worker.h"

namespace emqx::ctl {

namespace {

Json subscriptionJson(const std::string& client_id, const std::string& filter, const SubscriptionOptions& o) {
    Json j = {
        {"clientid", client_id},    {"topic", filter},         {"qos", o.qos},
        {"nl", o.no_local ? 1 : 0}, {"rh", o.retain_handling}, {"rap", o.retain_as_published ? 1 : 0},
    };
    if (o.subscription_id) j["subid"] = o.subscription_id;
    return j;
}

Json subscriptionsJson(Session& s) {
    Json out = Json::array();
    for (const auto& [filter, sub] : s.subscriptions())
        out.push_back(subscriptionJson(s.clientId(), filter, sub.options));
    return out;
}

}  // namespace

void registerSubscriptionCommands(Registry& r) {
    r.add("subscriptions.list", [](const CommandContext& cx, const Json&, const Responder& reply) {
        forEachWorker<Json>(
            cx.workers, cx.control_loop,
            [](Worker& w) {
                Json part = Json::array();
                w.shard().sessions().forEach([&](Session& s) {
                    for (auto& j : subscriptionsJson(s)) part.push_back(std::move(j));
                });
                return part;
            },
            [reply](std::vector<Json>& parts) {
                Json all = Json::array();
                for (auto& p : parts)
                    for (auto& j : p) all.push_back(std::move(j));
                std::sort(all.begin(), all.end(), [](const Json& a, const Json& b) {
                    return std::tie(a["clientid"], a["topic"]) < std::tie(b["clientid"], b["topic"]);
                });
                reply.ok({{"subscriptions", all}});
            });
    });

    r.add("subscriptions.show", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        runOnClientOwner(
            cx, args["clientid"].get<std::string>(),
            [](Worker&, Session& s) {
                return Answer::ok({{"clientid", s.clientId()}, {"subscriptions", subscriptionsJson(s)}});
            },
            reply);
    });

    r.add("subscriptions.add", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string filter = args["topic"].get<std::string>();
        uint64_t qos = args["qos"].get<uint64_t>();
        uint64_t nl = args.value("nl", uint64_t{0});
        uint64_t rap = args.value("rap", uint64_t{0});
        uint64_t rh = args.value("rh", uint64_t{0});
        if (qos > 2) return reply.fail(code::kBadArgs, "qos must be 0, 1 or 2");
        if (nl > 1 || rap > 1) return reply.fail(code::kBadArgs, "nl and rap must be 0 or 1");
        if (rh > 2) return reply.fail(code::kBadArgs, "rh must be 0, 1 or 2");
        auto parsed = topic::parseFilter(filter, cx.broker.cfg.mqtt.max_topic_levels);
        if (!parsed) return reply.fail(code::kBadArgs, "invalid topic filter: " + filter);
        // EMQX's words for MQTT-3.8.3-4.
        if (parsed->shared() && nl)
            return reply.fail(code::kBadArgs,
                              "Invalid Subscribe options: `no_local` not allowed for shared-sub. See [MQTT-3.8.3-4]");
        qos = std::min<uint64_t>(qos, cx.broker.cfg.mqtt.max_qos_allowed);
        SubscriptionOptions options{static_cast<uint8_t>(qos), nl == 1, rap == 1, static_cast<uint8_t>(rh), 0};
        runOnClientOwner(
            cx, args["clientid"].get<std::string>(),
            [filter, options](Worker& w, Session& s) {
                w.shard().sessions().addSubscription(s, filter, options);
                w.shard().sessions().changed(s);
                w.metrics().add(Metric::ClientSubscribe);
                return Answer::ok(subscriptionJson(s.clientId(), filter, options));
            },
            reply);
    });

    r.add("subscriptions.del", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string filter = args["topic"].get<std::string>();
        runOnClientOwner(
            cx, args["clientid"].get<std::string>(),
            [filter](Worker& w, Session& s) {
                if (!w.shard().sessions().removeSubscription(s, filter))
                    return Answer::fail(code::kNotFound, "Not Found: subscription " + s.clientId() + " " + filter);
                w.shard().sessions().changed(s);
                w.metrics().add(Metric::ClientUnsubscribe);
                return Answer::ok({{"clientid", s.clientId()}, {"topic", filter}});
            },
            reply);
    });
}

}  // namespace emqx::ctl
