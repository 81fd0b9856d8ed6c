"""emqxctl basics: status, broker, vm, cluster, log level, exit codes, help and the man page.

Also holds the helpers the other test_ctl_*.py files import (`ctl`, `ctl_json`,
`CtlSocket`): emqxctl is the binary next to $EMQXD_BIN.
"""
import json
import os
import re
import socket
import stat
import subprocess
import time

import pytest

from harness import Client, RawClient, wait_until
from harness.broker import emqxd_bin, is_mosquitto

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxctl talks to emqxd only")

MAN_PAGE = os.path.join(os.path.dirname(__file__), "..", "..", "man", "emqxctl.1")
PROTOCOL_DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "ctl-protocol.md")


# No $SYS publishing: the broker's own messages would otherwise add to the
# message counters that the tests check exactly.
QUIET_SYS = {
    "EMQX_SYS_TOPICS__SYS_MSG_INTERVAL": "disabled",
    "EMQX_SYS_TOPICS__SYS_HEARTBEAT_INTERVAL": "disabled",
    "EMQX_SYS_TOPICS__SYS_EVENT_MESSAGES__CLIENT_CONNECTED": "false",
    "EMQX_SYS_TOPICS__SYS_EVENT_MESSAGES__CLIENT_DISCONNECTED": "false",
}


def emqxctl_bin():
    return os.path.join(os.path.dirname(emqxd_bin()), "emqxctl")


def socket_path(broker):
    return os.path.join(broker.tmpdir, "data", "emqxd.sock")


def run_ctl(broker, *args, env=None, timeout=20):
    cmd = [emqxctl_bin()]
    if broker is not None:
        cmd += ["--socket", socket_path(broker)]
    cmd += list(args)
    e = dict(os.environ)
    e.pop("EMQX_NODE__DATA_DIR", None)
    e.pop("EMQX_NODE__CTL_SOCKET", None)
    e.update(env or {})
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=e)


def ctl(broker, *args, rc=0, env=None):
    """Runs emqxctl against `broker`; checks the exit code; returns stdout."""
    p = run_ctl(broker, *args, env=env)
    assert p.returncode == rc, "emqxctl %s -> %d (expected %d)\nstdout: %s\nstderr: %s" % (
        " ".join(args), p.returncode, rc, p.stdout, p.stderr)
    return p.stdout


def ctl_json(broker, *args, rc=0):
    return json.loads(ctl(broker, "--json", *args, rc=rc))


def shutdown_counts(broker, listener="tcp:default"):
    for l in ctl_json(broker, "listeners")["listeners"]:
        if l["id"] == listener:
            return l["shutdown_count"]
    raise AssertionError("no listener %s" % listener)


def wait_current_conn(broker, n, listener="tcp:default", timeout=5):
    """Waits until the listener holds exactly n connections (e.g. the harness's
    readiness probe has been closed and counted), then returns its JSON."""
    def check():
        for l in ctl_json(broker, "listeners")["listeners"]:
            if l["id"] == listener and l["current_conn"] == n:
                return l
        return None
    return wait_until(check, timeout, what="%s current_conn == %d" % (listener, n))


def metrics(broker):
    return ctl_json(broker, "broker", "metrics")


