"""EMQX's trace arguments: every logger level with `all` as the default, and the
`text|json` formatter (a JSON-lines trace file), for `trace start` and
`traces start` in EMQX's argument positions:

    trace start <type> <target> <file> [<level>] [<formatter>]
    traces start <name> <type> <target> [<duration>] [<formatter>]
"""
import json
import os
import re

from harness import Client, wait_until
from test_ctl_common import ctl, ctl_json, pytestmark, run_ctl  # noqa: F401
from test_trace import TS, read, traces, wait_lines


def json_lines(path, *needles, timeout=5):
    """Waits until the file holds a line with each needle (regex); returns every line parsed."""
    text = wait_lines(path, *needles, timeout=timeout)
    lines = text.splitlines()
    assert lines and text.endswith("\n"), text
    return [json.loads(line) for line in lines]


def check_emqx_shape(entry, clientid):
    assert list(entry) == ["time", "level", "msg", "meta"], entry
    assert re.match(TS + "$", entry["time"]), entry
    assert entry["level"] in ("debug", "info", "warning"), entry
    assert entry["meta"]["clientid"] == clientid, entry


def test_every_emqx_level_is_accepted_and_all_is_the_default(broker, tmp_path):
    # A critical trace takes none of a client's events; the named trace beside
    # it (default level all) takes every one.
    crit = tmp_path / "crit.log"
    assert ctl(broker, "trace", "start", "client", "lv", str(crit), "critical").startswith(
        "trace lv CLI-lv successfully\n")
    ctl(broker, "traces", "start", "lv-all", "client", "lv")
    c = Client(broker, "lv", protocol=5)
    c.connect()
    c.publish("lv/t", b"x", 1)
    c.disconnect()
    named = os.path.join(broker.tmpdir, "data", "trace", "lv-all.log")
    wait_lines(named, r"\[debug\] clientid=lv .*packet: CONNECT\(", r"\[info\] clientid=lv .*client_disconnected")
    assert read(crit) == ""
    assert traces(broker)["CLI-lv"]["level"] == "critical" and traces(broker)["CLI-lv"]["matched"] == 0
    ctl(broker, "trace", "stop", "client", "lv")
    # EMQX installs `all` (its default) at debug, and lists it so.
    for args, level in ((("all",), "debug"), ((), "debug"), (("notice",), "notice"), (("alert",), "alert"),
                        (("emergency",), "emergency"), (("error",), "error")):
        data = ctl_json(broker, "trace", "start", "client", "lv2", str(tmp_path / "lv2.log"), *args)
        assert data["level"] == level and data["formatter"] == "text", (args, data)
        line = 'Trace(clientid=lv2, level=%s, destination="%s", matched=0)' % (level, tmp_path / "lv2.log")
        assert line in ctl(broker, "trace", "list").splitlines()
        ctl(broker, "trace", "stop", "client", "lv2")
    p = run_ctl(broker, "trace", "start", "client", "lv2", str(tmp_path / "lv2.log"), "verbose")
    assert p.returncode == 2 and "all, debug, info, notice, warning, error, critical, alert, emergency" in p.stderr


