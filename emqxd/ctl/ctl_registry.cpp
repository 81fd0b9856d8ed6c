#include "emqxd/ctl/ctl_registry.h"

#include "emqxd/ctl/ctl_server.h"

namespace emqx::ctl {

void Responder::ok(const Json& data) const { server_->respond(conn_, encodeOk(id_, data)); }

void Responder::error(std::string_view c, std::string_view message) const {
    server_->respond(conn_, encodeError(id_, c, message));
}

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

}  // namespace emqx::ctl