class CtlSocket:
    """A raw connection to the control socket, for protocol-level tests."""

    def __init__(self, broker, timeout=5.0):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(socket_path(broker))
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def request(self, cmd, args=None, rid=1):
        self.send(json.dumps({"v": 1, "id": rid, "cmd": cmd, "args": args or {}}).encode() + b"\n")
        return self.reply()

    def reply(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise AssertionError("control socket closed before a reply; got %r" % self.buf[:200])
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def expect_closed(self):
        """EOF (or a reset) before the socket timeout."""
        try:
            while True:
                chunk = self.s.recv(65536)
                if not chunk:
                    return
                self.buf += chunk
        except ConnectionResetError:
            return

    def close(self):
        self.s.close()


# -- tests ----------------------------------------------------------------------------------

def test_status_human_and_json(broker):
    assert ctl(broker, "status") == "Node 'emqx@127.0.0.1' 0.1.0 is started\n"
    assert ctl_json(broker, "status") == {"node": "emqx@127.0.0.1", "version": "0.1.0", "status": "started"}


def test_socket_is_in_the_data_dir_with_mode_0600(broker):
    st = os.stat(socket_path(broker))
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o600


def test_env_data_dir_finds_the_socket(broker):
    out = ctl(None, "status", env={"EMQX_NODE__DATA_DIR": os.path.join(broker.tmpdir, "data")})
    assert out.startswith("Node 'emqx@127.0.0.1'")


def test_broker_info(broker):
    out = ctl(broker, "broker")
    lines = out.splitlines()
    assert [l.split(":", 1)[0] for l in lines] == ["sysdescr  ", "version   ", "datetime  ", "uptime    "]
    assert lines[0] == "sysdescr  : EMQX"
    assert lines[1] == "version   : 0.1.0"
    assert re.match(r"^datetime  : \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$", lines[2]), lines[2]
    assert re.match(r"^uptime    : (\d+ \w+, )*\d+ seconds$", lines[3]), lines[3]
    data = ctl_json(broker, "broker")
    assert data["sysdescr"] == "EMQX" and data["uptime_s"] >= 0


def test_broker_stats_lines_are_aligned_and_sorted(broker):
    c = Client(broker, "stats-1", protocol=4)
    c.connect()
    c.subscribe("s/1", 1)
    out = ctl(broker, "broker", "stats")
    names = []
    for line in out.splitlines():
        m = re.match(r"^(\S+) +: (\d+)$", line)
        assert m and len(line.split(":")[0]) == 30, line
        names.append(m.group(1))
    assert names == sorted(names)
    stats = ctl_json(broker, "broker", "stats")
    for key in ("connections.count", "connections.max", "sessions.count", "sessions.max", "topics.count",
                "topics.max", "subscriptions.count", "subscriptions.max", "retained.count", "retained.max"):
        assert key in stats, key
    assert stats["connections.count"] == 1
    assert stats["sessions.count"] == 1
    assert stats["subscriptions.count"] == 1
    assert stats["topics.count"] == 1


def test_vm_shows_memory_workers_and_fds(broker):
    data = ctl_json(broker, "vm")
    assert data["memory"]["total"] > 0
    assert data["io"]["max_fds"] > 0 and 0 < data["io"]["active_fds"] <= data["io"]["max_fds"]
    assert data["process"]["count"] >= 1 + len(data["workers"])
    assert len(data["workers"]) >= 1
    c = Client(broker, "vm-1", protocol=4)
    c.connect()
    data = ctl_json(broker, "vm")
    assert sum(w["connections"] for w in data["workers"]) == 1
    out = ctl(broker, "vm")
    assert re.search(r"^memory/total +: \d+$", out, re.M), out
    assert re.search(r"^workers/0/connections +: \d+$", out, re.M), out


def test_cluster_status_one_node(broker):
    assert ctl(broker, "cluster", "status") == \
        "Cluster status: #{running_nodes => ['emqx@127.0.0.1'],stopped_nodes => []}\n"


def test_log_set_level_changes_the_level_at_run_time(broker):
    # At the default console level (warning) a listener stop/start logs nothing.
    ctl(broker, "listeners", "stop", "tcp:default")
    ctl(broker, "listeners", "start", "tcp:default")
    ctl(broker, "status")
    assert "listener tcp:default on" not in broker.log()
    assert ctl(broker, "log", "set-level", "info") == "info\n"
    ctl(broker, "listeners", "stop", "tcp:default")
    ctl(broker, "listeners", "start", "tcp:default")
    wait_until(lambda: "listener tcp:default on %s:%d stopped" % (broker.host, broker.port) in broker.log(), 5,
               what="the info line of the listener stop in the log")
    p = run_ctl(broker, "log", "set-level", "loud")
    assert p.returncode == 2 and "unknown log level" in p.stderr


def test_exit_code_3_when_no_daemon_names_the_socket(tmp_path):
    missing = str(tmp_path / "nobody.sock")
    p = subprocess.run([emqxctl_bin(), "--socket", missing, "status"], capture_output=True, text=True, timeout=10)
    assert p.returncode == 3, p
    assert missing in p.stderr
    p = subprocess.run([emqxctl_bin(), "status"], capture_output=True, text=True, timeout=10,
                       env=dict(os.environ, EMQX_NODE__DATA_DIR=str(tmp_path)), cwd=str(tmp_path))
    assert p.returncode == 3
    assert str(tmp_path / "emqxd.sock") in p.stderr


def test_exit_code_3_after_the_daemon_stopped(broker):
    path = socket_path(broker)
    ctl(broker, "status")
    broker.terminate()
    assert not os.path.exists(path), "the daemon should remove its socket on stop"
    p = subprocess.run([emqxctl_bin(), "--socket", path, "status"], capture_output=True, text=True, timeout=10)
    assert p.returncode == 3 and path in p.stderr


@pytest.mark.parametrize("args", [
    ["nosuchcommand"],
    [],
    ["clients"],
    ["clients", "show"],
    ["clients", "list", "--limit", "abc"],
    ["listeners", "stop"],
    ["status", "extra"],
    ["--bogus-option", "status"],
])
def test_usage_errors_exit_2(args):
    # Usage is checked before the daemon is contacted: no broker needed.
    p = subprocess.run([emqxctl_bin(), "--socket", "/nonexistent/emqxd.sock"] + args, capture_output=True,
                       text=True, timeout=10)
    assert p.returncode == 2, (args, p)


def test_failed_command_exits_1(broker):
    p = run_ctl(broker, "clients", "kick", "nobody-here")
    assert p.returncode == 1 and "Not Found" in p.stderr
    p = run_ctl(broker, "listeners", "stop", "tcp:nope")
    assert p.returncode == 1 and "tcp:nope" in p.stderr


def _help_commands():
    """(group, verb) pairs as `emqxctl --help` and `emqxctl <group> --help` list them."""
    def subcommands(args):
        p = subprocess.run([emqxctl_bin()] + args + ["--help"], capture_output=True, text=True, timeout=10)
        assert p.returncode == 0, p
        out = p.stdout.split("Subcommands:", 1)
        if len(out) < 2:
            return []
        names = []
        for line in out[1].splitlines():
            m = re.match(r"^  (\S+)\s", line)
            if m:
                names.append(m.group(1))
            elif line and not line.startswith(" "):
                break
        return names

    groups = subcommands([])
    assert {"status", "broker", "listeners", "clients", "subscriptions", "topics", "retainer", "log", "vm",
            "cluster"} <= set(groups), groups
    pairs = []
    for g in groups:
        pairs.append((g, None))
        for v in subcommands([g]):
            pairs.append((g, v))
    return pairs


def test_every_command_in_help_is_in_the_man_page():
    with open(MAN_PAGE) as f:
        man = f.read()
    # groff escapes '-' as '\-'; compare on the rendered words.
    text = man.replace("\\-", "-").replace("\\fB", "").replace("\\fR", "").replace("\\fI", "").replace("\"", " ")
    missing = []
    for g, v in _help_commands():
        words = g if v is None else "%s %s" % (g, v)
        if not re.search(r"(^|\s)%s(\s|$)" % re.escape(words), text, re.M):
            missing.append(words)
    assert not missing, "man/emqxctl.1 does not describe: %s" % missing
    for opt in ("--json", "--socket", "--timeout", "--limit", "--match", "EMQX_NODE__DATA_DIR"):
        assert opt in text, opt


def test_every_command_is_in_the_protocol_doc(broker):
    with open(PROTOCOL_DOC) as f:
        doc = f.read()
    # The daemon answers every protocol name the doc lists, and the doc lists every
    # command emqxctl offers (checked through a raw request per command).
    names = sorted(set(re.findall(r"^### `([a-z_.\-]+)`", doc, re.M)))
    assert len(names) >= 19, names
    s = CtlSocket(broker)
    for i, name in enumerate(names):
        r = s.request(name, {}, rid=i + 1)
        assert r["id"] == i + 1
        assert r["ok"] or r["error"]["code"] != "unknown_command", (name, r)
    pairs = [p for p in _help_commands()]
    for g, v in pairs:
        if v is None and any(pg == g and pv for pg, pv in pairs) and g not in ("broker", "listeners"):
            continue  # a pure group (clients, topics...) is not a command itself
        proto = g if v is None else "%s.%s" % (g, v)
        if v is None and g in ("broker", "listeners"):
            proto = {"broker": "broker.info", "listeners": "listeners.list"}[g]
        assert proto in names, "docs/ctl-protocol.md lacks ### `%s`" % proto


def shutdown_baseline(broker):
    """The listener's counts once the harness's readiness probe has been counted."""
    wait_current_conn(broker, 0)
    return dict(shutdown_counts(broker))


def expect_shutdown_counts(broker, base, added, timeout=5):
    """Waits until shutdown_count == base + added, exactly (no other reason moved)."""
    want = dict(base)
    for k, v in added.items():
        want[k] = want.get(k, 0) + v
    got = {}

    def check():
        got.clear()
        got.update(shutdown_counts(broker))
        return got == want
    try:
        wait_until(check, timeout, what="shutdown_count %r" % want)
    except AssertionError:
        raise AssertionError("shutdown_count %r, expected %r" % (got, want)) from None
