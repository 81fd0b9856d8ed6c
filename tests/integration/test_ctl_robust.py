"""The control socket under bad, slow and many ctl clients: the daemon keeps serving."""
import json
import subprocess
import threading
import time

from harness import Client
from test_ctl_common import CtlSocket, ctl, emqxctl_bin, pytestmark, socket_path  # noqa: F401


def _round_trip(broker, tag, timeout=3.0):
    """An MQTT pub/sub round trip, which must finish within `timeout`."""
    c = Client(broker, "rt-%s" % tag, protocol=4)
    start = time.monotonic()
    c.connect()
    c.subscribe("rt/%s" % tag, 1)
    c.publish("rt/%s" % tag, b"ping", 1)
    assert c.wait_message(timeout).payload == b"ping"
    c.disconnect()
    took = time.monotonic() - start
    assert took < timeout, "round trip took %.2fs" % took


def test_invalid_json_gets_an_error_and_the_connection_closes(broker):
    s = CtlSocket(broker)
    s.send(b"this is not json\n")
    r = s.reply()
    assert r == {"id": None, "ok": False, "error": {"code": "bad_request", "message": "request is not valid JSON"}}
    s.expect_closed()
    assert ctl(broker, "status").startswith("Node ")


def test_missing_fields_and_wrong_version(broker):
    for line, code in ((b'{"v":1,"id":5}', "bad_request"),
                       (b'{"v":2,"id":6,"cmd":"status"}', "unsupported_version"),
                       (b'{"id":7,"cmd":"status"}', "bad_request"),
                       (b'[1,2,3]', "bad_request")):
        s = CtlSocket(broker)
        s.send(line + b"\n")
        r = s.reply()
        assert r["ok"] is False and r["error"]["code"] == code, (line, r)
        if b'"id":' in line:
            assert r["id"] == json.loads(line)["id"]
        s.expect_closed()
    assert ctl(broker, "status").startswith("Node ")


def test_oversized_line_gets_an_error_and_the_connection_closes(broker):
    s = CtlSocket(broker)
    try:
        s.send(b'{"v":1,"id":1,"cmd":"status","args":{"x":"' + b"a" * (70 * 1024))
    except (BrokenPipeError, ConnectionResetError):
        pass
    r = s.reply()
    assert r["ok"] is False and r["error"]["code"] == "line_too_long", r
    s.expect_closed()
    assert ctl(broker, "status").startswith("Node ")
    _round_trip(broker, "oversized")


def test_unknown_command_and_bad_args_keep_the_connection(broker):
    s = CtlSocket(broker)
    r = s.request("no.such.command", rid=1)
    assert r == {"id": 1, "ok": False, "error": {"code": "unknown_command",
                                                 "message": 'unknown command "no.such.command"'}}
    r = s.request("clients.list", {"limit": "ten"}, rid=2)
    assert r["id"] == 2 and r["error"]["code"] == "bad_args"
    r = s.request("status", rid=3)
    assert r == {"id": 3, "ok": True, "data": {"node": "emqx@127.0.0.1", "version": "0.1.0", "status": "started"}}


def test_pipelined_requests_are_answered_in_order(broker):
    s = CtlSocket(broker)
    s.send(b"".join(json.dumps({"v": 1, "id": i, "cmd": c, "args": {}}).encode() + b"\n"
                    for i, c in enumerate(["status", "clients.list", "broker.stats", "vm", "status"])))
    ids = [s.reply()["id"] for _ in range(5)]
    assert ids == [0, 1, 2, 3, 4]


def test_a_stalled_ctl_client_blocks_nobody(broker):
    stalled = CtlSocket(broker)
    stalled.send(b'{"v":1,"id":1,"cmd":"sta')  # half a line, then nothing
    # A second one sends requests and never reads the replies.
    deaf = CtlSocket(broker)
    deaf.send(b"".join(json.dumps({"v": 1, "id": i, "cmd": "broker.metrics"}).encode() + b"\n"
                       for i in range(2000)))
    _round_trip(broker, "stalled")
    assert ctl(broker, "status").startswith("Node ")
    assert ctl(broker, "clients", "list") == "No clients.\n"
    # The stalled client is still connected and finishes its line.
    stalled.send(b'tus"}\n')
    assert stalled.reply()["data"]["status"] == "started"


def test_fifty_concurrent_ctl_clients_during_mqtt_traffic(broker):
    sub = Client(broker, "load-sub", protocol=4)
    sub.connect()
    sub.subscribe("load/#", 1)
    pub = Client(broker, "load-pub", protocol=4)
    pub.connect()
    errors = []
    results = []

    def one(i):
        cmd = ["clients", "list"] if i % 3 == 0 else (["listeners"] if i % 3 == 1 else ["broker", "metrics"])
        p = subprocess.run([emqxctl_bin(), "--socket", socket_path(broker), "--json"] + cmd,
                           capture_output=True, text=True, timeout=30)
        if p.returncode != 0:
            errors.append((cmd, p.returncode, p.stderr))
        else:
            results.append(json.loads(p.stdout))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    # MQTT keeps flowing while they run.
    for i in range(50):
        pub.publish("load/%d" % i, b"m%d" % i, 1)
    got = sub.wait_messages(50, timeout=10)
    assert [m.payload for m in got] == [b"m%d" % i for i in range(50)]
    _round_trip(broker, "fifty")
    for t in threads:
        t.join(30)
        assert not t.is_alive()
    assert not errors, errors[:3]
    assert len(results) == 50
