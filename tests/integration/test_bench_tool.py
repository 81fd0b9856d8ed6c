"""emqx-bench (bench/): each subcommand runs for 2 seconds against the real broker.

emqx-bench is the binary next to $EMQXD_BIN. It prints progress lines on
stderr and the JSON summary on stdout; the tests wait on those lines (with
deadlines), never on sleeps. Over TLS, WebSocket and WSS the broker's
listener counters (`emqxctl listeners`) show that the connections really
came in on the ssl/ws/wss listener, not on TCP.
"""
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time

import pytest

from harness import Broker, Client, free_port, wait_until
from harness.broker import emqxd_bin, is_mosquitto
from test_ctl_common import ctl_json, shutdown_counts
from test_tls import certs  # noqa: F401  (the module-scoped certificate fixture)

LAT_KEYS = ("p50", "p90", "p99", "p999", "max")


def bench_bin():
    path = os.path.join(os.path.dirname(emqxd_bin()), "emqx-bench")
    assert os.access(path, os.X_OK), "emqx-bench not built next to %s (cmake --build ... --target emqx-bench)" % emqxd_bin()
    return path


class Bench:
    """One emqx-bench process; stdout and stderr are collected by threads."""

    def __init__(self, args):
        self.args = [bench_bin()] + list(args)
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     stdin=subprocess.DEVNULL)
        self.out = []
        self.err = []
        self._lock = threading.Lock()
        self._readers = [threading.Thread(target=self._drain, args=(self.proc.stdout, self.out), daemon=True),
                         threading.Thread(target=self._drain, args=(self.proc.stderr, self.err), daemon=True)]
        for t in self._readers:
            t.start()

    def _drain(self, stream, sink):
        for line in stream:
            with self._lock:
                sink.append(line)

    def stderr(self):
        with self._lock:
            return "".join(self.err)

    def wait_for(self, pattern, timeout):
        """The first match of `pattern` in stderr; fails after `timeout` or if the process ends first."""
        rx = re.compile(pattern)

        def seen():
            m = rx.search(self.stderr())
            if m:
                return m
            assert self.proc.poll() is None, "emqx-bench exited (%s) before %r:\n%s" % (
                self.proc.returncode, pattern, self.stderr())
            return None

        return wait_until(seen, timeout, what="%r from %s" % (pattern, " ".join(self.args[1:])))

    def last_recv_total(self):
        totals = re.findall(r"recv: (\d+),", self.stderr())
        return int(totals[-1]) if totals else 0

    def interrupt(self):
        self.proc.send_signal(signal.SIGINT)

    def finish(self, timeout):
        """Waits for the exit; returns (exit code, JSON summary or None)."""
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # our own child, by PID
            self.proc.wait(5)
            raise AssertionError("emqx-bench did not end within %.0fs: %s\n%s" % (timeout, self.args, self.stderr()))
        for t in self._readers:
            t.join(5)
        text = "".join(self.out)
        return rc, (json.loads(text) if text.strip() else None)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)


def run(args, timeout):
    b = Bench(args)
    rc, summary = b.finish(timeout)
    return rc, summary, b.stderr()


def target(broker):
    return ["-h", broker.host, "-p", str(broker.port)]


def assert_latency(summary, count, key="latency_us"):
    lat = summary[key]
    assert lat["count"] == count, lat
    values = [lat[k] for k in LAT_KEYS]
    assert all(isinstance(v, (int, float)) and v > 0 for v in values), lat
    assert values == sorted(values), lat  # p50 <= p90 <= p99 <= p999 <= max
    assert 0 < lat["min"] <= lat["p50"], lat


