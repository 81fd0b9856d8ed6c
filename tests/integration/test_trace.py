"""`emqxctl trace ...` and `emqxctl traces ...`: trace files of real MQTT sessions.

Every wait has a deadline (wait_until); trace files are written by an async
logger, so the tests wait for the lines they expect.
"""
import json
import os
import re
import subprocess
import time

from harness import Client, MosquittoSub, RawClient, mosquitto_pub, mqttbytes as mb, wait_until
from test_ctl_common import ctl, ctl_json, emqxctl_bin, pytestmark, run_ctl, socket_path  # noqa: F401

TS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d"


def read(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def wait_lines(path, *needles, timeout=5):
    """Waits until the file holds every needle (regex); returns its text."""
    def check():
        text = read(path)
        return text if all(re.search(n, text) for n in needles) else None
    try:
        return wait_until(check, timeout, what="trace lines %r" % (needles,))
    except AssertionError:
        raise AssertionError("trace file %s lacks %r:\n%s" % (path, needles, read(path))) from None


def ctl_in(broker, cwd, *args, rc=0):
    """emqxctl run from `cwd` (for relative paths)."""
    env = dict(os.environ)
    env.pop("EMQX_NODE__DATA_DIR", None)
    p = subprocess.run([emqxctl_bin(), "--socket", socket_path(broker)] + list(args), capture_output=True,
                       text=True, timeout=20, cwd=cwd, env=env)
    assert p.returncode == rc, "emqxctl %s -> %d\n%s\n%s" % (" ".join(args), p.returncode, p.stdout, p.stderr)
    return p.stdout


def traces(broker):
    return {t["name"]: t for t in ctl_json(broker, "trace", "list")["traces"]}


def test_trace_of_a_mosquitto_session_shows_every_packet(broker, tmp_path):
    pub_file = tmp_path / "pub.log"
    sub_file = tmp_path / "sub.log"
    # Both clients are traced before they connect: they are caught from their CONNECT.
    out = ctl(broker, "trace", "start", "client", "tr-pub", str(pub_file))
    assert out.splitlines()[0] == "trace tr-pub CLI-tr-pub successfully", out
    assert out.splitlines()[1] == "destination: %s" % pub_file, out
    data = ctl_json(broker, "trace", "start", "client", "tr-sub", str(sub_file), "debug")
    assert data["name"] == "CLI-tr-sub" and data["type"] == "clientid" and data["file"] == str(sub_file)
    assert data["status"] == "running" and data["matched"] == 0

    sub = MosquittoSub(broker, "tr/#", qos=1, client_id="tr-sub").wait_subscribed()
    try:
        mosquitto_pub(broker, "tr/a", "hello \"world\"\x01", qos=1, client_id="tr-pub")
        assert sub.wait_line().startswith("tr/a hello")
    finally:
        sub.stop()

    text = wait_lines(pub_file, r"mqtt_packet_received, packet: CONNECT\(", r"mqtt_packet_sent, packet: CONNACK\(",
                      r"mqtt_packet_received, packet: PUBLISH\(Q1, R0, D0, Topic=tr/a, PacketId=\d+, "
                      r"Payload\(14 bytes\)=\"hello \\\"world\\\"\\x01\"\)",
                      r"mqtt_packet_sent, packet: PUBACK\(PacketId=\d+",
                      r"mqtt_packet_received, packet: DISCONNECT\(",
                      r"client_disconnected, reason: normal")
    for line in text.splitlines():
        assert re.match(TS + r" \[(debug|info|warning|error)\] clientid=tr-pub peername=127\.0\.0\.1:\d+ msg: ", line), line
    assert "ClientId=tr-pub" in text and "CleanStart=true" in text
    assert re.search(r"msg: authenticate, result: anonymous", text)
    assert "tr-sub" not in text, "the publisher's trace holds only its own events"

    text = wait_lines(sub_file, r"packet: CONNECT\(", r"packet: CONNACK\(",
                      r"mqtt_packet_received, packet: SUBSCRIBE\(PacketId=\d+, TopicFilters=\[tr/#\(Q1",
                      r"mqtt_packet_sent, packet: SUBACK\(PacketId=\d+, ReasonCodes=\[0x01",
                      r"mqtt_packet_sent, packet: PUBLISH\(Q1, R0, D0, Topic=tr/a, PacketId=\d+, Payload\(14 bytes\)",
                      r"mqtt_packet_received, packet: PUBACK\(",
                      r"client_disconnected, reason: (closed|tcp_closed|normal)")
    assert "tr-pub peername" not in text

    # trace list: EMQX's line plus the number of matched events.
    t = traces(broker)
    assert t["CLI-tr-pub"]["matched"] >= 6 and t["CLI-tr-pub"]["file"] == str(pub_file)
    lines = ctl(broker, "trace", "list").splitlines()
    assert 'Trace(clientid=tr-pub, level=debug, destination="%s", matched=%d)' % (
        pub_file, t["CLI-tr-pub"]["matched"]) in lines, lines

    assert ctl(broker, "trace", "stop", "client", "tr-pub") == "stop tracing clientid tr-pub successfully\n"
    assert ctl_json(broker, "trace", "stop", "client", "tr-sub") == {
        "name": "CLI-tr-sub", "type": "clientid", "target": "tr-sub"}
    assert traces(broker) == {}
    assert ctl(broker, "trace", "list") == "Trace is empty\n"
    before = read(pub_file)
    mosquitto_pub(broker, "tr/a", "again", qos=1, client_id="tr-pub")
    time.sleep(0.3)  # nothing may arrive: give a wrong write the time to show
    assert read(pub_file) == before
    p = run_ctl(broker, "trace", "stop", "client", "tr-pub")
    assert p.returncode == 1 and "Not Found" in p.stderr


def test_topic_trace_sees_publishes_in_and_out(broker, tmp_path):
    f = tmp_path / "topic.log"
    ctl(broker, "trace", "start", "topic", "tt/+/x", str(f))
    sub = Client(broker, "tt-sub", protocol=5)
    sub.connect()
    sub.subscribe("tt/#", 0)
    pub = Client(broker, "tt-pub", protocol=4)
    pub.connect()
    pub.publish("tt/1/x", b"match", 0)
    pub.publish("tt/1/y", b"nomatch", 0)
    sub.wait_messages(2)
    text = wait_lines(f, r"clientid=tt-pub .*mqtt_packet_received, packet: PUBLISH\(Q0, R0, D0, Topic=tt/1/x",
                      r"clientid=tt-sub .*mqtt_packet_sent, packet: PUBLISH\(Q0, R0, D0, Topic=tt/1/x")
    assert "tt/1/y" not in text and "CONNECT" not in text
    assert traces(broker)["CLI-tt/+/x"]["matched"] == 2
    assert ctl(broker, "trace", "stop", "topic", "tt/+/x") == "stop tracing topic tt/+/x successfully\n"


def test_ip_address_trace_and_level_filter(broker, tmp_path):
    f = tmp_path / "ip.log"
    ctl(broker, "trace", "start", "ip_address", "127.0.0.1", str(f), "info")
    c = Client(broker, "ip-1", protocol=5)
    c.connect()
    c.publish("ip/t", b"x", 1)
    c.disconnect()
    text = wait_lines(f, r"\[info\] clientid=ip-1 peername=127\.0\.0\.1:\d+ msg: client_connected",
                      r"client_disconnected, reason: normal")
    assert "[debug]" not in text and "mqtt_packet" not in text, "level info keeps packets out"
    ctl(broker, "trace", "stop", "ip_address", "127.0.0.1")
    # Another address does not match.
    g = tmp_path / "ip2.log"
    ctl(broker, "trace", "start", "ip_address", "10.1.2.3", str(g))
    Client(broker, "ip-2", protocol=4).connect()
    time.sleep(0.3)
    assert read(g) == "" and traces(broker)["CLI-10.1.2.3"]["matched"] == 0


def test_a_refused_connect_is_not_traced_as_a_disconnected_client(make_broker, tmp_path):
    # client_disconnected comes from the client.disconnected hook, which (as
    # EMQX's) is for clients that connected: a refused CONNECT ends at its CONNACK.
    broker = make_broker()
    f = tmp_path / "refused.log"
    ctl(broker, "trace", "start", "ip_address", "127.0.0.1", str(f))
    r = RawClient(broker, 4)
    r.send(mb.connect("", 4, clean=False))  # 3.1.1: an empty client id needs a clean session
    assert r.read_packet().raw == b"\x20\x02\x00\x02"
    r.expect_closed()
    c = Client(broker, "after-refused", protocol=4)
    c.connect()
    c.disconnect()
    # Lines reach the file in order: once the later client's last line is there, so is the refused one's.
    text = wait_lines(f, r"mqtt_packet_sent, packet: CONNACK\(", r"clientid=after-refused .*client_disconnected")
    assert text.count("client_disconnected") == 1, text


def test_relative_path_resolved_against_ctl_cwd_and_bad_paths_refused(broker, tmp_path):
    out = ctl_in(broker, str(tmp_path), "trace", "start", "client", "rel", "rel.log")
    assert "destination: %s" % (tmp_path / "rel.log") in out
    assert os.path.exists(tmp_path / "rel.log")
    ctl(broker, "trace", "stop", "client", "rel")
    # Unwritable: a missing directory, a directory, a file we may not write.
    for bad in (str(tmp_path / "no" / "such" / "dir.log"), str(tmp_path)):
        p = run_ctl(broker, "trace", "start", "client", "bad", bad)
        assert p.returncode == 1 and "Failed to start trace: cannot write trace file" in p.stderr, p.stderr
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o500)
    try:
        if not os.access(str(ro), os.W_OK):  # root writes anywhere
            p = run_ctl(broker, "trace", "start", "client", "bad", str(ro / "x.log"))
            assert p.returncode == 1 and "cannot write trace file" in p.stderr, p.stderr
    finally:
        os.chmod(ro, 0o700)
    assert traces(broker) == {}
    # Bad type, level, topic or address: usage errors.
    for args in (("trace", "start", "nope", "x", "/tmp/x.log"), ("trace", "start", "client", "x", "/tmp/x.log", "loud"),
                 ("trace", "start", "topic", "a/#/b", "/tmp/x.log"),
                 ("trace", "start", "ip_address", "1.2.3", "/tmp/x.log")):
        p = run_ctl(broker, *args)
        assert p.returncode == 2, (args, p.stderr)
    # A second trace of the same client is refused.
    ctl(broker, "trace", "start", "client", "dup", str(tmp_path / "d1.log"))
    p = run_ctl(broker, "trace", "start", "client", "dup", str(tmp_path / "d2.log"))
    assert p.returncode == 1 and "already" in p.stderr


