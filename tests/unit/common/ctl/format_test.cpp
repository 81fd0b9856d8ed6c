// emqxctl's human output, as EMQX prints it.
#include <catch2/catch.hpp>

#include "common/ctl/format.h"

using namespace emqx::ctl;

TEST_CASE("ctl format: status and uptime", "[ctl]") {
    CHECK(formatHuman("status", {{"node", "emqx@127.0.0.1"}, {"version", "0.1.0"}, {"status", "started"}}) ==
          "Node 'emqx@127.0.0.1' 0.1.0 is started\n");
    CHECK(humanDuration(0) == "0 seconds");
    CHECK(humanDuration(207) == "3 minutes, 27 seconds");
    CHECK(humanDuration(3600) == "1 hours, 0 minutes, 0 seconds");
    CHECK(humanDuration(86400 + 61) == "1 days, 0 hours, 1 minutes, 1 seconds");
    CHECK(
        formatHuman("broker.info", {{"sysdescr", "EMQX"}, {"version", "0.1.0"}, {"uptime_s", 5}, {"datetime", "D"}}) ==
        "sysdescr  : EMQX\nversion   : 0.1.0\ndatetime  : D\nuptime    : 5 seconds\n");
}

TEST_CASE("ctl format: stats are aligned name : value lines", "[ctl]") {
    CHECK(formatHuman("broker.stats", {{"topics.count", 2}, {"connections.count", 1}}) ==
          "connections.count             : 1\n"
          "topics.count                  : 2\n");
}

TEST_CASE("ctl format: a listener block", "[ctl]") {
    Json data = {{"listeners",
                  {{{"id", "tcp:default"},
                    {"listen_on", "0.0.0.0:1883"},
                    {"acceptors", 4},
                    {"proxy_protocol", false},
                    {"enable", true},
                    {"running", true},
                    {"current_conn", 3},
                    {"max_conns", 1024000},
                    {"shutdown_count", {{"keepalive_timeout", 2}, {"closed", 1}}}}}}};
    CHECK(formatHuman("listeners.list", data) ==
          "tcp:default\n"
          "  listen_on       : 0.0.0.0:1883\n"
          "  acceptors       : 4\n"
          "  proxy_protocol  : false\n"
          "  enbale          : true\n"
          "  running         : true\n"
          "  current_conn    : 3\n"
          "  max_conns       : 1024000\n"
          "  shutdown_count  : [{closed,1},{keepalive_timeout,2}]\n");
    // Stopped: EMQX leaves out the connection counts.
    data["listeners"][0]["running"] = false;
    CHECK(formatHuman("listeners.list", data) ==
          "tcp:default\n"
          "  listen_on       : 0.0.0.0:1883\n"
          "  acceptors       : 4\n"
          "  proxy_protocol  : false\n"
          "  enbale          : true\n"
          "  running         : false\n");
    CHECK(formatShutdownCount(Json::object()) == "[]");
    CHECK(formatShutdownCount({{"normal", 0}, {"kicked", 1}}) == "[{kicked,1}]");
}

TEST_CASE("ctl format: EMQX's client line", "[ctl]") {
    Json c = {
        {"clientid", "c1"},  {"username", nullptr},          {"peername", "127.0.0.1:5000"}, {"clean_start", true},
        {"keepalive", 60},   {"session_expiry_interval", 0}, {"subscriptions", 1},           {"inflight", 0},
        {"awaiting_rel", 0}, {"delivered_msgs", 2},          {"enqueued_msgs", 0},           {"dropped_msgs", 0},
        {"connected", true}, {"created_at", 1700000000000},  {"connected_at", 1700000000001}};
    CHECK(formatClient(c) ==
          "Client(c1, username=undefined, peername=127.0.0.1:5000, clean_start=true, keepalive=60, "
          "session_expiry_interval=0, subscriptions=1, inflight=0, awaiting_rel=0, delivered_msgs=2, "
          "enqueued_msgs=0, dropped_msgs=0, connected=true, created_at=1700000000000, connected_at=1700000000001)");
    c["connected"] = false;
    c["disconnected_at"] = 1700000000002;
    CHECK(formatClient(c).find(", connected=false, ") != std::string::npos);
    CHECK(formatClient(c).find(", disconnected_at=1700000000002)") != std::string::npos);
}

