#include "common/ctl/commands.h"

#include <algorithm>
#include <array>

#include "common/ctl/format.h"

namespace emqx::ctl {

namespace {

constexpr std::array<ArgSpec, 0> kNoArgs{};
constexpr std::array kListenerId{ArgSpec{"id", ArgKind::String, true, true, "listener id, e.g. tcp:default"}};
constexpr std::array kClientId{ArgSpec{"clientid", ArgKind::String, true, true, "MQTT client id"}};
constexpr std::array kClientsList{
    ArgSpec{"limit", ArgKind::UInt, false, false, "print at most N clients (default 10000)"},
    ArgSpec{"skip", ArgKind::UInt, false, false, "leave out the first N (by client id) of those that pass"},
    ArgSpec{"match", ArgKind::String, false, false, "only clients whose id contains SUBSTR"},
    ArgSpec{"clientid", ArgKind::StringList, false, false, "only this client id (repeatable)"},
    ArgSpec{"username", ArgKind::StringList, false, false, "only this username (repeatable)"},
    ArgSpec{"like_username", ArgKind::String, false, false, "only clients whose username contains SUBSTR"},
    ArgSpec{"ip_address", ArgKind::String, false, false, "only clients connected from this IP address"},
    ArgSpec{"conn_state", ArgKind::String, false, false, "connected | disconnected | idle"},
};
constexpr std::array kClientKeepalive{
    ArgSpec{"clientid", ArgKind::String, true, true, "MQTT client id (a connected client)"},
    ArgSpec{"interval", ArgKind::UInt, true, true, "the new keepalive in seconds, 0..65535 (0: none)"},
};
constexpr std::array kClientMessages{
    ArgSpec{"clientid", ArgKind::String, true, true, "MQTT client id"},
    ArgSpec{"position", ArgKind::String, false, false, "start after this entry: a previous page's position"},
    ArgSpec{"limit", ArgKind::UInt, false, false, "at most N messages, 1..10000 (default 100)"},
    ArgSpec{"payload", ArgKind::String, false, false, "base64 (the default) | plain | none"},
    ArgSpec{"max_payload_bytes", ArgKind::UInt, false, false,
            "payloads shown in all at most this many bytes, past the first message (default 1048576)"},
};
constexpr std::array kRetainerMessages{
    ArgSpec{"topic", ArgKind::String, true, false, "only the messages whose topic matches this filter"}};
constexpr std::array kRetainerClean{
    ArgSpec{"topic", ArgKind::String, true, false, "only this topic's retained message (default: all)"}};
constexpr std::array kLogLevel{ArgSpec{"level", ArgKind::String, true, true,
                                       "debug | info | notice | warning | error | critical | alert | emergency"}};
constexpr std::array kLogPrimaryLevel{
    ArgSpec{"level", ArgKind::String, true, false,
            "debug | info | notice | warning | error | critical | alert | emergency (default: show it)"}};
constexpr std::array kSubscriptionsAdd{
    ArgSpec{"clientid", ArgKind::String, true, true, "MQTT client id"},
    ArgSpec{"topic", ArgKind::String, true, true, "topic filter"},
    ArgSpec{"qos", ArgKind::UInt, true, true, "0, 1 or 2"},
    ArgSpec{"nl", ArgKind::UInt, false, false, "No Local: 0 (the default) or 1 (not for a shared subscription)"},
    ArgSpec{"rap", ArgKind::UInt, false, false, "Retain as Published: 0 (the default) or 1"},
    ArgSpec{"rh", ArgKind::UInt, false, false, "Retain Handling: 0 (the default), 1 or 2"},
};
constexpr std::array kSubscriptionsDel{
    ArgSpec{"clientid", ArgKind::String, true, true, "MQTT client id"},
    ArgSpec{"topic", ArgKind::String, true, true, "topic filter"},
};
constexpr std::array kTopic{ArgSpec{"topic", ArgKind::String, true, true, "topic name or filter"}};
constexpr std::array kTraceStart{
    ArgSpec{"type", ArgKind::String, true, true, "client | topic | ip_address"},
    ArgSpec{"target", ArgKind::String, true, true, "the client id, topic filter or IP address to trace"},
    ArgSpec{"file", ArgKind::Path, true, true, "file to write (relative: to the current directory)"},
    ArgSpec{"level", ArgKind::String, true, false,
            "all | debug | info | notice | warning | error | critical | alert | emergency (default all)"},
    ArgSpec{"formatter", ArgKind::String, true, false, "text | json (default text; json: one JSON object a line)"},
};
constexpr std::array kTraceStop{
    ArgSpec{"type", ArgKind::String, true, true, "client | topic | ip_address"},
    ArgSpec{"target", ArgKind::String, true, true, "the client id, topic filter or IP address traced"},
};
constexpr std::array kTraceTail{
    ArgSpec{"name", ArgKind::String, true, true, "trace name (trace list / traces list)"},
    ArgSpec{"offset", ArgKind::UInt, false, false, "start at this byte of the file (default: the last 4 KiB)"},
};
constexpr std::array kTracesStart{
    ArgSpec{"name", ArgKind::String, true, true, "trace name: letters, digits, - and _"},
    ArgSpec{"type", ArgKind::String, true, true, "client | topic | ip_address"},
    ArgSpec{"target", ArgKind::String, true, true, "the client id, topic filter or IP address to trace"},
    ArgSpec{"duration", ArgKind::UInt, true, false, "seconds until the trace stops (default 1800)"},
    ArgSpec{"formatter", ArgKind::String, true, false, "text | json (default text; json: one JSON object a line)"},
};
constexpr std::array kTraceName{ArgSpec{"name", ArgKind::String, true, true, "trace name"}};
constexpr ArgSpec kLicenseForce{"force", ArgKind::Flag, false, false,
                                "apply a trial or small license even though it has expired"};
constexpr std::array kLicenseReload{
    ArgSpec{"path", ArgKind::Path, true, false, "license file (default: the installed one, license.file)"},
    kLicenseForce};
constexpr std::array kLicenseUpdate{
    ArgSpec{"key", ArgKind::String, true, true, "the license (a license file's contents), or file://<absolute path>"},
    kLicenseForce};
constexpr std::array kUserPassword{
    ArgSpec{"user_id", ArgKind::String, true, true, "username (or client id, per user_id_type)"},
    ArgSpec{"password", ArgKind::String, true, true, "the password (stored hashed, never logged)"},
    ArgSpec{"is_superuser", ArgKind::String, false, false,
            "true | false: a superuser skips authorization (add: false; passwd: unchanged)"},
};
constexpr std::array kUserId{
    ArgSpec{"user_id", ArgKind::String, true, true, "username (or client id, per user_id_type)"}};
constexpr std::array kCacheClean{ArgSpec{"target", ArgKind::String, true, true, "all, or a client id"}};
constexpr std::array kPemCacheClean{ArgSpec{"target", ArgKind::String, true, false, "all (the default: this node)"}};
constexpr std::array kBannedAdd{
    ArgSpec{"as", ArgKind::String, true, true, "clientid | username | peerhost"},
    ArgSpec{"who", ArgKind::String, true, true, "the client id, username or IP address"},
    ArgSpec{"reason", ArgKind::String, false, false, "why (shown by banned list)"},
    ArgSpec{"duration", ArgKind::UInt, false, false, "seconds until the ban ends (default: never)"},
    ArgSpec{"until", ArgKind::UInt, false, false, "when the ban ends, in seconds since the epoch (default: never)"},
    ArgSpec{"by", ArgKind::String, false, false, "who bans (default: emqxctl)"},
    ArgSpec{"at", ArgKind::UInt, false, false, "when the ban was made, in seconds since the epoch (default: now)"},
};
constexpr std::array kNode{ArgSpec{"node", ArgKind::String, true, true, "a node name, e.g. emqx@10.0.0.2"}};
constexpr ArgSpec kApiKeyName{"name", ArgKind::String, false, true,
                              "the key's name: a letter, then letters, digits, - and _"};
constexpr std::array kApiKeyAdd{
    kApiKeyName,
    ArgSpec{"desc", ArgKind::String, false, false, "a description"},
    ArgSpec{"role", ArgKind::String, false, false, "administrator (the default) | viewer (GET only) | publisher"},
};
constexpr std::array kApiKeyDel{kApiKeyName};
constexpr ArgSpec kAdminUsername{"username", ArgKind::String, true, true,
                                 "the dashboard user: letters, digits and _ (at most 100)"};
constexpr ArgSpec kAdminPassword{
    "password", ArgKind::String, true, true,
    "8 to 64 ASCII characters, from at least two of letters, digits and specials (stored hashed, never logged)"};
constexpr std::array kAdminsAdd{
    kAdminUsername,
    kAdminPassword,
    ArgSpec{"description", ArgKind::String, true, false, "a description (default: none)"},
    ArgSpec{"role", ArgKind::String, true, false, "administrator (the default) | viewer (GET only)"},
};
constexpr std::array kAdminsPasswd{kAdminUsername, kAdminPassword};
constexpr std::array kAdminsDel{kAdminUsername};
constexpr std::array kBannedDel{
    ArgSpec{"as", ArgKind::String, true, true, "clientid | username | peerhost"},
    ArgSpec{"who", ArgKind::String, true, true, "the client id, username or IP address"},
};

constexpr std::array kCommands{
    CommandSpec{"status", "status", "", kNoArgs, "Show the node's status", human::status},
    CommandSpec{"broker.info", "broker", "", kNoArgs, "Show sysdescr, version, uptime and datetime", human::brokerInfo},
    CommandSpec{"broker.stats", "broker", "stats", kNoArgs,
                "Show the broker's statistics (connections, sessions, topics...)", human::counters},
    CommandSpec{"broker.metrics", "broker", "metrics", kNoArgs,
                "Show the broker's metrics (packets, messages, bytes...)", human::counters},
    CommandSpec{"listeners.list", "listeners", "", kNoArgs, "List listeners with their connections and shutdown counts",
                human::listeners},
    CommandSpec{"listeners.stop", "listeners", "stop", kListenerId, "Stop accepting on a listener (connections stay)",
                human::listenerStopped},
    CommandSpec{"listeners.start", "listeners", "start", kListenerId, "Start a stopped listener",
                human::listenerStarted},
    CommandSpec{"listeners.restart", "listeners", "restart", kListenerId, "Stop then start a listener",
                human::listenerRestarted},
    CommandSpec{"clients.list", "clients", "list", kClientsList, "List clients, one line each", human::clients},
    CommandSpec{"clients.show", "clients", "show", kClientId, "Show one client", human::client, "Not Found."},
    CommandSpec{"clients.kick", "clients", "kick", kClientId,
                "Kick a client out (reason kicked, MQTT 5: DISCONNECT 0x98)", human::ok},
    CommandSpec{"clients.keepalive", "clients", "keepalive", kClientKeepalive, "Change a connected client's keepalive",
                human::client},
    CommandSpec{"clients.mqueue", "clients", "mqueue", kClientMessages,
                "List the messages queued in a client's session, a page at a time", human::sessionMessages},
    CommandSpec{"clients.inflight", "clients", "inflight", kClientMessages,
                "List the messages sent to a client and not yet acknowledged, a page at a time",
                human::sessionMessages},
    CommandSpec{"subscriptions.list", "subscriptions", "list", kNoArgs, "List every subscription",
                human::subscriptions},
    CommandSpec{"subscriptions.show", "subscriptions", "show", kClientId, "Show one client's subscriptions",
                human::clientSubscriptions, "Not Found."},
    CommandSpec{"subscriptions.add", "subscriptions", "add", kSubscriptionsAdd,
                "Subscribe a client's session to a topic filter", human::ok},
    CommandSpec{"subscriptions.del", "subscriptions", "del", kSubscriptionsDel,
                "Unsubscribe a client's session from a topic filter", human::ok},
    CommandSpec{"topics.list", "topics", "list", kNoArgs, "List the routed topic filters", human::topics},
    CommandSpec{"topics.show", "topics", "show", kTopic, "Show the routes of one topic filter", human::routes},
    CommandSpec{"retainer.info", "retainer", "info", kNoArgs, "Show the number of retained messages",
                human::retainedCount},
    CommandSpec{"retainer.topics", "retainer", "topics", kNoArgs, "List the topics of retained messages",
                human::retainedTopics},
    CommandSpec{"retainer.clean", "retainer", "clean", kRetainerClean, "Delete retained messages (all, or one topic)",
                human::retainedCleaned},
    CommandSpec{"retainer.messages", "retainer", "messages", kRetainerMessages,
                "List retained messages (topic, id, QoS, publisher, time)", human::retainedMessages},
    CommandSpec{"retainer.show", "retainer", "show", kTopic, "Show one topic's retained message, payload in base64",
                human::retainedMessage},
    CommandSpec{"log.set-level", "log", "set-level", kLogLevel, "Set the log level at run time", human::logLevel},
    CommandSpec{"log.primary-level", "log", "primary-level", kLogPrimaryLevel, "Show or set the primary log level",
                human::logLevel},
    CommandSpec{"trace.list", "trace", "list", kNoArgs, "List traces with the events each has matched", human::traces},
    CommandSpec{"trace.start", "trace", "start", kTraceStart, "Trace a client, topic or IP address to a file",
                human::traceStarted},
    CommandSpec{"trace.stop", "trace", "stop", kTraceStop, "Stop tracing a client, topic or IP address",
                human::traceStopped},
    CommandSpec{"trace.tail", "trace", "tail", kTraceTail,
                "Follow a trace's file live (until the trace stops or Ctrl-C)", human::traceTail},
    CommandSpec{"traces.list", "traces", "list", kNoArgs, "List named traces", human::namedTraces},
    CommandSpec{"traces.start", "traces", "start", kTracesStart,
                "Start a named trace under <data_dir>/trace/ for a duration", human::namedTraceStarted},
    CommandSpec{"traces.stop", "traces", "stop", kTraceName, "Stop a named trace (its file stays)",
                human::namedTraceStopped},
    CommandSpec{"traces.delete", "traces", "delete", kTraceName, "Delete a named trace and its file",
                human::namedTraceDeleted},
    CommandSpec{"license.info", "license", "info", kNoArgs, "Show the license in force", human::license},
    CommandSpec{"license.reload", "license", "reload", kLicenseReload, "Verify a license file and apply it",
                human::licenseReloaded},
    CommandSpec{"license.update", "license", "update", kLicenseUpdate,
                "Verify a license given as a string or file:// path and apply it (EMQX 5)", human::licenseUpdated},
    CommandSpec{"vm", "vm", "", kNoArgs, "Show load, memory, threads and file descriptors, then each worker's load",
                human::vm},
    CommandSpec{"vm.all", "vm", "all", kNoArgs, "The same as vm", human::vm},
    CommandSpec{"vm.load", "vm", "load", kNoArgs, "Show the system's load averages", human::vm},
    CommandSpec{"vm.memory", "vm", "memory", kNoArgs, "Show the process's memory", human::vm},
    CommandSpec{"vm.process", "vm", "process", kNoArgs, "Show the process's thread count and limit", human::vm},
    CommandSpec{"vm.io", "vm", "io", kNoArgs, "Show the open file descriptors and their limit", human::vm},
    CommandSpec{"cluster.status", "cluster", "status", kNoArgs, "Show the cluster's nodes", human::clusterStatus},
    CommandSpec{"cluster.join", "cluster", "join", kNode, "Join a cluster (not available yet)", human::json},
    CommandSpec{"cluster.leave", "cluster", "leave", kNoArgs, "Leave the cluster (not available yet)", human::json},
    CommandSpec{"cluster.force-leave", "cluster", "force-leave", kNode,
                "Remove a node from the cluster (not available yet)", human::json},
    CommandSpec{"users.add", "users", "add", kUserPassword, "Add a user to the built-in database", human::ok},
    CommandSpec{"users.passwd", "users", "passwd", kUserPassword,
                "Change a built-in database user's password (and superuser flag)", human::ok},
    CommandSpec{"users.del", "users", "del", kUserId, "Delete a built-in database user", human::ok},
    CommandSpec{"users.list", "users", "list", kNoArgs, "List the built-in database's users", human::users},
    CommandSpec{"acl.reload", "acl", "reload", kNoArgs,
                "Re-read the ACL files (a bad file is refused, the old rules stay)", human::aclReloaded},
    CommandSpec{"authz.cache-clean", "authz", "cache-clean", kCacheClean,
                "Empty the authorization cache of all clients or one", human::authzCacheCleaned},
    CommandSpec{"authz.cache-list", "authz", "cache-list", kClientId, "Show one client's cached authorization results",
                human::json},
    CommandSpec{"banned.list", "banned", "list", kNoArgs, "List banned client ids, usernames and addresses",
                human::banned},
    CommandSpec{"banned.add", "banned", "add", kBannedAdd, "Ban a client id, username or IP address", human::ok},
    CommandSpec{"banned.del", "banned", "del", kBannedDel, "Lift a ban", human::ok},
    CommandSpec{"api_keys.list", "api_keys", "list", kNoArgs, "List the HTTP API's keys (never their secrets)",
                human::json},
    CommandSpec{"api_keys.add", "api_keys", "add", kApiKeyAdd,
                "Create an HTTP API key; prints its api_key and api_secret (the secret only this once)", human::json},
    CommandSpec{"api_keys.del", "api_keys", "del", kApiKeyDel, "Delete an HTTP API key", human::json},
    CommandSpec{"admins.add", "admins", "add", kAdminsAdd, "Add a dashboard user", human::ok},
    CommandSpec{"admins.passwd", "admins", "passwd", kAdminsPasswd,
                "Reset a dashboard user's password (its login tokens are revoked)", human::ok},
    CommandSpec{"admins.del", "admins", "del", kAdminsDel, "Delete a dashboard user (its login tokens are revoked)",
                human::ok},
    CommandSpec{"pem_cache.clean", "pem_cache", "clean", kPemCacheClean,
                "Re-read TLS listeners' certificate, key, CA and CRL files for new handshakes", human::pemCacheCleaned},
};

}  // namespace

std::span<const CommandSpec> commandTable() { return kCommands; }

const CommandSpec* findCommand(std::string_view name) {
    for (const auto& c : kCommands)
        if (c.name == name) return &c;
    return nullptr;
}

namespace {

bool isStringList(const Json& j) {
    return j.is_array() && std::all_of(j.begin(), j.end(), [](const Json& e) { return e.is_string(); });
}

}  // namespace

bool validateArgs(const CommandSpec& spec, const Json& args, std::string& error) {
    if (!args.is_object()) {
        error = "args must be an object";
        return false;
    }
    for (auto it = args.begin(); it != args.end(); ++it) {
        const ArgSpec* a = nullptr;
        for (const auto& s : spec.args)
            if (s.name == it.key()) a = &s;
        if (!a) {
            error = std::string(spec.name) + ": unknown argument \"" + it.key() + "\"";
            return false;
        }
        bool ok = a->kind == ArgKind::UInt         ? it->is_number_unsigned()
                  : a->kind == ArgKind::Flag       ? it->is_boolean()
                  : a->kind == ArgKind::StringList ? isStringList(*it)
                                                   : it->is_string();
        if (!ok) {
            error = std::string(spec.name) + ": argument \"" + it.key() + "\" must be " +
                    (a->kind == ArgKind::UInt         ? "a non-negative integer"
                     : a->kind == ArgKind::Flag       ? "a boolean"
                     : a->kind == ArgKind::StringList ? "a list of strings"
                                                      : "a string");
            return false;
        }
        if (a->kind == ArgKind::Path &&
            (it->get_ref<const std::string&>().empty() || it->get_ref<const std::string&>().front() != '/')) {
            error = std::string(spec.name) + ": argument \"" + it.key() + "\" must be an absolute path";
            return false;
        }
    }
    for (const auto& s : spec.args) {
        if (s.required && !args.contains(std::string(s.name))) {
            error = std::string(spec.name) + ": missing argument \"" + std::string(s.name) + "\"";
            return false;
        }
    }
    return true;
}

std::string cliWords(const CommandSpec& spec) {
    std::string s(spec.group);
    if (!spec.verb.empty()) {
        s += ' ';
        s += spec.verb;
    }
    return s;
}

}  // namespace emqx::ctl
