// Handlers of `trace` and `traces` (registerTraceCommands). They run on
// the control loop, which owns the trace registry.
#include <arpa/inet.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "common/clock/wall_clock.h"
#include "common/topic/topic.h"
#include "common/trace/trace_format.h"
#include "emqxd/broker/broker_context.h"
#include "emqxd/ctl/ctl_command_groups.h"
#include "emqxd/ctl/ctl_registry.h"
#include "emqxd/log/log.h"
#include "emqxd/trace/trace_registry.h"

namespace emqx::ctl {

namespace {

constexpr uint64_t kDefaultTraceDurationS = 1800;
constexpr uint64_t kTailChunk = 32 * 1024;
constexpr uint64_t kTailBacklog = 4096;

using trace::Trace;
using trace::TraceType;

// `node` names the node in log_size, EMQX's {node: bytes of the trace file}.
Json traceJson(const Trace& t, const std::string& node) {
    const auto& s = t.spec();
    std::string status = t.full() ? "size_limit_reached" : t.stopped() ? "stopped" : "running";
    std::error_code ec;
    uint64_t file_size = std::filesystem::file_size(s.path, ec);
    return {
        {"name", s.name},
        {"named", s.named},
        {"type", trace::typeName(s.type)},
        {"target", s.target},
        {"level", trace::levelName(s.level)},
        {"formatter", trace::formatName(s.format)},
        {"file", s.path},
        {"matched", t.matched()},
        {"bytes", t.bytes()},
        {"log_size", {{node, ec ? 0 : file_size}}},
        {"status", status},
        {"start_at", trace::isoTimestamp(s.start_ms)},
        {"end_at", s.end_ms ? Json(trace::isoTimestamp(s.end_ms)) : Json(nullptr)},
    };
}

// Checks the target of a trace of `type`; false with a message when invalid.
bool validTarget(TraceType type, const std::string& target, std::string& error) {
    if (target.empty()) {
        error = "the trace target must not be empty";
        return false;
    }
    if (type == TraceType::Topic && !topic::isValidTopicFilter(target)) {
        error = "invalid topic filter: " + target;
        return false;
    }
    if (type == TraceType::IpAddress) {
        unsigned char buf[16];
        if (inet_pton(AF_INET, target.c_str(), buf) != 1 && inet_pton(AF_INET6, target.c_str(), buf) != 1) {
            error = "invalid IP address: " + target;
            return false;
        }
    }
    return true;
}

bool parseTypeArg(const Json& args, TraceType& type, std::string& error) {
    std::string word = args["type"].get<std::string>();
    auto t = trace::parseType(word);
    if (!t) {
        error = "unknown trace type \"" + word + "\" (client, topic, ip_address)";
        return false;
    }
    type = *t;
    return true;
}

// EMQX's optional formatter argument: text (the default) or json.
bool parseFormatArg(const Json& args, trace::Format& format, std::string& error) {
    if (!args.contains("formatter")) return true;
    std::string word = args["formatter"].get<std::string>();
    auto f = trace::parseFormat(word);
    if (!f) {
        error = "unknown trace formatter \"" + word + "\" (text, json)";
        return false;
    }
    format = *f;
    return true;
}

bool validTraceName(const std::string& name) {
    if (name.empty() || name.size() > 64) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

}  // namespace

void registerTraceCommands(Registry& r) {
    r.add("trace.list", [](const CommandContext& cx, const Json&, const Responder& reply) {
        Json list = Json::array();
        for (auto& t : cx.broker.traces->all()) list.push_back(traceJson(*t, cx.broker.cfg.node.name));
        reply.ok({{"traces", list}});
    });

    r.add("trace.start", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string error;
        trace::TraceSpec spec;
        if (!parseTypeArg(args, spec.type, error)) return reply.fail(code::kBadArgs, error);
        spec.target = args["target"].get<std::string>();
        if (!validTarget(spec.type, spec.target, error)) return reply.fail(code::kBadArgs, error);
        if (args.contains("level")) {
            auto level = trace::parseLevel(args["level"].get<std::string>());
            if (!level)
                return reply.fail(code::kBadArgs,
                                  "unknown trace level \"" + args["level"].get<std::string>() +
                                      "\" (all, debug, info, notice, warning, error, critical, alert, emergency)");
            spec.level = *level;
        }
        if (!parseFormatArg(args, spec.format, error)) return reply.fail(code::kBadArgs, error);
        spec.name = "CLI-" + spec.target;
        spec.path = args["file"].get<std::string>();
        if (!cx.broker.traces->start(spec, error)) return reply.fail(code::kFailed, "Failed to start trace: " + error);
        log::info("ctl: trace {} started ({} {} -> {})", spec.name, trace::typeName(spec.type), spec.target, spec.path);
        reply.ok(traceJson(*cx.broker.traces->find(spec.name), cx.broker.cfg.node.name));
    });

