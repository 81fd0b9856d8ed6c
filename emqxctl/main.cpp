// emqxctl: EMQX's `emqx ctl` for emqxd. The command line is built from the one
// command table (common/ctl/commands.h); each invocation sends one request
// over the daemon's Unix socket and prints EMQX's text, or the reply's data
// with --json. Exit codes: 0 ok, 1 the command failed, 2 usage, 3 the daemon
// is not reachable.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <thread>
#include <iostream>
#include <map>

#include "common/ctl/commands.h"
#include "common/ctl/format.h"
#include "common/ctl/protocol.h"
#include "emqxctl/ctl_client.h"

namespace {

using namespace emqx::ctl;

enum ExitCode { kOk = 0, kFailed = 1, kUsage = 2, kUnreachable = 3 };

struct BoundArg {
    const ArgSpec* spec = nullptr;
    CLI::Option* option = nullptr;
    std::string str;
    uint64_t num = 0;
};

struct BoundCommand {
    const CommandSpec* spec;
    CLI::App* app;
    std::deque<BoundArg> args;
};

int report(const CallResult& r, bool json) {
    if (r.status == CallResult::Status::Unreachable) {
        std::cerr << "emqxctl: " << r.error << "\n";
        return kUnreachable;
    }
    if (r.status != CallResult::Status::Ok) {
        std::cerr << "emqxctl: " << r.error << "\n";
        return kFailed;
    }
    if (json) std::cout << Json{{"code", r.reply.code}, {"message", r.reply.message}}.dump(2) << "\n";
    std::cerr << r.reply.message << "\n";
    return r.reply.code == code::kBadArgs ? kUsage : kFailed;
}

// `trace tail <name>`: polls trace.tail every 200 ms, printing what was added
// to the file, until the trace has stopped and everything is printed (or the
// process is interrupted). With --json each reply's data is printed as one line.
int tailTrace(const std::string& path, Request req, int timeout_s, bool json) {
    for (;;) {
        CallResult r = call(path, req, timeout_s * 1000);
        if (r.status != CallResult::Status::Ok || !r.reply.ok) return report(r, json);
        const Json& d = r.reply.data;
        if (json) {
            std::cout << d.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
        } else {
            std::cout << d.value("data", std::string());
        }
        std::cout.flush();
        uint64_t next = d.value("next_offset", uint64_t{0});
        bool running = d.value("running", false);
        bool more = d.value("more", false);
        if (!running && !more) return kOk;
        req.args["offset"] = next;
        if (!more) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Administer a running emqxd with EMQX's ctl commands.", "emqxctl"};
    app.footer(
        "Exit codes: 0 ok, 1 the command failed, 2 usage error, 3 the daemon is not reachable.\n"
        "Run 'emqxctl <command> --help' for a command's subcommands and arguments.");
    bool json = false;
    std::string socket_path;
    int timeout_s = 30;
    app.add_flag("--json", json, "Print the reply's data as JSON instead of text");
    app.add_option("--socket", socket_path,
                   "The daemon's control socket (default: $EMQX_NODE__CTL_SOCKET, else "
                   "$EMQX_NODE__DATA_DIR/emqxd.sock, else data/emqxd.sock)");
    app.add_option("--timeout", timeout_s, "Seconds to wait for the reply (default 30)")->check(CLI::PositiveNumber);
    app.require_subcommand(1);
    app.fallthrough();

    std::map<std::string, CLI::App*, std::less<>> groups;
    std::map<std::string, std::string, std::less<>> group_verbs;
    std::map<std::string, const CommandSpec*, std::less<>> group_self;
    std::deque<BoundCommand> bound;
    for (const CommandSpec& spec : commandTable()) {
        std::string group(spec.group);
        CLI::App*& g = groups[group];
        if (!g) {
            g = app.add_subcommand(group, "");
            g->fallthrough();
        }
        CLI::App* target = g;
        if (spec.verb.empty()) {
            group_self[group] = &spec;
        } else {
            target = g->add_subcommand(std::string(spec.verb), std::string(spec.summary));
            target->fallthrough();
            std::string& verbs = group_verbs[group];
            verbs += verbs.empty() ? "" : ", ";
            verbs += spec.verb;
        }
        BoundCommand& b = bound.emplace_back(BoundCommand{&spec, target, {}});
        for (const ArgSpec& a : spec.args) {
            BoundArg& ba = b.args.emplace_back();
            ba.spec = &a;
            std::string name = a.positional ? std::string(a.name) : "--" + std::string(a.name);
            if (a.kind != ArgKind::UInt)
                ba.option = target->add_option(name, ba.str, std::string(a.help));
            else
                ba.option = target->add_option(name, ba.num, std::string(a.help));
            if (a.required) ba.option->required();
        }
    }
    for (auto& [group, g] : groups) {
        auto self = group_self.find(group);
        auto verbs = group_verbs.find(group);
        std::string desc;
        if (self != group_self.end()) desc = std::string(self->second->summary);
        if (verbs != group_verbs.end()) {
            desc += desc.empty() ? "" : "; ";
            desc += "subcommands: " + verbs->second;
            g->require_subcommand(self != group_self.end() ? 0 : 1, 1);
        }
        g->description(desc);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int rc = app.exit(e);
        return rc == 0 ? kOk : kUsage;
    }

    // The most specific command parsed: a verb, else its group.
    const BoundCommand* chosen = nullptr;
    for (const BoundCommand& b : bound)
        if (!b.spec->verb.empty() && b.app->parsed()) chosen = &b;
    if (!chosen)
        for (const BoundCommand& b : bound)
            if (b.spec->verb.empty() && b.app->parsed()) chosen = &b;
    if (!chosen) {
        std::cerr << app.help();
        return kUsage;
    }

    Request req;
    req.id = 1;
    req.cmd = std::string(chosen->spec->name);
    req.args = Json::object();
    for (const BoundArg& a : chosen->args) {
        if (a.option->count() == 0) continue;
        if (a.spec->kind == ArgKind::String) {
            req.args[std::string(a.spec->name)] = a.str;
        } else if (a.spec->kind == ArgKind::Path) {
            // The daemon has another working directory: send the path made absolute against ours.
            std::error_code ec;
            auto abs = std::filesystem::absolute(a.str, ec);
            req.args[std::string(a.spec->name)] = ec ? a.str : abs.lexically_normal().string();
        } else
            req.args[std::string(a.spec->name)] = a.num;
    }

    std::string path = socket_path.empty() ? defaultSocketPath() : socket_path;
    if (req.cmd == "trace.tail") return tailTrace(path, req, timeout_s, json);
    CallResult r = call(path, req, timeout_s * 1000);
    if (r.status == CallResult::Status::Unreachable) {
        std::cerr << "emqxctl: " << r.error << "\n";
        return kUnreachable;
    }
    if (r.status != CallResult::Status::Ok) {
        std::cerr << "emqxctl: " << r.error << "\n";
        return kFailed;
    }
    if (!r.reply.ok) {
        if (json) {
            std::cout << Json{{"code", r.reply.code}, {"message", r.reply.message}}.dump(2) << "\n";
        }
        std::cerr << r.reply.message << "\n";
        return r.reply.code == code::kBadArgs ? kUsage : kFailed;
    }
    if (json) {
        std::cout << r.reply.data.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    } else {
        std::cout << formatHuman(req.cmd, r.reply.data);
    }
    std::cout.flush();
    return kOk;
}