def test_json_trace_of_a_real_client(broker, tmp_path):
    f = tmp_path / "js.json"
    data = ctl_json(broker, "trace", "start", "client", "js-c", str(f), "all", "json")
    assert data["formatter"] == "json" and data["level"] == "debug"
    c = Client(broker, "js-c", protocol=5)
    c.connect()
    c.subscribe("js/#", 1)
    payload = b'say "hi"\n\\ \xc3\xa9'
    c.publish("js/1", payload, 1)
    assert c.wait_message().payload == payload
    c.disconnect()
    entries = json_lines(f, r'"msg":"client_disconnected"')
    for e in entries:
        check_emqx_shape(e, "js-c")
        assert re.match(r"127\.0\.0\.1:\d+$", e["meta"]["peername"]), e
    by_msg = {}
    for e in entries:
        by_msg.setdefault(e["msg"], []).append(e)
    connected = by_msg["client_connected"][0]
    assert connected["level"] == "info"
    assert {k: connected["meta"][k] for k in ("proto_ver", "clean_start", "keepalive")} == {
        "proto_ver": 5, "clean_start": True, "keepalive": 60}
    assert by_msg["authenticate"][0]["meta"]["username"] == "undefined"
    received = [e["meta"]["packet"] for e in by_msg["mqtt_packet_received"]]
    sent = [e["meta"]["packet"] for e in by_msg["mqtt_packet_sent"]]
    assert any(p.startswith("CONNECT(Proto=MQTT v5, ClientId=js-c") for p in received), received
    assert any(p.startswith("PUBLISH(Q1, R0, D0, Topic=js/1, PacketId=") for p in received), received
    assert any(p.startswith("SUBACK(") for p in sent) and any(p.startswith("PUBLISH(Q1") for p in sent), sent
    assert by_msg["client_disconnected"][0]["meta"]["reason"] == "normal"
    assert all(e["level"] == "debug" for e in by_msg["mqtt_packet_received"])
    listed = traces(broker)["CLI-js-c"]
    assert listed["formatter"] == "json" and listed["matched"] == len(entries)


def test_json_trace_shows_dropped_payloads_as_emqx_does(make_broker, tmp_path):
    broker = make_broker(env={"EMQX_MQTT__MAX_MQUEUE_LEN": "2"})
    sub = Client(broker, "jd-sub", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 300})
    sub.connect()
    sub.subscribe("jd/t", 1)
    sub.disconnect()
    f = tmp_path / "drops.json"
    ctl(broker, "trace", "start", "client", "jd-sub", str(f), "warning", "json")
    pub = Client(broker, "jd-pub", protocol=5)
    pub.connect()
    for payload in (b"m0 \"q\"", b"\x00\xff", b"m2", b"m3"):
        pub.publish("jd/t", payload, 1)
    entries = json_lines(f, r'"payload":"00FF"')
    assert [e["msg"] for e in entries] == ["delivery_dropped", "delivery_dropped"], entries
    for e in entries:
        check_emqx_shape(e, "jd-sub")
        assert e["level"] == "warning" and "peername" not in e["meta"], e  # the session is offline
        assert e["meta"]["reason"] == "queue_full" and e["meta"]["topic"] == "jd/t", e
    assert (entries[0]["meta"]["payload"], entries[0]["meta"]["payload_encode"]) == ('m0 "q"', "text")
    assert (entries[1]["meta"]["payload"], entries[1]["meta"]["payload_encode"]) == ("00FF", "hex")


def test_named_json_trace_in_emqx_positions(broker):
    out = ctl(broker, "traces", "start", "nj", "client", "nj-c", "60", "json")
    assert out.splitlines()[0] == "cluster_trace clientid nj-c nj successfully", out
    c = Client(broker, "nj-c", protocol=4)
    c.connect()
    c.disconnect()
    path = os.path.join(broker.tmpdir, "data", "trace", "nj.log")
    entries = json_lines(path, r'"msg":"client_disconnected"')
    for e in entries:
        check_emqx_shape(e, "nj-c")
    assert entries[0]["meta"]["packet"].startswith("CONNECT(Proto=MQTT v4, ClientId=nj-c")
    listed = ctl_json(broker, "traces", "list")["traces"]
    assert listed[0]["formatter"] == "json" and listed[0]["status"] == "running"
    # The formatter is checked; the duration comes before it, as in EMQX.
    for args in (("traces", "start", "nx", "client", "x", "60", "yaml"), ("traces", "start", "nx", "client", "x",
                                                                         "json")):
        assert run_ctl(broker, *args).returncode == 2, args
    ctl(broker, "traces", "stop", "nj")
    wait_until(lambda: ctl_json(broker, "traces", "list")["traces"][0]["status"] == "stopped", 5)