    r.add("trace.stop", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string error;
        TraceType type;
        if (!parseTypeArg(args, type, error)) return reply.fail(code::kBadArgs, error);
        std::string target = args["target"].get<std::string>();
        for (auto& t : cx.broker.traces->all()) {
            const auto& s = t->spec();
            if (s.named || s.type != type || s.target != target) continue;
            cx.broker.traces->stop(s.name);
            return reply.ok({{"name", s.name}, {"type", trace::typeName(type)}, {"target", target}});
        }
        reply.fail(code::kNotFound, "Not Found: trace " + std::string(trace::typeName(type)) + " " + target);
    });

    r.add("trace.tail", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string name = args["name"].get<std::string>();
        auto t = cx.broker.traces->find(name);
        if (!t) return reply.fail(code::kNotFound, "Not Found: trace " + name);
        std::error_code ec;
        uint64_t size = std::filesystem::file_size(t->spec().path, ec);
        if (ec) return reply.fail(code::kFailed, "cannot read " + t->spec().path + ": " + ec.message());
        uint64_t offset = args.contains("offset") ? args["offset"].get<uint64_t>()
                                                  : (size > kTailBacklog ? size - kTailBacklog : 0);
        if (offset > size) offset = size;  // the file was truncated: go on from its end
        std::string data;
        if (offset < size) {
            std::ifstream f(t->spec().path, std::ios::binary);
            f.seekg(static_cast<std::streamoff>(offset));
            data.resize(std::min(kTailChunk, size - offset));
            f.read(data.data(), static_cast<std::streamsize>(data.size()));
            data.resize(static_cast<size_t>(f.gcount()));
        }
        uint64_t next = offset + data.size();
        reply.ok({{"name", name},
                  {"offset", offset},
                  {"next_offset", next},
                  {"data", data},
                  {"more", next < size},
                  {"running", !t->stopped() && !t->full()}});
    });

    r.add("traces.list", [](const CommandContext& cx, const Json&, const Responder& reply) {
        Json list = Json::array();
        for (auto& t : cx.broker.traces->all())
            if (t->spec().named) list.push_back(traceJson(*t, cx.broker.cfg.node.name));
        reply.ok({{"traces", list}});
    });

    r.add("traces.start", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string error;
        trace::TraceSpec spec;
        spec.named = true;
        spec.name = args["name"].get<std::string>();
        if (!validTraceName(spec.name))
            return reply.fail(code::kBadArgs,
                              "invalid trace name \"" + spec.name + "\": 1 to 64 letters, digits, '-' or '_'");
        if (!parseTypeArg(args, spec.type, error)) return reply.fail(code::kBadArgs, error);
        spec.target = args["target"].get<std::string>();
        if (!validTarget(spec.type, spec.target, error)) return reply.fail(code::kBadArgs, error);
        if (!parseFormatArg(args, spec.format, error)) return reply.fail(code::kBadArgs, error);
        uint64_t duration = args.value("duration", kDefaultTraceDurationS);
        if (duration == 0 || duration > 366ull * 86400)
            return reply.fail(code::kBadArgs, "duration must be 1 to 31622400 seconds");
        namespace fs = std::filesystem;
        fs::path dir = fs::absolute(fs::path(cx.broker.cfg.node.data_dir) / "trace");
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) return reply.fail(code::kFailed, "cannot create " + dir.string() + ": " + ec.message());
        spec.path = (dir / (spec.name + ".log")).lexically_normal().string();
        spec.start_ms = wallClockMs();
        spec.end_ms = spec.start_ms + static_cast<int64_t>(duration) * 1000;
        if (!cx.broker.traces->start(spec, error)) return reply.fail(code::kFailed, "Failed to start trace: " + error);
        log::info("ctl: trace {} started ({} {} for {} s)", spec.name, trace::typeName(spec.type), spec.target,
                  duration);
        reply.ok(traceJson(*cx.broker.traces->find(spec.name), cx.broker.cfg.node.name));
    });

    r.add("traces.stop", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string name = args["name"].get<std::string>();
        auto t = cx.broker.traces->find(name);
        if (!t || !t->spec().named) return reply.fail(code::kNotFound, "Not Found: trace " + name);
        cx.broker.traces->stop(name);
        reply.ok({{"name", name}, {"action", "stop"}});
    });

    r.add("traces.delete", [](const CommandContext& cx, const Json& args, const Responder& reply) {
        std::string name = args["name"].get<std::string>();
        auto t = cx.broker.traces->find(name);
        if (!t || !t->spec().named) return reply.fail(code::kNotFound, "Not Found: trace " + name);
        std::string error;
        cx.broker.traces->remove(name, error);
        reply.ok({{"name", name}, {"action", "delete"}});
    });
}

}  // namespace emqx::ctl
