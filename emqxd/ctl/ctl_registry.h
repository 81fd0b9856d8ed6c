#pragma once
// The daemon's side of the command registry (STYLE.md practice 12): each
// entry of common/ctl/commands.h's table ({name, args, summary}) gets its
// handler here. Dispatch goes through it; start-up fails if an entry has no
// handler, so the table, emqxctl and the daemon cannot drift apart.
// Owner: the control loop.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/ctl/commands.h"
#include "common/ctl/protocol.h"

namespace emqx {

class CtlServer;

namespace ctl {

// Answers one request, exactly once, on the control loop (possibly later, from
// a completion). If the ctl client has gone meanwhile, the answer is dropped.
class Responder {
public:
    Responder(CtlServer* server, uint64_t conn, int64_t request_id) : server_(server), conn_(conn), id_(request_id) {}
    void ok(const Json& data) const;
    void error(std::string_view code, std::string_view message) const;

private:
    CtlServer* server_;
    uint64_t conn_;
    int64_t id_;
};

using Handler = std::function<void(const Json& args, const Responder& respond)>;

class Registry {
public:
    struct Entry {
        const CommandSpec* spec;
        Handler handler;
    };

    // `name` must be in commandTable(); binding it twice or an unknown name
    // is a programming error (asserted, and reported by missing()).
    void add(std::string_view name, Handler handler);
    const Entry* find(std::string_view name) const;
    // Table entries without a handler, and handlers for names not in the table.
    std::vector<std::string> problems() const;

private:
    std::unordered_map<std::string, Entry> entries_;
    std::vector<std::string> unknown_;
};

}  // namespace ctl
}  // namespace emqx
