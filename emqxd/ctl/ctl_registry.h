#pragma once
// The daemon's side of the command registry (STYLE.md practice 12): each
// entry of common/ctl/commands.h's table ({name, args, summary, format}) gets
// its handler here. Dispatch goes through it; start-up fails if an entry has
// no handler, so the table, emqxctl and the daemon cannot drift apart.
//
// Handlers know no transport: they get a CommandContext and answer through a
// Responder. The ctl socket (CtlServer) is one transport; the HTTP API and
// cluster calls are meant to call the same handlers with their own Responder.
// Owner: the control loop.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/ctl/commands.h"
#include "common/ctl/protocol.h"

namespace emqx {

struct BrokerContext;
namespace trace {
class TraceRegistry;
}
class ControlLoopInbox;
class Worker;

// What the control plane needs from BrokerApp, which owns the listeners.
// Called on the control loop; on failure they return false with a reason.
struct CtlHooks {
    std::function<bool(const std::string& id, std::string& error)> stop_listener;
    std::function<bool(const std::string& id, std::string& error)> start_listener;
};

namespace ctl {

// One command's answer: data, or an error code (common/ctl/protocol.h's
// code::) with a message.
struct Answer {
    static Answer ok(Json data) { return {true, std::move(data), {}, {}}; }
    static Answer fail(std::string_view code, std::string_view message) {
        return {false, nullptr, std::string(code), std::string(message)};
    }
    bool is_ok;
    Json data;
    std::string code;
    std::string message;
};

// Answers one request, exactly once, on the control loop (possibly later,
// from a completion). Copies share the one sink, so a handler can hand its
// Responder to a completion. What the sink does with the answer is the
// transport's business (a protocol line, an HTTP response...).
class Responder {
public:
    using Sink = std::function<void(Answer)>;
    explicit Responder(Sink sink) : sink_(std::make_shared<const Sink>(std::move(sink))) {}
    void send(Answer answer) const { (*sink_)(std::move(answer)); }
    void ok(Json data) const { send(Answer::ok(std::move(data))); }
    void fail(std::string_view code, std::string_view message) const { send(Answer::fail(code, message)); }

private:
    std::shared_ptr<const Sink> sink_;
};

// What a handler may use; the transport builds it for each request. The
// referenced objects outlive every request, so a completion may keep them.
struct CommandContext {
    BrokerContext& broker;
    const std::vector<std::unique_ptr<Worker>>& workers;  // by index
    trace::TraceRegistry& traces;
    ControlLoopInbox& control_loop;  // workers post completions here
    const CtlHooks& hooks;
};

using Handler = std::function<void(const CommandContext& cx, const Json& args, const Responder& reply)>;

class Registry {
public:
    struct Entry {
        const CommandSpec* spec;
        Handler handler;
    };

    // `name` must be in commandTable(); binding it twice or an unknown name
    // is reported by problems().
    void add(std::string_view name, Handler handler);
    const Entry* find(std::string_view name) const;
    // Table entries without a handler, and handlers for names not in the table.
    std::vector<std::string> problems() const;

    // Runs command `name`: an unknown name, bad arguments, a broker shutting
    // down or a handler's exception are answered through `reply` as errors,
    // so every request gets exactly one answer.
    void dispatch(std::string_view name, const Json& args, const CommandContext& cx, const Responder& reply) const;

private:
    std::unordered_map<std::string, Entry> entries_;
    std::vector<std::string> unknown_;
};

// Binds every command of the table to its handler (emqxd/ctl/ctl_commands.cpp).
void registerCommands(Registry& registry);

}  // namespace ctl
}  // namespace emqx