def test_sub_receives_twice_what_pub_sent_at_qos1(broker):
    sub = Bench(["sub", "-c", "2", "-t", "bench/#", "-q", "1", "--duration", "30"] + target(broker))
    try:
        sub.wait_for(r"all 2 clients connected and subscribed", 10)
        t0 = time.monotonic()
        rc, pub, err = run(["pub", "-c", "2", "-I", "10", "-q", "1", "-t", "bench/%i", "--duration", "2"]
                           + target(broker), 20)
        took = time.monotonic() - t0
        assert rc == 0, err
        assert 2.0 <= took < 8.0, took
        assert re.search(r"connected\(2\) sent: \d+", err), err
        assert pub["command"] == "pub" and pub["qos"] == 1
        c = pub["connections"]
        assert (c["attempted"], c["succeeded"], c["failed"], c["lost"], c["errors"]) == (2, 2, 0, 0, {}), c
        sent = pub["messages"]["sent"]
        # 2 publishers, one message every 10 ms for ~2 s (connecting takes a few ms)
        assert 300 <= sent <= 402, pub["messages"]
        assert pub["messages"]["acked"] == sent and pub["messages"]["unacked"] == 0, pub["messages"]
        assert pub["messages"]["sent_rate"] > 0
        expected = 2 * sent  # both subscribers get every message
        wait_until(lambda: sub.last_recv_total() >= expected, 10, what="%d messages at the subscribers" % expected)
        sub.interrupt()
        rc, s = sub.finish(10)
        assert rc == 0, sub.stderr()
        assert s["interrupted"] is True
        assert s["connections"]["succeeded"] == 2 and s["connections"]["failed"] == 0
        assert s["messages"]["received"] == expected, (s["messages"], sent)
        assert s["messages"]["duplicates"] == 0
        assert s["messages"]["recv_rate"] > 0
        assert_latency(s, expected)
    finally:
        sub.kill()


def test_qos2_mqtt5_with_limit_ends_when_the_limit_is_acked(broker):
    sub = Bench(["sub", "-V", "5", "-c", "2", "-t", "q2/+/x", "-q", "2", "--duration", "30"] + target(broker))
    try:
        sub.wait_for(r"all 2 clients connected and subscribed", 10)
        rc, pub, err = run(["pub", "-V", "5", "-x", "0", "-c", "3", "-I", "5", "-q", "2", "-L", "100", "-s", "64",
                            "-t", "q2/%c/x", "--duration", "20"] + target(broker), 30)
        assert rc == 0, err
        m = pub["messages"]
        assert (m["sent"], m["acked"], m["rejected"]) == (100, 100, 0), m
        assert pub["elapsed_s"] < 10, pub  # ended by the limit, not the duration
        assert_latency(pub, 100, key="ack_latency_us")  # PUBLISH to PUBCOMP, measured by the publisher
        wait_until(lambda: sub.last_recv_total() >= 200, 10, what="200 messages at the subscribers")
        sub.interrupt()
        rc, s = sub.finish(10)
        assert rc == 0, sub.stderr()
        assert s["messages"]["received"] == 200 and s["messages"]["duplicates"] == 0, s["messages"]
        assert_latency(s, 200)
    finally:
        sub.kill()


def test_pub_qos0_alone_for_2_seconds(broker):
    rc, pub, err = run(["pub", "-c", "4", "-I", "20", "-t", "solo/%i", "-s", "16", "--duration", "2"]
                       + target(broker), 20)
    assert rc == 0, err
    assert pub["connections"]["succeeded"] == 4
    assert 4 * 75 <= pub["messages"]["sent"] <= 4 * 101, pub["messages"]
    assert pub["messages"]["acked"] == 0 and pub["latency_us"]["count"] == 0
    assert 2.0 <= pub["elapsed_s"] < 6.0, pub


def test_conn_holds_50_connections(broker):
    b = Bench(["conn", "-c", "50", "-i", "2", "--duration", "2", "--json", os.path.join(broker.tmpdir, "conn.json")]
              + target(broker))
    try:
        b.wait_for(r"all 50 clients connected", 10)
        b.wait_for(r"connected\(50\)", 10)
        rc, s = b.finish(20)
    finally:
        b.kill()
    assert rc == 0, b.stderr()
    c = s["connections"]
    assert (c["attempted"], c["succeeded"], c["failed"], c["lost"]) == (50, 50, 0, 0), c
    assert 2.0 <= s["elapsed_s"] < 6.0, s
    with open(os.path.join(broker.tmpdir, "conn.json")) as f:
        assert json.load(f) == s


def test_nothing_listening_exits_1_with_the_reason():
    port = free_port()
    rc, s, err = run(["conn", "-c", "3", "-p", str(port), "--duration", "2"], 20)
    assert rc == 1, err
    assert "connection refused" in err, err
    c = s["connections"]
    assert (c["attempted"], c["succeeded"], c["failed"]) == (3, 0, 3), c
    assert c["errors"] == {"connect: connection refused": 3}, c


