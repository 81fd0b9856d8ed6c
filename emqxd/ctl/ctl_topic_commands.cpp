// topics (the router's routes) and retainer (the retained messages): both
// shared structures, read on the control loop.
#include <map>
#include <optional>
#include <set>

#include "common/encoding/base64.h"
#include "common/topic/topic.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/message/message_id.h"

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

// The retained messages whose topic matches `filter` ("" for all), by topic.
std::map<std::string, MessagePtr> retained(const BrokerContext& ctx, const std::string& filter) {
    std::map<std::string, MessagePtr> out;
    auto keep = [&](const MessagePtr& m) { out.emplace(m->topic, m); };
    if (!filter.empty()) ctx.retain->match(filter, keep);
    else
        for (const char* all : {"#", "$SYS/#"}) ctx.retain->match(all, keep);
    return out;
}

// A retained message without its payload. The store keeps no GUID: the id is
// the publish time in microseconds and the durable id (with durable storage)
// or a hash of the topic, which names the message as long as it is retained
// (one per topic).
Json retainedSummary(const Message& m) {
    uint64_t low = m.durable_id ? m.durable_id : std::hash<std::string_view>{}(m.topic);
    return {{"topic", m.topic},
            {"msgid", messageIdHex(static_cast<uint64_t>(m.received_at_ms) * 1000, low)},
            {"qos", m.qos},
            {"from_clientid", m.publisher},
            {"publish_at", m.received_at_ms}};
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

    r.add("retainer.messages", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string filter = args.value("topic", std::string());
        if (args.contains("topic") && !topic::isValidTopicFilter(filter, cx.broker.cfg.mqtt.max_topic_levels))
            return reply.fail(code::kBadArgs, "retainer.messages: not a topic filter: " + filter);
        Json list = Json::array();
        for (const auto& [topic, m] : retained(cx.broker, filter)) list.push_back(retainedSummary(*m));
        reply.ok({{"messages", list}});
    });

    r.add("retainer.show", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string topic = args["topic"].get<std::string>();
        if (!topic::isValidTopicName(topic))
            return reply.fail(code::kBadArgs, "retainer.show: not a topic name: " + topic);
        auto found = retained(cx.broker, topic);
        if (found.empty()) return reply.fail(code::kNotFound, "Not Found: retained message of " + topic);
        const Message& m = *found.begin()->second;
        Json data = retainedSummary(m);
        data["payload"] = base64Encode(m.payload);  // JSON strings carry no arbitrary bytes
        reply.ok(data);
    });
}

}  // namespace emqx::ctl
