"""emqxctl for scripts written for EMQX (issue #13, points 3 and 6): unknown and
absent commands say so, empty lists print EMQX's words, `Not Found.` is output,
banned / acl / authz print text, a shared subscription's route is its filter,
--json failures are JSON, broker stats' channels / subscribers / shared counts
with real high-water marks, `vm` and its subcommands with EMQX's keys, and a
stopped listener's block. One broker for the whole file."""
import json
import os
import re
import subprocess

import pytest

from harness import Broker, Client, port_accepts, wait_until
from harness import clients as _clients
from test_ctl_common import QUIET_SYS, ctl, ctl_json, emqxctl_bin, pytestmark, run_ctl  # noqa: F401

NODE = "emqx@127.0.0.1"
NO_CLUSTER = "clustering is not available on this node yet"


@pytest.fixture(scope="module")
def _broker(tmp_path_factory):
    acl = tmp_path_factory.mktemp("ctl-text") / "acl.conf"
    acl.write_text("{allow, all}.\n")
    # No $SYS publishing: nothing reads the stats but the tests, so a .max
    # can only be right if it was tracked when the count peaked.
    b = Broker(env=QUIET_SYS, name="ctl-text",
               config='[authorization]\nsources = [{type = "file", path = "%s"}]\n' % acl)
    b.start()
    yield b
    b.stop()


@pytest.fixture
def broker(request, _broker):
    """Per test: the broker's log goes into a failure report; clients are closed afterwards."""
    request.node._brokers = [_broker]
    request.addfinalizer(_clients.close_all)
    return _broker


def failure(p):
    """The {"code","message"} object a --json failure prints, alone, on stdout."""
    assert p.stderr == "", p.stderr
    return json.loads(p.stdout)


def stats(broker):
    return ctl_json(broker, "broker", "stats")


def no_sessions(broker):
    """Waits until the sessions of earlier tests (closed, not yet gone) have ended."""
    wait_until(lambda: ctl_json(broker, "clients", "list")["total"] == 0, 5, what="no session left")


