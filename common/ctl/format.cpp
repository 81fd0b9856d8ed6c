#include "common/ctl/format.h"

#include <algorithm>
#include <initializer_list>

#include "common/ctl/commands.h"

namespace emqx::ctl {

namespace {

// A JSON scalar as EMQX's ~w/~ts would show it (strings bare, null as undefined).
std::string scalar(const Json& v) {
    if (v.is_null()) return "undefined";
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return v.dump();
}

std::string padded(std::string_view key, size_t width) {
    std::string s(key);
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s;
}

// EMQX's "~-Ns: ~w~n".
void kv(std::string& out, std::string_view key, const Json& value, size_t width) {
    out += padded(key, width);
    out += ": ";
    out += scalar(value);
    out += '\n';
}

const Json& field(const Json& j, const char* key) {
    static const Json null_json;
    if (!j.is_object()) return null_json;
    auto it = j.find(key);
    return it == j.end() ? null_json : *it;
}

void flatten(std::string& out, const std::string& prefix, const Json& j, size_t width) {
    if (j.is_object()) {
        for (auto it = j.begin(); it != j.end(); ++it)
            flatten(out, prefix.empty() ? it.key() : prefix + "/" + it.key(), *it, width);
    } else if (j.is_array()) {
        for (size_t i = 0; i < j.size(); ++i) flatten(out, prefix + "/" + std::to_string(i), j[i], width);
    } else {
        kv(out, prefix, j, width);
    }
}

std::string listenerBlocks(const Json& data) {
    std::string out;
    for (const auto& l : field(data, "listeners")) {
        out += scalar(field(l, "id"));
        out += '\n';
        auto line = [&](const char* key, const std::string& value) {
            out += "  ";
            out += padded(key, 16);
            out += ": ";
            out += value;
            out += '\n';
        };
        line("listen_on", scalar(field(l, "listen_on")));
        line("acceptors", scalar(field(l, "acceptors")));
        line("proxy_protocol", scalar(field(l, "proxy_protocol")));
        line("enbale", scalar(field(l, "enable")));  // EMQX's spelling, which scripts match
        line("running", scalar(field(l, "running")));
        // As EMQX, a stopped listener shows no connection counts.
        if (field(l, "running") != Json(true)) continue;
        line("current_conn", scalar(field(l, "current_conn")));
        line("max_conns", scalar(field(l, "max_conns")));
        line("shutdown_count", formatShutdownCount(field(l, "shutdown_count")));
    }
    return out;
}

// EMQX's `vm` lines, "cpu/load1               : 0.52": per section its keys
// in its order, then ours; then what is only ours (the workers).
std::string vmLines(const Json& data) {
    struct Section {
        const char* name;
        std::initializer_list<const char*> emqx_keys;
    };
    static const Section sections[] = {
        {"cpu", {"load1", "load5", "load15"}},
        {"memory", {"total"}},
        {"process", {"limit", "count"}},
        {"io", {"max_fds", "active_fds"}},
    };
    constexpr size_t kWidth = 24;
    std::string out;
    auto isSection = [&](const std::string& key) {
        for (const auto& s : sections)
            if (key == s.name) return true;
        return false;
    };
    for (const auto& s : sections) {
        const Json& values = field(data, s.name);
        if (!values.is_object()) continue;
        std::string prefix = std::string(s.name) + "/";
        for (const char* key : s.emqx_keys)
            if (values.contains(key)) kv(out, prefix + key, values[key], kWidth);
        for (auto it = values.begin(); it != values.end(); ++it)
            if (std::find(s.emqx_keys.begin(), s.emqx_keys.end(), it.key()) == s.emqx_keys.end())
                kv(out, prefix + it.key(), *it, kWidth);
    }
    for (auto it = data.begin(); data.is_object() && it != data.end(); ++it)
        if (!isSection(it.key())) flatten(out, it.key(), *it, kWidth);
    return out;
}

// The lines of a list, or EMQX's words when it is empty.
template <class Line>
std::string listLines(const Json& items, std::string_view when_empty, Line&& line) {
    if (!items.is_array() || items.empty()) return std::string(when_empty) + "\n";
    std::string out;
    for (const auto& item : items) out += line(item) + "\n";
    return out;
}

std::string routeLine(const Json& t) { return scalar(field(t, "topic")) + " -> " + scalar(field(t, "node")); }

std::string banLine(const Json& b) {
    return "Banned(" + scalar(field(b, "as")) + "=" + scalar(field(b, "who")) +
           ", reason=" + scalar(field(b, "reason")) + ", by=" + scalar(field(b, "by")) +
           ", at=" + scalar(field(b, "at")) + ", until=" + scalar(field(b, "until")) + ")";
}

std::string retainedLine(const Json& m) {
    return "Retained(topic=" + scalar(field(m, "topic")) + ", msgid=" + scalar(field(m, "msgid")) +
           ", qos=" + scalar(field(m, "qos")) + ", from_clientid=" + scalar(field(m, "from_clientid")) +
           ", publish_at=" + scalar(field(m, "publish_at")) + ")";
}

std::string sessionMessageLine(const Json& m) {
    std::string line = "Message(inserted_at=" + scalar(field(m, "inserted_at")) +
                       ", msgid=" + scalar(field(m, "msgid")) + ", topic=" + scalar(field(m, "topic")) +
                       ", qos=" + scalar(field(m, "qos")) + ", from_clientid=" + scalar(field(m, "from_clientid")) +
                       ", publish_at=" + scalar(field(m, "publish_at")) + ")";
    if (m.contains("payload")) line += " payload: " + scalar(field(m, "payload"));
    return line;
}

std::string subscriptionLine(const Json& s) {
    return scalar(field(s, "clientid")) + " -> topic:" + scalar(field(s, "topic")) + " qos:" + scalar(field(s, "qos")) +
           " nl:" + scalar(field(s, "nl")) + " rh:" + scalar(field(s, "rh")) + " rap:" + scalar(field(s, "rap"));
}

std::string nodeList(const Json& nodes) {
    std::string s = "[";
    bool first = true;
    for (const auto& n : nodes) {
        if (!first) s += ',';
        first = false;
        s += '\'';
        s += scalar(n);
        s += '\'';
    }
    return s + "]";
}

// EMQX's `Trace(clientid=emqx_c, level=debug, destination="trace.log")`, plus
// what we add: how many events matched, and for a named trace its name and status.
std::string traceLine(const Json& t) {
    std::string s = "Trace(" + scalar(field(t, "type")) + "=" + scalar(field(t, "target")) +
                    ", level=" + scalar(field(t, "level")) + ", destination=\"" + scalar(field(t, "file")) +
                    "\", matched=" + scalar(field(t, "matched"));
    if (field(t, "named").is_boolean() && field(t, "named").get<bool>()) s += ", name=" + scalar(field(t, "name"));
    if (scalar(field(t, "status")) != "running") s += ", status=" + scalar(field(t, "status"));
    return s + ")";
}

// EMQX's `Trace(nt1: clientid=c1, running, LogSize:#{'emqx@127.0.0.1' => 1045})`.
std::string namedTraceLine(const Json& t) {
    std::string sizes;
    for (auto it = field(t, "log_size").begin(); it != field(t, "log_size").end(); ++it) {
        if (!sizes.empty()) sizes += ",";
        sizes += "'" + it.key() + "' => " + scalar(it.value());
    }
    return "Trace(" + scalar(field(t, "name")) + ": " + scalar(field(t, "type")) + "=" + scalar(field(t, "target")) +
           ", " + scalar(field(t, "status")) + ", LogSize:#{" + sizes + "})";
}

// EMQX's `license info` lines ("~-16s: ~s"), its keys first, then ours.
std::string licenseBlock(const Json& d) {
    std::string out;
    for (const char* key : {"customer", "email", "deployment", "max_connections", "start_at", "expiry_at", "type",
                            "customer_type", "expiry", "edition", "days_left", "file"})
        kv(out, key, field(d, key), 16);
    const Json& refused = field(d, "refused_connections");
    kv(out, "refused_connections",
       Json("expired=" + scalar(field(refused, "expired")) +
            ", max_connections=" + scalar(field(refused, "max_connections"))),
       16);
    return out;
}

// What license reload/update print: EMQX's expiry warning when the license
// applied has expired, then "ok".
std::string licenseApplied(const Json& d) {
    std::string out;
    if (field(d, "expired").is_boolean() && field(d, "expired").get<bool>()) {
        const std::string rule(72, '=');
        int64_t days_left = field(d, "days_left").is_number() ? field(d, "days_left").get<int64_t>() : 0;
        out += "\n" + rule + "\nLicense has been expired for " + std::to_string(-days_left) + " days.\n" + rule + "\n";
    }
    return out + "ok\n";
}

}  // namespace

std::string humanDuration(uint64_t seconds) {
    const uint64_t parts[] = {seconds / 86400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60};
    const char* units[] = {" days", " hours", " minutes", " seconds"};
    std::string out;
    bool started = false;
    for (int i = 0; i < 4; ++i) {
        if (!started && parts[i] == 0 && i < 3) continue;
        if (started) out += ", ";
        started = true;
        out += std::to_string(parts[i]) + units[i];
    }
    return out;
}

std::string formatShutdownCount(const Json& counts) {
    std::string s = "[";
    bool first = true;
    if (counts.is_object()) {
        for (auto it = counts.begin(); it != counts.end(); ++it) {
            if (it->is_number() && it->get<uint64_t>() == 0) continue;
            if (!first) s += ',';
            first = false;
            s += "{" + it.key() + "," + scalar(*it) + "}";
        }
    }
    return s + "]";
}

std::string formatClient(const Json& c) {
    std::string s = "Client(" + scalar(field(c, "clientid"));
    auto add = [&](const char* key) { s += std::string(", ") + key + "=" + scalar(field(c, key)); };
    for (const char* key :
         {"username", "peername", "clean_start", "keepalive", "session_expiry_interval", "subscriptions", "inflight",
          "awaiting_rel", "delivered_msgs", "enqueued_msgs", "dropped_msgs", "connected", "created_at", "connected_at"})
        add(key);
    if (c.contains("disconnected_at")) add("disconnected_at");
    return s + ")";
}

namespace human {

std::string json(const Json& data) { return data.dump(2) + "\n"; }

std::string ok(const Json&) { return "ok\n"; }

std::string status(const Json& data) {
    return "Node '" + scalar(field(data, "node")) + "' " + scalar(field(data, "version")) + " is " +
           scalar(field(data, "status")) + "\n";
}

std::string brokerInfo(const Json& data) {
    std::string out;
    kv(out, "sysdescr", field(data, "sysdescr"), 10);
    kv(out, "version", field(data, "version"), 10);
    kv(out, "datetime", field(data, "datetime"), 10);
    const Json& up = field(data, "uptime_s");
    kv(out, "uptime", up.is_number() ? Json(humanDuration(up.get<uint64_t>())) : up, 10);
    return out;
}

std::string counters(const Json& data) {
    std::string out;
    for (auto it = data.begin(); data.is_object() && it != data.end(); ++it) kv(out, it.key(), *it, 30);
    return out;
}

std::string listeners(const Json& data) { return listenerBlocks(data); }
std::string listenerStopped(const Json& data) {
    return "Stop " + scalar(field(data, "id")) + " listener successfully.\n";
}
std::string listenerStarted(const Json& data) {
    return "Started " + scalar(field(data, "id")) + " listener successfully.\n";
}
std::string listenerRestarted(const Json& data) {
    return "Restarted " + scalar(field(data, "id")) + " listener successfully.\n";
}

std::string clients(const Json& data) { return listLines(field(data, "clients"), "No clients.", formatClient); }

std::string client(const Json& data) {
    // EMQX's line, then what users ask first when messages go missing:
    // what the session holds and why it dropped what it dropped.
    const Json& c = field(data, "client");
    std::string out = formatClient(c) + "\n";
    if (c.contains("session_memory_bytes")) kv(out, "  session_memory_bytes", c["session_memory_bytes"], 23);
    if (c.contains("dropped_by_reason"))
        kv(out, "  dropped_by_reason", Json(formatShutdownCount(c["dropped_by_reason"])), 23);
    return out;
}

std::string subscriptions(const Json& data) {
    return listLines(field(data, "subscriptions"), "No subscriptions.", subscriptionLine);
}

// The page, then where the next one starts (--position).
std::string sessionMessages(const Json& data) {
    return listLines(field(data, "messages"), "No messages.", sessionMessageLine) +
           "position: " + scalar(field(data, "position")) + "\n";
}

// EMQX answers a client without subscriptions as one it does not know.
std::string clientSubscriptions(const Json& data) {
    return listLines(field(data, "subscriptions"), "Not Found.", subscriptionLine);
}

std::string topics(const Json& data) { return listLines(field(data, "topics"), "No topics.", routeLine); }

std::string routes(const Json& data) {
    std::string out;
    for (const auto& t : field(data, "topics")) out += routeLine(t) + "\n";
    return out;
}

std::string retainedCount(const Json& data) {
    return "Number of retained messages: " + scalar(field(data, "count")) + "\n";
}

std::string retainedTopics(const Json& data) {
    std::string out;
    for (const auto& t : field(data, "topics")) out += scalar(t) + "\n";
    return out;
}

std::string retainedCleaned(const Json& data) {
    const Json& topic = field(data, "topic");
    if (topic.is_null()) return "Cleaned all retained messages\n";
    return "Cleaned retained messages for topic " + scalar(topic) + "\n";
}

std::string retainedMessages(const Json& data) {
    return listLines(field(data, "messages"), "No retained messages.", retainedLine);
}

std::string retainedMessage(const Json& data) {
    return retainedLine(data) + "\npayload (base64): " + scalar(field(data, "payload")) + "\n";
}

std::string logLevel(const Json& data) { return scalar(field(data, "level")) + "\n"; }

std::string traces(const Json& data) { return listLines(field(data, "traces"), "Trace is empty", traceLine); }

// EMQX's words, then where the file is (the absolute path).
std::string traceStarted(const Json& data) {
    return "trace " + scalar(field(data, "target")) + " " + scalar(field(data, "name")) +
           " successfully\ndestination: " + scalar(field(data, "file")) + "\n";
}

std::string traceStopped(const Json& data) {
    return "stop tracing " + scalar(field(data, "type")) + " " + scalar(field(data, "target")) + " successfully\n";
}

std::string traceTail(const Json& data) { return scalar(field(data, "data")); }

std::string namedTraces(const Json& data) {
    return listLines(field(data, "traces"), "Cluster Trace is empty", namedTraceLine);
}

// EMQX's words, then where the file is and when the trace ends.
std::string namedTraceStarted(const Json& data) {
    return "cluster_trace " + scalar(field(data, "type")) + " " + scalar(field(data, "target")) + " " +
           scalar(field(data, "name")) + " successfully\ndestination: " + scalar(field(data, "file")) +
           "\nend_at: " + scalar(field(data, "end_at")) + "\n";
}

std::string namedTraceStopped(const Json& data) {
    return "Stop cluster_trace " + scalar(field(data, "name")) + " successfully\n";
}

std::string namedTraceDeleted(const Json& data) {
    return "Del cluster_trace " + scalar(field(data, "name")) + " successfully\n";
}

std::string license(const Json& data) { return licenseBlock(data); }
std::string licenseUpdated(const Json& data) { return licenseApplied(data); }
std::string licenseReloaded(const Json& data) { return licenseApplied(data) + licenseBlock(data); }

std::string pemCacheCleaned(const Json&) { return "PEM cache clean OK\n"; }  // EMQX's words

std::string vm(const Json& data) { return vmLines(data); }

std::string clusterStatus(const Json& data) {
    return "Cluster status: #{running_nodes => " + nodeList(field(data, "running_nodes")) + ",stopped_nodes => " +
           nodeList(field(data, "stopped_nodes")) + "}\n";
}

std::string users(const Json& data) {
    return listLines(field(data, "users"), "No users.", [](const Json& u) { return scalar(field(u, "user_id")); });
}

std::string banned(const Json& data) { return listLines(field(data, "banned"), "No bans.", banLine); }

std::string aclReloaded(const Json& data) { return "ACL reload OK (" + scalar(field(data, "rules")) + " rules)\n"; }

// EMQX's words.
std::string authzCacheCleaned(const Json& data) {
    if (field(data, "target") == Json("all")) return "Authorization cache drain started on all nodes OK\n";
    return "Drain " + scalar(field(data, "target")) + " authz cache OK\n";
}

}  // namespace human

std::string formatHuman(std::string_view cmd, const Json& data) {
    const CommandSpec* spec = findCommand(cmd);
    return spec ? spec->human(data) : human::json(data);
}

std::optional<std::string> failureAsOutput(std::string_view cmd, std::string_view error_code) {
    const CommandSpec* spec = findCommand(cmd);
    if (!spec || spec->not_found_output.empty() || error_code != code::kNotFound) return std::nullopt;
    return std::string(spec->not_found_output) + "\n";
}

}  // namespace emqx::ctl
