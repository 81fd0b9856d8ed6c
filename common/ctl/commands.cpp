#include "common/ctl/commands.h"

#include <array>

namespace emqx::ctl {

namespace {

constexpr std::array<ArgSpec, 0> kNoArgs{};
constexpr std::array kListenerId{ArgSpec{"id", ArgKind::String, true, true, "listener id, e.g. tcp:default"}};
constexpr std::array kClientId{ArgSpec{"clientid", ArgKind::String, true, true, "MQTT client id"}};
constexpr std::array kClientsList{
    ArgSpec{"limit", ArgKind::UInt, false, false, "print at most N clients (default 10000)"},
    ArgSpec{"match", ArgKind::String, false, false, "only clients whose id contains SUBSTR"},
};
constexpr std::array kRetainerClean{
    ArgSpec{"topic", ArgKind::String, true, false, "only this topic's retained message (default: all)"}};
constexpr std::array kLogLevel{
    ArgSpec{"level", ArgKind::String, true, true, "debug | info | notice | warning | error | critical | alert | emergency"}};

constexpr std::array kCommands{
    CommandSpec{"status", "status", "", kNoArgs, "Show the node's status"},
    CommandSpec{"broker.info", "broker", "", kNoArgs, "Show sysdescr, version, uptime and datetime"},
    CommandSpec{"broker.stats", "broker", "stats", kNoArgs, "Show the broker's statistics (connections, sessions, topics...)"},
    CommandSpec{"broker.metrics", "broker", "metrics", kNoArgs, "Show the broker's metrics (packets, messages, bytes...)"},
    CommandSpec{"listeners.list", "listeners", "", kNoArgs, "List listeners with their connections and shutdown counts"},
    CommandSpec{"listeners.stop", "listeners", "stop", kListenerId, "Stop accepting on a listener (connections stay)"},
    CommandSpec{"listeners.start", "listeners", "start", kListenerId, "Start a stopped listener"},
    CommandSpec{"listeners.restart", "listeners", "restart", kListenerId, "Stop then start a listener"},
    CommandSpec{"clients.list", "clients", "list", kClientsList, "List clients, one line each"},
    CommandSpec{"clients.show", "clients", "show", kClientId, "Show one client"},
    CommandSpec{"clients.kick", "clients", "kick", kClientId, "Kick a client out (reason kicked, MQTT 5: DISCONNECT 0x98)"},
    CommandSpec{"subscriptions.list", "subscriptions", "list", kNoArgs, "List every subscription"},
    CommandSpec{"subscriptions.show", "subscriptions", "show", kClientId, "Show one client's subscriptions"},
    CommandSpec{"topics.list", "topics", "list", kNoArgs, "List the routed topic filters"},
    CommandSpec{"retainer.info", "retainer", "info", kNoArgs, "Show the number of retained messages"},
    CommandSpec{"retainer.clean", "retainer", "clean", kRetainerClean, "Delete retained messages (all, or one topic)"},
    CommandSpec{"log.set-level", "log", "set-level", kLogLevel, "Set the log level at run time"},
    CommandSpec{"vm", "vm", "", kNoArgs, "Show memory, workers, file descriptors and loop lag"},
    CommandSpec{"cluster.status", "cluster", "status", kNoArgs, "Show the cluster's nodes"},
};

}  // namespace

std::span<const CommandSpec> commandTable() { return kCommands; }

const CommandSpec* findCommand(std::string_view name) {
    for (const auto& c : kCommands)
        if (c.name == name) return &c;
    return nullptr;
}

bool validateArgs(const CommandSpec& spec, const Json& args, std::string& error) {
    if (!args.is_object()) {
        error = "args must be an object";
        return false;
    }
    for (auto it = args.begin(); it != args.end(); ++it) {
        const ArgSpec* a = nullptr;
        for (const auto& s : spec.args)
            if (s.name == it.key()) a = &s;
        if (!a) {
            error = std::string(spec.name) + ": unknown argument \"" + it.key() + "\"";
            return false;
        }
        bool ok = a->kind == ArgKind::String ? it->is_string() : it->is_number_unsigned();
        if (!ok) {
            error = std::string(spec.name) + ": argument \"" + it.key() + "\" must be " +
                    (a->kind == ArgKind::String ? "a string" : "a non-negative integer");
            return false;
        }
    }
    for (const auto& s : spec.args) {
        if (s.required && !args.contains(std::string(s.name))) {
            error = std::string(spec.name) + ": missing argument \"" + std::string(s.name) + "\"";
            return false;
        }
    }
    return true;
}

std::string cliWords(const CommandSpec& spec) {
    std::string s(spec.group);
    if (!spec.verb.empty()) {
        s += ' ';
        s += spec.verb;
    }
    return s;
}

}  // namespace emqx::ctl
