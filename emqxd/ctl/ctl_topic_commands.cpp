// topics (the router's routes) and retainer (the retained messages): both
// shared structures, read on the control loop.
#include <optional>
#include <set>

#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"

namespace emqx::ctl {

namespace {

// EMQX's routes, sorted: a filter with direct subscribers once, and a shared
// group's filter ("x/#" of "$share/g/x/#") once per group; `only`: those of one filter.
Json routesJson(const BrokerContext& ctx, std::optional<std::string_view> only) {
    std::set<std::pair<std::string, std::string>> routes;  // (filter, group or "")
    ctx.router.forEachRoute([&](std::string_view filter, std::string_view group) {
        if (!only || filter == *only) routes.emplace(filter, group);
    });
    Json out = Json::array();
    for (const auto& [filter, group] : routes) {
        Json r = {{"topic", filter}, {"node", ctx.cfg.node.name}};
        if (!group.empty()) r["group"] = group;
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace

void registerTopicCommands(Registry& r) {
    r.add("topics.list", [](const CommandContext& cx, const Json&, const Responder& reply) {
        reply.ok({{"topics", routesJson(cx.broker, std::nullopt)}});
    });

    r.add("topics.show", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string topic = args["topic"].get<std::string>();
        Json routes = routesJson(cx.broker, topic);
        if (routes.empty()) return reply.fail(code::kNotFound, "Not Found: topic " + topic);
        reply.ok({{"topics", routes}});
    });

    r.add("retainer.info", [](const CommandContext& cx, const Json&, const Responder& reply) {
        reply.ok({{"count", cx.broker.retain->size()}});
    });

    r.add("retainer.topics", [](const CommandContext& cx, const Json&, const Responder& reply) {
        std::set<std::string> topics;
        for (const char* filter : {"#", "$SYS/#"})
            cx.broker.retain->match(filter, [&](const MessagePtr& m) { topics.emplace(m->topic); });
        Json list = Json::array();
        for (auto& t : topics) list.push_back(t);
        reply.ok({{"topics", list}});
    });

    r.add("retainer.clean", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        Json topic = args.contains("topic") ? args["topic"] : Json(nullptr);
        if (topic.is_string() && topic.get_ref<const std::string&>().empty())
            return reply.fail(code::kBadArgs, "retainer.clean: topic must not be empty");
        size_t removed = cx.broker.retain->erase(topic.is_string() ? topic.get<std::string>() : std::string());
        reply.ok({{"topic", topic}, {"removed", removed}});
    });
}

}  // namespace emqx::ctl