def broker_proc_status(broker, key):
    with open("/proc/%d/status" % broker.proc.pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s in /proc/%d/status" % (key, broker.proc.pid))


def vm_lines(broker, *sub):
    """{key: value} of `emqxctl vm <sub>`, checking EMQX's layout ("cpu/load1" padded to 24, ": ")."""
    out = {}
    for line in ctl(broker, "vm", *sub).splitlines():
        m = re.match(r"^(\S+) +: (\S+)$", line)
        assert m and line.index(": ") == 24, line
        out[m.group(1)] = m.group(2)
    return out


# -- point 6: words for empty lists and unknown clients ----------------------------------------

def test_empty_lists_print_emqx_words(broker):
    no_sessions(broker)
    assert ctl(broker, "clients", "list") == "No clients.\n"
    assert ctl(broker, "topics", "list") == "No topics.\n"
    assert ctl(broker, "subscriptions", "list") == "No subscriptions.\n"
    assert ctl(broker, "trace", "list") == "Trace is empty\n"
    assert ctl(broker, "traces", "list") == "Cluster Trace is empty\n"
    assert ctl(broker, "banned", "list") == "No bans.\n"
    assert ctl_json(broker, "clients", "list") == {"clients": [], "total": 0, "truncated": False}
    assert ctl_json(broker, "topics", "list") == {"topics": []}


def test_not_found_is_output_for_an_unknown_client_as_emqx(broker):
    for args in (("clients", "show", "nobody"), ("subscriptions", "show", "nobody")):
        p = run_ctl(broker, *args)
        assert (p.returncode, p.stdout, p.stderr) == (0, "Not Found.\n", ""), (args, p)
        p = run_ctl(broker, "--json", *args)
        assert p.returncode == 1
        assert failure(p) == {"code": "not_found", "message": "Not Found: client nobody"}
    c = Client(broker, "no-subs", protocol=4)
    c.connect()
    assert ctl(broker, "subscriptions", "show", "no-subs") == "Not Found.\n"  # EMQX: no subscription, not found
    assert ctl_json(broker, "subscriptions", "show", "no-subs") == {"clientid": "no-subs", "subscriptions": []}
    c.disconnect()


# -- point 3: unknown commands, EMQX's commands that are not here, cluster ---------------------

def test_an_unknown_command_lists_the_commands(broker):
    p = run_ctl(broker, "foo")
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith('emqxctl: unknown command "foo"\n'), p.stderr
    assert "Commands: status, broker, listeners, clients, subscriptions, topics, retainer, log, " in p.stderr
    assert "subcommand is required" not in p.stderr.lower()
    p = run_ctl(broker, "clients", "foo")
    assert p.returncode == 2
    assert p.stderr == ('emqxctl: unknown subcommand "foo" of clients\n'
                        "Subcommands of clients: list, show, kick, keepalive, mqueue, inflight\n"), p.stderr
    p = run_ctl(broker, "clients")
    assert (p.returncode, p.stderr) == (2, "emqxctl: clients needs a subcommand: list, show, kick, keepalive, mqueue, inflight\n")
    p = run_ctl(broker, "--json", "foo")
    assert p.returncode == 2 and failure(p)["code"] == "unknown_command"


@pytest.mark.parametrize("args", [
    ["plugins", "list"], ["a2a_registry"], ["conf", "show"], ["data", "export"], ["ds", "info"],
    ["exclusive", "list"], ["gateway", "list"], ["mnesia"], ["olp", "status"], ["rules", "list"],
    ["cluster_call", "status"], ["observer", "status"], ["rebalance"], ["eviction"], ["session-top", "status"],
    ["vm", "ports"], ["clients", "stats", "f.csv"], ["listeners", "enable", "tcp:default", "true"],
    ["log", "handlers", "list"], ["retainer", "reindex", "status"], ["cluster", "discovery", "enable"],
])
def test_emqx_commands_that_are_not_here_say_so(broker, args):
    p = run_ctl(broker, *args)
    words = " ".join(args[:2]) if args[0] in ("vm", "clients", "listeners", "log", "retainer", "cluster") else args[0]
    assert p.returncode == 1 and p.stdout == "", p
    assert p.stderr.startswith("emqxctl: EMQX's \"%s\" command does not exist in emqxd: " % words), p.stderr
    p = run_ctl(broker, "--json", *args)
    assert p.returncode == 1 and failure(p)["code"] == "not_available"


def test_cluster_join_and_leave_are_not_available_yet(broker):
    for args in (("cluster", "join", "emqx@10.0.0.2"), ("cluster", "leave"), ("cluster", "force-leave", "emqx@x")):
        p = run_ctl(broker, *args)
        assert (p.returncode, p.stdout, p.stderr) == (1, "", NO_CLUSTER + "\n"), (args, p)
        p = run_ctl(broker, "--json", *args)
        assert p.returncode == 1 and failure(p) == {"code": "not_available", "message": NO_CLUSTER}
    assert ctl(broker, "cluster", "status") == \
        "Cluster status: #{running_nodes => ['%s'],stopped_nodes => []}\n" % NODE


# -- point 6: --json failures --------------------------------------------------------------------

def test_every_json_failure_is_a_json_object_on_stdout(broker, tmp_path):
    p = run_ctl(broker, "--json", "clients", "list", "--limit", "abc")  # usage
    assert p.returncode == 2 and failure(p)["code"] == "bad_args"
    p = run_ctl(broker, "--json")
    assert p.returncode == 2 and failure(p)["code"] == "bad_args"
    p = run_ctl(broker, "--json", "listeners", "stop", "tcp:nope")  # the daemon's failure
    assert p.returncode == 1 and failure(p) == {"code": "not_found", "message": "Invalid listener: tcp:nope"}
    missing = str(tmp_path / "nobody.sock")
    p = subprocess.run([emqxctl_bin(), "--json", "--socket", missing, "status"], capture_output=True, text=True,
                       timeout=10)
    assert p.returncode == 3
    f = failure(p)
    assert f["code"] == "unreachable" and missing in f["message"]


# -- point 6: banned, acl, authz print text --------------------------------------------------------

def test_banned_acl_and_authz_print_text(broker):
    assert ctl(broker, "banned", "add", "clientid", "evil", "--reason", "spam") == "ok\n"
    assert re.match(r"^Banned\(clientid=evil, reason=spam, by=emqxctl, at=\d+, until=infinity\)\n$",
                    ctl(broker, "banned", "list")), ctl(broker, "banned", "list")
    assert ctl(broker, "banned", "del", "clientid", "evil") == "ok\n"
    assert ctl(broker, "banned", "list") == "No bans.\n"
    assert ctl(broker, "acl", "reload") == "ACL reload OK (1 rules)\n"
    assert ctl(broker, "authz", "cache-clean", "all") == "Authorization cache drain started on all nodes OK\n"
    c = Client(broker, "cached", protocol=4)
    c.connect()
    assert ctl(broker, "authz", "cache-clean", "cached") == "Drain cached authz cache OK\n"
    c.disconnect()


# -- point 6: topics list shows a shared subscription's route as EMQX -------------------------------

def test_topics_list_shows_the_filter_of_a_shared_subscription(broker):
    no_sessions(broker)
    a = Client(broker, "share-a", protocol=5)
    a.connect()
    a.subscribe("$share/g/x/#", 1)
    a.subscribe("y/1", 0)
    b = Client(broker, "share-b", protocol=4)
    b.connect()
    b.subscribe("$share/g/x/#", 0)
    b.subscribe("$queue/q", 0)
    assert ctl(broker, "topics", "list") == "q -> %s\nx/# -> %s\ny/1 -> %s\n" % (NODE, NODE, NODE)
    assert ctl_json(broker, "topics", "list")["topics"] == [
        {"topic": "q", "node": NODE, "group": "$queue"},
        {"topic": "x/#", "node": NODE, "group": "g"},
        {"topic": "y/1", "node": NODE}]
    assert ctl(broker, "topics", "show", "x/#") == "x/# -> %s\n" % NODE
    # A subscription keeps its full filter.
    assert "share-a -> topic:$share/g/x/# qos:1" in ctl(broker, "subscriptions", "list")
    a.disconnect()
    b.disconnect()


# -- point 6: broker stats --------------------------------------------------------------------------

def connected(broker, n, prefix):
    clients = []
    for i in range(n):
        c = Client(broker, "%s-%d" % (prefix, i), protocol=5)
        c.connect()
        clients.append(c)
    return clients


def test_broker_stats_channels_subscribers_and_shared_with_real_peaks(broker):
    no_sessions(broker)
    base = stats(broker)
    for key in ("channels", "subscribers", "subscriptions.shared"):
        assert base[key + ".count"] <= base[key + ".max"], (key, base)
    peak = connected(broker, 3, "peak")
    peak[0].subscribe("$share/g/p/#", 1)
    peak[1].subscribe("$share/g/p/#", 1)
    peak[2].subscribe("p/direct", 0)
    s = stats(broker)
    assert s["channels.count"] == s["sessions.count"] == base["channels.count"] + 3
    assert s["subscribers.count"] == s["subscriptions.count"] == base["subscriptions.count"] + 3
    assert s["subscriptions.shared.count"] == base["subscriptions.shared.count"] + 2
    # A higher peak that nobody reads while it lasts.
    spike = connected(broker, 2, "spike")
    for c in spike:
        c.subscribe("$share/h/s", 0)
    for c in peak + spike:
        c.disconnect()
    wait_until(lambda: stats(broker)["channels.count"] == base["channels.count"], 5, what="sessions ended")
    s = stats(broker)
    assert s["subscriptions.count"] == base["subscriptions.count"]
    assert s["subscriptions.shared.count"] == base["subscriptions.shared.count"]
    assert s["channels.max"] == s["sessions.max"] == max(base["channels.max"], base["channels.count"] + 5)
    assert s["subscribers.max"] == s["subscriptions.max"] == \
        max(base["subscriptions.max"], base["subscriptions.count"] + 5)
    assert s["subscriptions.shared.max"] == \
        max(base["subscriptions.shared.max"], base["subscriptions.shared.count"] + 4)
    lines = ctl(broker, "broker", "stats")
    for key in ("channels.count", "channels.max", "subscribers.count", "subscribers.max",
                "subscriptions.shared.count", "subscriptions.shared.max"):
        assert re.search(r"^%s +: %d$" % (re.escape(key), s[key]), lines, re.M), (key, lines)


# -- point 6: vm --------------------------------------------------------------------------------------

def test_vm_subcommands_have_emqx_keys_with_this_process_values(broker):
    load = vm_lines(broker, "load")
    assert list(load) == ["cpu/load1", "cpu/load5", "cpu/load15"]
    assert all(re.match(r"^\d+\.\d{1,2}$", v) for v in load.values()), load
    memory = vm_lines(broker, "memory")
    assert list(memory) == ["memory/total", "memory/vm_bytes"]
    rss = broker_proc_status(broker, "VmRSS") * 1024
    assert 0.5 * rss < int(memory["memory/total"]) < 2 * rss, (memory, rss)
    process = vm_lines(broker, "process")
    assert list(process) == ["process/limit", "process/count"]
    wait_until(lambda: int(vm_lines(broker, "process")["process/count"]) == broker_proc_status(broker, "Threads"),
               5, what="process/count == the broker's threads")
    io = vm_lines(broker, "io")
    assert list(io) == ["io/max_fds", "io/active_fds"]
    with open("/proc/%d/limits" % broker.proc.pid) as f:
        soft_nofile = [line.split()[3] for line in f if line.startswith("Max open files")][0]
    assert io["io/max_fds"] == {"unlimited": "infinity"}.get(soft_nofile, soft_nofile)
    fds = len(os.listdir("/proc/%d/fd" % broker.proc.pid))
    assert abs(int(io["io/active_fds"]) - fds) <= 2, (io, fds)
    everything = vm_lines(broker)
    assert list(everything)[:9] == list(load) + list(memory) + list(process) + list(io)
    assert [k for k in everything if k.startswith("workers/0/")] == \
        ["workers/0/connections", "workers/0/loop_lag_us", "workers/0/sessions"]
    assert list(vm_lines(broker, "all")) == list(everything)
    data = ctl_json(broker, "vm", "process")
    assert set(data) == {"process"} and set(data["process"]) == {"limit", "count"}


# -- point 6: a stopped listener --------------------------------------------------------------------

def test_a_stopped_listener_omits_what_emqx_omits(broker):
    def block():
        lines = ctl(broker, "listeners").splitlines()
        i = lines.index("tcp:default")
        end = next((j for j in range(i + 1, len(lines)) if not lines[j].startswith("  ")), len(lines))
        return [l.split(":", 1)[0].strip() for l in lines[i + 1:end]], lines[i + 1:end]
    keys, lines = block()
    assert keys == ["listen_on", "acceptors", "proxy_protocol", "enbale", "running", "current_conn", "max_conns",
                    "shutdown_count"], lines
    ctl(broker, "listeners", "stop", "tcp:default")
    try:
        keys, lines = block()
        assert keys == ["listen_on", "acceptors", "proxy_protocol", "enbale", "running"], lines
        assert lines[3] == "  enbale          : true" and lines[4] == "  running         : false"
    finally:
        ctl(broker, "listeners", "start", "tcp:default")
        wait_until(lambda: port_accepts(broker.host, broker.port), 5, what="the listener back")
