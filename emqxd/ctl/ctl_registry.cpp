#include "emqxd/ctl/ctl_registry.h"

#include "emqxd/broker/broker_context.h"
#include "emqxd/log/log.h"

namespace emqx::ctl {

void Registry::add(std::string_view name, Handler handler) {
    const CommandSpec* spec = findCommand(name);
    if (!spec || entries_.contains(std::string(name))) {
        unknown_.emplace_back(name);
        return;
    }
    entries_.emplace(std::string(name), Entry{spec, std::move(handler)});
}

const Registry::Entry* Registry::find(std::string_view name) const {
    auto it = entries_.find(std::string(name));
    return it == entries_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::problems() const {
    std::vector<std::string> out;
    for (const auto& spec : commandTable())
        if (!entries_.contains(std::string(spec.name))) out.push_back("no handler for " + std::string(spec.name));
    for (const auto& n : unknown_) out.push_back("handler for unknown or duplicate command " + n);
    return out;
}

void Registry::dispatch(std::string_view name, const Json& args, const CommandContext& cx,
                        const Responder& reply) const {
    const Entry* entry = find(name);
    if (!entry) return reply.fail(code::kUnknownCommand, "unknown command \"" + std::string(name) + "\"");
    std::string why;
    if (!validateArgs(*entry->spec, args, why)) return reply.fail(code::kBadArgs, why);
    if (cx.broker.stopping.load()) return reply.fail(code::kShuttingDown, "the broker is shutting down");
    // No exception may cross into libuv: a handler bug becomes an error reply.
    try {
        entry->handler(cx, args, reply);
    } catch (const std::exception& e) {
        log::error("ctl: {} failed: {}", name, e.what());
        reply.fail(code::kFailed, std::string("internal error: ") + e.what());
    }
}

}  // namespace emqx::ctl
