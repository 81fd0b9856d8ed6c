// log set-level / primary-level: the process's spdlog levels, set at run time.
#include <spdlog/sinks/sink.h>

#include <optional>

#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/log/log.h"

namespace emqx::ctl {

namespace {

bool logLevelFromName(const std::string& name, spdlog::level::level_enum& out) {
    static const std::pair<const char*, spdlog::level::level_enum> names[] = {
        {"debug", spdlog::level::debug},    {"info", spdlog::level::info},
        {"notice", spdlog::level::info},    {"warning", spdlog::level::warn},
        {"error", spdlog::level::err},      {"critical", spdlog::level::critical},
        {"alert", spdlog::level::critical}, {"emergency", spdlog::level::critical},
        {"all", spdlog::level::trace},      {"none", spdlog::level::off},
    };
    for (auto& [n, l] : names) {
        if (name == n) {
            out = l;
            return true;
        }
    }
    return false;
}

std::string logLevelName(spdlog::level::level_enum l) {
    switch (l) {
        case spdlog::level::trace: return "all";
        case spdlog::level::debug: return "debug";
        case spdlog::level::info: return "info";
        case spdlog::level::warn: return "warning";
        case spdlog::level::err: return "error";
        case spdlog::level::critical: return "critical";
        default: return "none";
    }
}

// The level named by args["level"], or a bad_args answer.
std::optional<spdlog::level::level_enum> levelArg(const Json& args, const Responder& reply) {
    std::string name = args["level"].get<std::string>();
    spdlog::level::level_enum level;
    if (logLevelFromName(name, level)) return level;
    reply.fail(code::kBadArgs, "unknown log level \"" + name +
                                   "\" (debug, info, notice, warning, error, critical, alert, emergency, all, none)");
    return std::nullopt;
}

}  // namespace

void registerLogCommands(Registry& r) {
    r.add("log.set-level", [](const CommandContext&, const Json& args, const Responder& reply) {
        auto level = levelArg(args, reply);
        if (!level) return;
        auto logger = spdlog::default_logger();
        for (auto& sink : logger->sinks()) sink->set_level(*level);
        logger->set_level(*level);
        log::info("ctl: log level set to {}", args["level"].get<std::string>());
        reply.ok({{"level", args["level"]}});
    });

    r.add("log.primary-level", [](const CommandContext&, const Json& args, const Responder& reply) {
        auto logger = spdlog::default_logger();
        if (!args.contains("level")) return reply.ok({{"level", logLevelName(logger->level())}});
        auto level = levelArg(args, reply);
        if (!level) return;
        // The primary level gates every handler; the console and file keep their own.
        logger->set_level(*level);
        log::info("ctl: primary log level set to {}", args["level"].get<std::string>());
        reply.ok({{"level", args["level"]}});
    });
}

}  // namespace emqx::ctl