def test_usage_errors_exit_2():
    for args in (["conn", "-h", "broker.example.com"],   # names are not resolved: IP literals only
                 ["pub", "-c", "1"],                     # -t is required
                 ["sub", "-t", "x", "-q", "3"],
                 ["conn", "--duration", "0"],
                 ["conn", "--duration", "3601"],
                 ["conn", "-V", "5", "-x"],
                 ["conn", "-x", "10"],                   # session expiry needs MQTT 5
                 ["nosuchcommand"],
                 ["sub", "-t", "a", "b"],                # one filter per -t, as emqtt_bench
                 ["pub", "-t", "a", "-t", "b"],          # pub publishes to one topic
                 ["pub", "-t", "r/%rand_0"],             # %rand_N draws 1..N
                 ["conn", "--ifaddr", "eth0"],           # addresses only, nothing resolved
                 ["conn", "--ifaddr", "::1"],            # an IPv6 source for the IPv4 target
                 ["conn", "--max-pending", "0"],
                 []):
        rc, s, err = run(args, 10)
        assert rc == 2, (args, rc, err)
        assert s is None, (args, s)


def test_sub_subscribes_every_filter_in_one_subscribe(broker):
    filters = ["mf/%i/e", "mf/%i/+/w", "+/%i/h/#"]
    sub = Bench(["sub", "-c", "3", "-q", "1", "--duration", "30"] + sum((["-t", f] for f in filters), [])
                + target(broker))
    try:
        sub.wait_for(r"all 3 clients connected and subscribed", 10)
        assert "3 filters: mf/%i/e, mf/%i/+/w, ..." in sub.stderr(), sub.stderr()
        if not is_mosquitto():
            subs = ctl_json(broker, "subscriptions", "show", sub_client_id(sub, 2))["subscriptions"]
            assert sorted(s["topic"] for s in subs) == ["+/2/h/#", "mf/2/+/w", "mf/2/e"], subs
        p = Client(broker, "mf-pub", protocol=4)
        p.connect()
        for topic in ("mf/2/e", "mf/2/x/w", "z/2/h", "z/3/h/i/j", "mf/2/w", "mf/4/e"):  # the last two match none
            p.publish(topic, b"12345678", qos=1)
        wait_until(lambda: sub.last_recv_total() >= 4, 10, what="4 messages at the subscribers")
        sub.interrupt()
        rc, s = sub.finish(10)
    finally:
        sub.kill()
    assert rc == 0, sub.stderr()
    assert s["topics"] == filters, s
    assert s["subscriptions"]["requested"] == 9 and s["subscriptions"]["granted"] == 9, s["subscriptions"]
    assert s["subscriptions"]["rate"] > 0, s["subscriptions"]
    assert s["messages"]["received"] == 4, s["messages"]


def sub_client_id(bench, seq):
    """The id emqx-bench gave to client `seq` (its prefix is emqx-bench-<pid>)."""
    return "emqx-bench-%d_sub_%d" % (bench.proc.pid, seq)


def test_pub_draws_rand_levels_for_every_message(broker):
    c = Client(broker, "rand-watch", protocol=4)
    c.connect()
    c.subscribe("rnd/#", 1)
    rc, pub, err = run(["pub", "-c", "1", "-I", "0", "-q", "1", "-L", "300", "-s", "16",
                        "-t", "rnd/%rand_3/x/%rand_2", "--duration", "20"] + target(broker), 30)
    assert rc == 0, err
    assert pub["topic"] == "rnd/%rand_3/x/%rand_2" and pub["messages"]["acked"] == 300, pub
    topics = {m.topic for m in c.wait_messages(300)}
    # 300 draws leave none of the 6 topics out (the chance is 6 * (5/6)^300)
    assert topics == {"rnd/%d/x/%d" % (a, b) for a in (1, 2, 3) for b in (1, 2)}, topics


@pytest.mark.skipif(is_mosquitto(), reason="emqxctl shows the peer address")
def test_ifaddr_binds_client_k_to_address_k_mod_n(broker):
    b = Bench(["conn", "-c", "4", "-i", "0", "--prefix", "ifa", "--ifaddr", "127.0.0.2,127.0.0.3-127.0.0.4",
               "--duration", "30"] + target(broker))
    try:
        b.wait_for(r"all 4 clients connected", 10)
        assert "from 3 local address(es)" in b.stderr(), b.stderr()
        peers = {c["clientid"]: c for c in ctl_json(broker, "clients", "list")["clients"]}
        hosts = {cid: c["peername"].rsplit(":", 1)[0] for cid, c in peers.items()}
        assert hosts == {"ifa_conn_1": "127.0.0.2", "ifa_conn_2": "127.0.0.3", "ifa_conn_3": "127.0.0.4",
                         "ifa_conn_4": "127.0.0.2"}, peers
        b.interrupt()
        rc, s = b.finish(10)
    finally:
        b.kill()
    assert rc == 0, b.stderr()
    assert s["connections"]["succeeded"] == 4


