#pragma once
// Human output of each control command, as EMQX prints it (aligned
// `name : value` lines, `Client(...)` lines, the listener blocks). Pure code:
// reply data in, text out; emqxctl prints it, unit tests check it. Each row
// of the command table (commands.h) names its formatter from `human::`.
#include <optional>
#include <string>
#include <string_view>

#include "common/ctl/protocol.h"

namespace emqx::ctl {

// The text emqxctl prints for a successful reply of `cmd`, by its row's
// formatter (ends with LF; an empty list prints EMQX's words for it, e.g.
// "No clients."). A command this emqxctl does not know: the data as JSON.
std::string formatHuman(std::string_view cmd, const Json& data);

// What EMQX prints as ordinary output, exit 0, for a failure it does not
// treat as one: the row's not_found_output ("Not Found." for `clients show` /
// `subscriptions show` of an unknown client). nullopt: a failure (stderr, exit 1).
std::optional<std::string> failureAsOutput(std::string_view cmd, std::string_view error_code);

// "3 minutes, 27 seconds", as EMQX formats an uptime.
std::string humanDuration(uint64_t seconds);

// `[{closed,1},{keepalive_timeout,2}]` from {"closed":1,"keepalive_timeout":2}.
std::string formatShutdownCount(const Json& counts);

// EMQX's one-line client: `Client(id, username=.., ...)`.
std::string formatClient(const Json& c);

// The formatters the command table names, one per kind of answer.
namespace human {
std::string json(const Json& data);  // the data itself, indented
std::string ok(const Json& data);    // "ok"
std::string status(const Json& data);
std::string brokerInfo(const Json& data);
std::string counters(const Json& data);  // broker stats / metrics
std::string listeners(const Json& data);
std::string listenerStopped(const Json& data);
std::string listenerStarted(const Json& data);
std::string listenerRestarted(const Json& data);
std::string clients(const Json& data);
std::string client(const Json& data);
std::string subscriptions(const Json& data);
std::string clientSubscriptions(const Json& data);
std::string sessionMessages(const Json& data);  // clients mqueue / inflight
std::string topics(const Json& data);
std::string routes(const Json& data);
std::string retainedCount(const Json& data);
std::string retainedTopics(const Json& data);
std::string retainedCleaned(const Json& data);
std::string retainedMessages(const Json& data);
std::string retainedMessage(const Json& data);
std::string logLevel(const Json& data);
std::string traces(const Json& data);
std::string traceStarted(const Json& data);
std::string traceStopped(const Json& data);
std::string traceTail(const Json& data);
std::string namedTraces(const Json& data);
std::string namedTraceStarted(const Json& data);
std::string namedTraceStopped(const Json& data);
std::string namedTraceDeleted(const Json& data);
std::string license(const Json& data);
std::string licenseUpdated(const Json& data);
std::string licenseReloaded(const Json& data);
std::string pemCacheCleaned(const Json& data);
std::string vm(const Json& data);
std::string clusterStatus(const Json& data);
std::string users(const Json& data);
std::string banned(const Json& data);
std::string aclReloaded(const Json& data);
std::string authzCacheCleaned(const Json& data);
}  // namespace human

}  // namespace emqx::ctl