TEST_CASE("ctl format: subscriptions, topics, cluster", "[ctl]") {
    CHECK(formatHuman("subscriptions.list",
                      {{"subscriptions",
                        {{{"clientid", "c1"}, {"topic", "t/#"}, {"qos", 1}, {"nl", 0}, {"rh", 0}, {"rap", 0}}}}}) ==
          "c1 -> topic:t/# qos:1 nl:0 rh:0 rap:0\n");
    CHECK(formatHuman("topics.list", {{"topics", {{{"topic", "t/#"}, {"node", "emqx@127.0.0.1"}}}}}) ==
          "t/# -> emqx@127.0.0.1\n");
    CHECK(formatHuman("cluster.status", {{"running_nodes", {"emqx@127.0.0.1"}}, {"stopped_nodes", Json::array()}}) ==
          "Cluster status: #{running_nodes => ['emqx@127.0.0.1'],stopped_nodes => []}\n");
}

TEST_CASE("ctl format: an empty list prints EMQX's words", "[ctl]") {
    const Json none = Json::array();
    CHECK(formatHuman("clients.list", {{"clients", none}, {"total", 0}}) == "No clients.\n");
    CHECK(formatHuman("topics.list", {{"topics", none}}) == "No topics.\n");
    CHECK(formatHuman("subscriptions.list", {{"subscriptions", none}}) == "No subscriptions.\n");
    CHECK(formatHuman("subscriptions.show", {{"clientid", "c1"}, {"subscriptions", none}}) == "Not Found.\n");
    CHECK(formatHuman("trace.list", {{"traces", none}}) == "Trace is empty\n");
    CHECK(formatHuman("traces.list", {{"traces", none}}) == "Cluster Trace is empty\n");
    CHECK(formatHuman("banned.list", {{"banned", none}}) == "No bans.\n");
    CHECK(formatHuman("users.list", {{"users", none}}) == "No users.\n");
}

TEST_CASE("ctl format: Not Found. is output for an unknown client, as EMQX prints it", "[ctl]") {
    CHECK(failureAsOutput("clients.show", "not_found") == "Not Found.\n");
    CHECK(failureAsOutput("subscriptions.show", "not_found") == "Not Found.\n");
    CHECK_FALSE(failureAsOutput("clients.show", "failed"));
    CHECK_FALSE(failureAsOutput("clients.kick", "not_found"));
    CHECK_FALSE(failureAsOutput("listeners.stop", "not_found"));
}

TEST_CASE("ctl format: banned, users, acl and authz print text", "[ctl]") {
    Json ban = {{"as", "clientid"}, {"who", "evil"},       {"reason", "spam"},
                {"by", "emqxctl"},  {"at", 1700000000000}, {"until", "infinity"}};
    CHECK(formatHuman("banned.list", {{"banned", {ban}}}) ==
          "Banned(clientid=evil, reason=spam, by=emqxctl, at=1700000000000, until=infinity)\n");
    CHECK(formatHuman("banned.add", ban) == "ok\n");
    CHECK(formatHuman("banned.del", {{"as", "clientid"}, {"who", "evil"}, {"result", "deleted"}}) == "ok\n");
    CHECK(formatHuman("users.add", {{"user_id", "alice"}, {"result", "added"}}) == "ok\n");
    CHECK(formatHuman("users.list", {{"users", {{{"user_id", "alice"}, {"is_superuser", false}}}}}) == "alice\n");
    CHECK(formatHuman("acl.reload", {{"result", "reloaded"}, {"rules", 3}}) == "ACL reload OK (3 rules)\n");
    CHECK(formatHuman("authz.cache-clean", {{"target", "all"}, {"result", "cleaned"}}) ==
          "Authorization cache drain started on all nodes OK\n");
    CHECK(formatHuman("authz.cache-clean", {{"target", "c1"}, {"result", "cleaned"}}) == "Drain c1 authz cache OK\n");
}

TEST_CASE("ctl format: vm lines have EMQX's keys first, then ours", "[ctl]") {
    Json data = {{"cpu", {{"load1", 0.52}, {"load5", 1.0}, {"load15", 0.0}}},
                 {"memory", {{"vm_bytes", 2048}, {"total", 1024}}},
                 {"process", {{"count", 9}, {"limit", "infinity"}}},
                 {"io", {{"active_fds", 12}, {"max_fds", 1024}}},
                 {"workers", {{{"connections", 1}, {"sessions", 2}, {"loop_lag_us", 30}}}}};
    CHECK(formatHuman("vm", data) ==
          "cpu/load1               : 0.52\n"
          "cpu/load5               : 1.0\n"
          "cpu/load15              : 0.0\n"
          "memory/total            : 1024\n"
          "memory/vm_bytes         : 2048\n"
          "process/limit           : infinity\n"
          "process/count           : 9\n"
          "io/max_fds              : 1024\n"
          "io/active_fds           : 12\n"
          "workers/0/connections   : 1\n"
          "workers/0/loop_lag_us   : 30\n"
          "workers/0/sessions      : 2\n");
    CHECK(formatHuman("vm.io", {{"io", data["io"]}}) ==
          "io/max_fds              : 1024\n"
          "io/active_fds           : 12\n");
}
