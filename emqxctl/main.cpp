// emqxctl: EMQX's `emqx ctl` for emqxd. The command line is built from the one
// command table (common/ctl/commands.h); each invocation sends one request
// over the daemon's Unix socket and prints EMQX's text, or the reply's data
// with --json. Exit codes: 0 ok, 1 the command failed, 2 usage, 3 the daemon
// is not reachable; with --json every failure is a {"code","message"} object
// on stdout.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <string_view>
#include <thread>
#include <vector>

#include "common/ctl/command_words.h"
#include "common/ctl/commands.h"
#include "common/ctl/format.h"
#include "common/ctl/protocol.h"
#include "emqxctl/ctl_client.h"

namespace {

using namespace emqx::ctl;

enum ExitCode { kOk = 0, kFailed = 1, kUsage = 2, kUnreachable = 3 };

constexpr std::string_view kFlagOptions[] = {"--json"};
constexpr std::string_view kValueOptions[] = {"--socket", "--timeout"};

struct BoundArg {
    const ArgSpec* spec = nullptr;
    CLI::Option* option = nullptr;
    std::string str;
    std::vector<std::string> strs;
    uint64_t num = 0;
    bool flag = false;
};

struct BoundCommand {
    const CommandSpec* spec;
    CLI::App* app;
    std::deque<BoundArg> args;
};

int exitCodeFor(std::string_view c) {
    if (c == code::kBadArgs || c == code::kUnknownCommand) return kUsage;
    if (c == code::kUnreachable) return kUnreachable;
    return kFailed;
}

// Every failure goes out here, one way: with --json a {"code","message"}
// object on stdout, so a script reads one stream; else the message on stderr.
int fail(bool json, std::string_view c, const std::string& message, std::string_view text_prefix = "") {
    if (json)
        std::cout << Json{{"code", c}, {"message", message}}.dump(2, ' ', false, Json::error_handler_t::replace)
                  << "\n";
    else std::cerr << text_prefix << message << "\n";
    return exitCodeFor(c);
}

int failCall(const CallResult& r, bool json) {
    if (r.status == CallResult::Status::Unreachable) return fail(json, code::kUnreachable, r.error, "emqxctl: ");
    if (r.status != CallResult::Status::Ok) return fail(json, code::kNoReply, r.error, "emqxctl: ");
    return fail(json, r.reply.code, r.reply.message);
}

std::string_view codeFor(WordsCheck::Verdict v) {
    switch (v) {
        case WordsCheck::Verdict::Absent: return code::kNotAvailable;
        case WordsCheck::Verdict::UnknownGroup:
        case WordsCheck::Verdict::UnknownVerb: return code::kUnknownCommand;
        default: return code::kBadArgs;
    }
}

// --json is known before the parse, so that a usage error is JSON too.
bool wantsJson(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (std::string_view(argv[i]) == kFlagOptions[0]) return true;
    return false;
}

// `trace tail <name>`: polls trace.tail every 200 ms, printing what was added
// to the file, until the trace has stopped and everything is printed (or the
// process is interrupted). With --json each reply's data is printed as one line.
int tailTrace(const std::string& path, Request req, int timeout_s, bool json) {
    for (;;) {
        CallResult r = call(path, req, timeout_s * 1000);
        if (r.status != CallResult::Status::Ok || !r.reply.ok) return failCall(r, json);
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
    bool json = wantsJson(argc, argv);
    std::string socket_path;
    int timeout_s = 30;
    app.add_flag(std::string(kFlagOptions[0]), json, "Print the reply's data as JSON instead of text");
    app.add_option(std::string(kValueOptions[0]), socket_path,
                   "The daemon's control socket (default: $EMQX_NODE__CTL_SOCKET, else "
                   "$EMQX_NODE__DATA_DIR/emqxd.sock, else data/emqxd.sock)");
    app.add_option(std::string(kValueOptions[1]), timeout_s, "Seconds to wait for the reply (default 30)")
        ->check(CLI::PositiveNumber);
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
            if (a.kind == ArgKind::Flag) ba.option = target->add_flag(name, ba.flag, std::string(a.help));
            else if (a.kind == ArgKind::StringList) ba.option = target->add_option(name, ba.strs, std::string(a.help));
            else if (a.kind != ArgKind::UInt) ba.option = target->add_option(name, ba.str, std::string(a.help));
            else ba.option = target->add_option(name, ba.num, std::string(a.help));
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

    // An unknown, absent or incomplete command is answered before CLI11,
    // whose words for it ("A subcommand is required") would not say which.
    std::vector<std::string_view> words(argv + 1, argv + argc);
    WordsCheck check = checkCommandWords(words, {kFlagOptions, kValueOptions});
    if (check.verdict != WordsCheck::Verdict::Parse)
        return fail(json, codeFor(check.verdict), check.message, "emqxctl: ");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (json && e.get_exit_code() != 0) return fail(json, code::kBadArgs, e.what(), "emqxctl: ");
        return app.exit(e) == 0 ? kOk : kUsage;
    }

    // The most specific command parsed: a verb, else its group.
    const BoundCommand* chosen = nullptr;
    for (const BoundCommand& b : bound)
        if (!b.spec->verb.empty() && b.app->parsed()) chosen = &b;
    if (!chosen)
        for (const BoundCommand& b : bound)
            if (b.spec->verb.empty() && b.app->parsed()) chosen = &b;
    if (!chosen) return fail(json, code::kBadArgs, "a command is required", "emqxctl: ");

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
        } else if (a.spec->kind == ArgKind::Flag) {
            req.args[std::string(a.spec->name)] = a.flag;
        } else if (a.spec->kind == ArgKind::StringList) {
            req.args[std::string(a.spec->name)] = a.strs;
        } else req.args[std::string(a.spec->name)] = a.num;
    }

    std::string path = socket_path.empty() ? defaultSocketPath() : socket_path;
    if (req.cmd == "trace.tail") return tailTrace(path, req, timeout_s, json);
    CallResult r = call(path, req, timeout_s * 1000);
    if (r.status == CallResult::Status::Ok && !r.reply.ok && !json) {
        if (auto text = failureAsOutput(req.cmd, r.reply.code)) {
            std::cout << *text;
            return kOk;
        }
    }
    if (r.status != CallResult::Status::Ok || !r.reply.ok) return failCall(r, json);
    if (json) {
        std::cout << r.reply.data.dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    } else {
        std::cout << formatHuman(req.cmd, r.reply.data);
    }
    std::cout.flush();
    return kOk;
}