def test_trace_file_size_limit(make_broker, tmp_path):
    broker = make_broker(env={"EMQX_TRACE__MAX_FILE_SIZE": "2KB"})
    f = tmp_path / "big.log"
    ctl(broker, "trace", "start", "client", "big", str(f))
    c = Client(broker, "big", protocol=4)
    c.connect()
    for i in range(60):
        c.publish("big/t", b"y" * 50, 1)
    wait_until(lambda: traces(broker)["CLI-big"]["status"] == "size_limit_reached", 5, what="size limit")
    text = wait_lines(f, r"trace.max_file_size \(2048 bytes\) reached")
    body = text[:text.index("[warning] trace CLI-big stopped")]
    assert len(body.encode()) <= 2048 + 40, len(body)
    assert len(text.encode()) < 2048 + 200
    n = len(text)
    c.publish("big/t", b"more", 1)
    time.sleep(0.2)
    assert len(read(f)) == n


def test_named_trace_ends_at_its_end_time_and_tail_follows_it(broker):
    data_dir = os.path.join(broker.tmpdir, "data")
    out = ctl(broker, "traces", "start", "nt1", "client", "named-c", "2")
    path = os.path.join(data_dir, "trace", "nt1.log")
    assert out.splitlines()[0] == "cluster_trace clientid named-c nt1 successfully", out
    assert "destination: %s" % path in out
    # Follow it live while a client connects.
    tail = subprocess.Popen([emqxctl_bin(), "--socket", socket_path(broker), "trace", "tail", "nt1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        c = Client(broker, "named-c", protocol=5)
        c.connect()
        c.publish("nt/t", b"live", 0)
        wait_lines(path, r"Topic=nt/t")
        listed = ctl_json(broker, "traces", "list")["traces"]
        assert [t["name"] for t in listed] == ["nt1"] and listed[0]["status"] == "running"
        assert listed[0]["formatter"] == "text" and listed[0]["file"] == path
        assert re.match(r"Trace\(nt1: clientid=named-c, running, LogSize:#\{'emqx@127\.0\.0\.1' => \d+\}\)$",
                        ctl(broker, "traces", "list").strip())
        # The trace ends by itself 2 s after its start; tail then exits.
        wait_until(lambda: ctl_json(broker, "traces", "list")["traces"][0]["status"] == "stopped", 6,
                   what="named trace stopped")
        out, err = tail.communicate(timeout=10)
    finally:
        if tail.poll() is None:
            tail.kill()
            tail.wait()
    assert tail.returncode == 0, err
    assert "Topic=nt/t" in out and "packet: CONNECT(" in out
    size = os.path.getsize(path)
    c.publish("nt/t", b"after", 0)
    time.sleep(0.3)
    assert os.path.getsize(path) == size, "no line after the end time"
    # LogSize is the file's size, as EMQX's is.
    assert ctl(broker, "traces", "list") == "Trace(nt1: clientid=named-c, stopped, LogSize:#{'emqx@127.0.0.1' => %d})\n" % size
    assert ctl_json(broker, "traces", "list")["traces"][0]["log_size"] == {"emqx@127.0.0.1": size}
    assert ctl(broker, "traces", "stop", "nt1") == "Stop cluster_trace nt1 successfully\n"
    assert ctl(broker, "traces", "delete", "nt1") == "Del cluster_trace nt1 successfully\n"
    assert not os.path.exists(path)
    assert ctl_json(broker, "traces", "list") == {"traces": []}
    assert ctl(broker, "traces", "list") == "Cluster Trace is empty\n"
    p = run_ctl(broker, "traces", "delete", "nt1")
    assert p.returncode == 1 and "Not Found" in p.stderr


def test_traces_tail_json_and_errors(broker):
    ctl(broker, "traces", "start", "t-json", "topic", "tj/#")
    c = Client(broker, "tj", protocol=4)
    c.connect()
    c.publish("tj/1", b"j", 0)
    path = os.path.join(broker.tmpdir, "data", "trace", "t-json.log")
    wait_lines(path, r"Topic=tj/1")
    # --json: one reply object per poll; stop the trace so that tail ends.
    tail = subprocess.Popen([emqxctl_bin(), "--socket", socket_path(broker), "--json", "trace", "tail", "t-json",
                             "--offset", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: os.path.exists(path), 2)
        ctl(broker, "traces", "stop", "t-json")
        out, err = tail.communicate(timeout=10)
    finally:
        if tail.poll() is None:
            tail.kill()
            tail.wait()
    replies = [json.loads(l) for l in out.splitlines()]
    assert replies[0]["offset"] == 0 and "Topic=tj/1" in "".join(r["data"] for r in replies)
    assert replies[-1]["running"] is False
    assert run_ctl(broker, "trace", "tail", "nope").returncode == 1
    for args in (("traces", "start", "bad name", "client", "x"), ("traces", "start", "n", "client", "x", "0"),
                 ("traces", "start", "n", "what", "x")):
        assert run_ctl(broker, *args).returncode == 2, args
    ctl(broker, "traces", "start", "dupe", "client", "x")
    p = run_ctl(broker, "traces", "start", "dupe", "client", "y")
    assert p.returncode == 1 and "already exists" in p.stderr


def test_delivery_drops_of_a_connected_client_name_its_peer(make_broker, tmp_path):
    # The peer comes from the session's connection (its DeliverySink), not from the hook's client.
    broker = make_broker(env={"EMQX_MQTT__MAX_MQUEUE_LEN": "1", "EMQX_MQTT__MAX_INFLIGHT": "1"})
    f = tmp_path / "live-drops.log"
    ctl(broker, "trace", "start", "client", "dr-live", str(f))
    sub = RawClient(broker, 4)
    sub.send(mb.connect("dr-live", 4))
    sub.expect(mb.CONNACK)
    sub.send(mb.subscribe(1, [("dr/live", 1)]))
    sub.expect(mb.SUBACK)
    pub = Client(broker, "dr-live-pub", protocol=5)
    pub.connect()
    for i in range(3):  # one in flight (never acknowledged), one queued, one dropped
        pub.publish("dr/live", b"m%d" % i, 1)
    peer = "127.0.0.1:%d" % sub.sock.getsockname()[1]
    text = wait_lines(f, r"clientid=dr-live peername=%s msg: delivery_dropped, reason: queue_full" % re.escape(peer))
    assert text.count("delivery_dropped") == 1, text


def test_trace_reports_delivery_drops(make_broker, tmp_path):
    broker = make_broker(env={"EMQX_MQTT__MAX_MQUEUE_LEN": "2"})
    f = tmp_path / "drops.log"
    sub = Client(broker, "dr-sub", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 300})
    sub.connect()
    sub.subscribe("dr/t", 1)
    sub.disconnect()
    ctl(broker, "trace", "start", "client", "dr-sub", str(f))
    pub = Client(broker, "dr-pub", protocol=5)
    pub.connect()
    for i in range(4):
        pub.publish("dr/t", b"m%d" % i, 1)
    text = wait_lines(f, r"\[warning\] clientid=dr-sub peername=undefined msg: delivery_dropped, reason: queue_full, "
                         r"topic: dr/t, payload\(2 bytes\)=\"m0\"",
                      r"reason: queue_full, topic: dr/t, payload\(2 bytes\)=\"m1\"")
    assert text.count("delivery_dropped") == 2
    client = ctl_json(broker, "clients", "show", "dr-sub")["client"]
    assert client["dropped_by_reason"]["queue_full"] == 2 and client["dropped_by_reason"]["expired"] == 0
    assert client["session_memory_bytes"] > 0
