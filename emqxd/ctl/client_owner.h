#pragma once
// Per-client commands (clients show/kick, subscriptions show/add/del, authz
// cache-clean of one client) run on the one worker that owns the client id
// (SessionLocator), not on every worker.
#include <functional>
#include <string>

#include "emqxd/ctl/ctl_registry.h"

namespace emqx {

class Session;
class Worker;

namespace ctl {

// Builds a per-client command's answer on the thread of the session's worker.
using ClientTask = std::function<Answer(Worker& w, Session& s)>;

// Runs `task` on the worker owning `client_id`, with its session, and answers
// what it returns; "Not Found: client <id>" when the id has no session.
//
// The owner is looked up on the control loop, so before the task runs the
// session may end, or end and start again on another worker. The task only
// ever takes the session its own worker keeps for the id, which is the
// client's one session (SessionLocator's invariant), never a stale one.
// Finding none, it looks the owner up once more and goes there; finding none
// again, it answers not found.
void runOnClientOwner(const CommandContext& cx, std::string client_id, ClientTask task, Responder reply);

// The answer for a client id without a session, or, for a task that needs
// one, without a connection (isClientNotFound says yes to it).
Answer clientNotFound(std::string_view client_id);

// Whether a per-client command failed because the client has no session (not
// because of what its task found, e.g. no such subscription).
bool isClientNotFound(const Answer& a);

}  // namespace ctl
}  // namespace emqx