def test_max_pending_caps_the_handshakes_in_progress():
    """A listener that accepts and never answers: with --max-pending 3 on one
    thread, exactly 3 connections reach it; the other 7 never start."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        listener.settimeout(0.2)
        b = Bench(["conn", "-c", "10", "-i", "0", "--threads", "1", "--max-pending", "3", "--duration", "2",
                   "-p", str(listener.getsockname()[1])])
        accepted = []
        try:
            while b.proc.poll() is None:
                try:
                    accepted.append(listener.accept()[0])
                except socket.timeout:
                    pass
            rc, s = b.finish(10)
        finally:
            b.kill()
            for conn in accepted:
                conn.close()
    assert rc == 1, b.stderr()
    assert len(accepted) == 3
    c = s["connections"]
    assert (c["attempted"], c["failed"], c["not_started"]) == (3, 3, 7), c
    assert c["errors"] == {"run ended before the handshake completed": 3}, c


def test_ifaddr_that_is_not_local_fails_the_bind():
    rc, s, err = run(["conn", "-c", "2", "-p", str(free_port()), "--ifaddr", "192.0.2.1", "--duration", "2"], 20)
    assert rc == 1, err
    assert s["connections"]["errors"] == {"bind 192.0.2.1: address not available": 2}, s["connections"]


# -- TLS, WebSocket, WSS ------------------------------------------------------------------

class TransportBroker:
    """A broker with ssl:default (verify_peer: a client certificate from the test CA is required),
    ws:default and wss:default (verify_none) on free ports, besides tcp:default."""

    def __init__(self, certs):  # noqa: F811
        self.certs = certs
        self.ssl_port = free_port()
        self.wss_port = free_port()
        c = self.path
        env = {"EMQX_SYS_TOPICS__SYS_MSG_INTERVAL": "disabled"}
        for kind, port in (("SSL", self.ssl_port), ("WSS", self.wss_port)):
            pre = "EMQX_LISTENERS__%s__DEFAULT__" % kind
            env.update({pre + "ENABLE": "true", pre + "BIND": "127.0.0.1:%d" % port,
                        pre + "SSL_OPTIONS__CERTFILE": c("server.pem"), pre + "SSL_OPTIONS__KEYFILE": c("server.key")})
        env.update({"EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__CACERTFILE": c("ca.pem"),
                    "EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__VERIFY": "verify_peer",
                    "EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__FAIL_IF_NO_PEER_CERT": "true"})
        self.broker = Broker(env=env, ws=True)

    def path(self, f):
        return os.path.join(self.certs, f)

    def args(self, transport):
        """(listener id, sub's arguments, pub's arguments). The WSS subscribers do not verify the broker
        (no --cacertfile); the WSS publishers verify it by name (-h localhost: SNI and DNS:localhost)."""
        c = self.path
        h = ["-h", "127.0.0.1"]
        if transport == "tls":
            a = h + ["-p", str(self.ssl_port), "-S", "--cacertfile", c("ca.pem"), "--certfile", c("client.pem"),
                     "--keyfile", c("client.key")]
            return "ssl:default", a, a
        if transport == "ws":
            a = h + ["-p", str(self.broker.ws_port), "--ws"]
            return "ws:default", a, a
        a = ["-p", str(self.wss_port), "--ws", "-S"]
        return "wss:default", h + a, ["-h", "localhost", "--cacertfile", c("ca.pem")] + a

    def __enter__(self):
        self.broker.__enter__()
        return self

    def __exit__(self, *exc):
        self.broker.__exit__(*exc)


def listener(broker, lid):
    [l] = [l for l in ctl_json(broker, "listeners")["listeners"] if l["id"] == lid]
    return l


@pytest.mark.skipif(is_mosquitto(), reason="emqxd's ssl/ws/wss listeners and emqxctl")
@pytest.mark.parametrize("transport", ["tls", "ws", "wss"])
def test_pub_and_sub_over_tls_ws_wss(certs, transport):  # noqa: F811
    with TransportBroker(certs) as tb:
        lid, sub_args, pub_args = tb.args(transport)
        sub = Bench(["sub", "-c", "2", "-t", "tr/#", "-q", "1", "--duration", "30"] + sub_args)
        try:
            sub.wait_for(r"all 2 clients connected and subscribed", 10)
            assert " over %s," % transport in sub.stderr(), sub.stderr()
            # the subscribers are on the listener of the transport, none on TCP
            wait_until(lambda: listener(tb.broker, lid)["current_conn"] == 2, 5, what="2 connections on " + lid)
            assert listener(tb.broker, "tcp:default")["current_conn"] == 0
            rc, pub, err = run(["pub", "-c", "2", "-I", "10", "-q", "1", "-t", "tr/%i", "--duration", "2"]
                               + pub_args, 20)
            assert rc == 0, err
            assert pub["transport"] == transport, pub
            c = pub["connections"]
            assert (c["attempted"], c["succeeded"], c["failed"], c["lost"], c["errors"]) == (2, 2, 0, 0, {}), c
            sent = pub["messages"]["sent"]
            assert 300 <= sent <= 402, pub["messages"]
            assert pub["messages"]["acked"] == sent and pub["messages"]["unacked"] == 0, pub["messages"]
            expected = 2 * sent  # both subscribers get every message
            wait_until(lambda: sub.last_recv_total() >= expected, 10, what="%d messages at the subscribers" % expected)
            sub.interrupt()
            rc, s = sub.finish(10)
            assert rc == 0, sub.stderr()
            assert s["transport"] == transport, s
            assert s["connections"]["succeeded"] == 2 and s["connections"]["failed"] == 0, s["connections"]
            assert s["messages"]["received"] == expected and s["messages"]["duplicates"] == 0, (s["messages"], sent)
            assert_latency(s, expected)
        finally:
            sub.kill()
        # 2 publishers and 2 subscribers ended with DISCONNECT on that listener; nothing came in over TCP
        wait_until(lambda: shutdown_counts(tb.broker, lid).get("normal", 0) == 4, 5,
                   what="4 normal disconnects on %s (%r)" % (lid, shutdown_counts(tb.broker, lid)))
        assert "normal" not in shutdown_counts(tb.broker, "tcp:default")


@pytest.mark.skipif(is_mosquitto(), reason="emqxd's ssl listener")
def test_ssl_failures_name_the_reason(certs):  # noqa: F811
    with TransportBroker(certs) as tb:
        ssl = ["-p", str(tb.ssl_port), "-S", "--duration", "2"]
        # a CA that did not sign the broker's certificate
        rc, s, err = run(["conn", "-c", "2", "--cacertfile", tb.path("otherca.pem")] + ssl, 20)
        assert rc == 1, err
        assert s["transport"] == "tls"
        c = s["connections"]
        assert (c["attempted"], c["succeeded"], c["failed"]) == (2, 0, 2), c
        [(reason, n)] = c["errors"].items()
        assert n == 2 and reason.startswith("TLS handshake: the broker's certificate failed verification: "), c
        assert reason in err, err
        # our alert reached the broker, which counts it under EMQX's word
        wait_until(lambda: shutdown_counts(tb.broker, "ssl:default").get("unknown_ca", 0) == 2, 5,
                   what="unknown_ca x2 on ssl:default (%r)" % shutdown_counts(tb.broker, "ssl:default"))
        # no client certificate for a listener that requires one: the broker's alert, named
        rc, s, err = run(["conn", "-c", "1", "--cacertfile", tb.path("ca.pem")] + ssl, 20)
        assert rc == 1, err
        assert s["connections"]["errors"] == {"TLS: tlsv13 alert certificate required": 1}, s["connections"]


def test_transport_usage_errors_exit_2(tmp_path):
    here = os.path.abspath(__file__)  # an existing file that holds no certificate
    for args, why in ((["conn", "--cacertfile", here], "--cacertfile needs -S/--ssl"),
                      (["conn", "-S", "--certfile", here], "--certfile and --keyfile go together"),
                      (["conn", "--ws-path", "/x"], "--ws-path needs --ws"),
                      (["conn", "--ws", "--ws-path", "mqtt"], "must start with /"),
                      (["conn", "-S", "--cacertfile", str(tmp_path / "missing.pem")], "missing.pem"),
                      (["conn", "-S", "--cacertfile", here], "--cacertfile %s: cannot load" % here)):
        rc, s, err = run(args, 10)
        assert rc == 2 and s is None, (args, rc, err)
        assert why in err, (args, err)
