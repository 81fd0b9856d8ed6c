"""$SYS topics: broker info, stats, metrics and client connected/disconnected events.

As in EMQX, a stat or metric name's dots become topic levels:
connections.count -> $SYS/brokers/<node>/stats/connections/count."""
import json
import re
import subprocess
import time

from harness import Client, is_mosquitto, wait_until
from harness.broker import emqxd_bin
from test_ctl_common import ctl_json, expect_shutdown_counts, shutdown_baseline

NODE = "emqx@127.0.0.1"
# stats/metrics every sys_msg_interval, uptime/datetime every sys_heartbeat_interval
SYS_ENV = {"EMQX_SYS_TOPICS__SYS_MSG_INTERVAL": "1s", "EMQX_SYS_TOPICS__SYS_HEARTBEAT_INTERVAL": "1s"}
# EMQX 5's client event payloads (emqx_sys.erl), key for key.
COMMON_EVENT_KEYS = {"clientid", "username", "ipaddress", "sockport", "protocol", "proto_name", "proto_ver",
                     "connected_at", "ts"}
CONNECTED_KEYS = COMMON_EVENT_KEYS | {"keepalive", "clean_start", "expiry_interval"}
DISCONNECTED_KEYS = COMMON_EVENT_KEYS | {"reason", "disconnected_at"}
RFC3339_WITH_FRACTION = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d)"


def _sys_sub(broker, topics, cid="sys-sub"):
    s = Client(broker, cid, protocol=5)
    s.connect()
    for t in topics:
        s.subscribe(t, 0)
    return s


def _collect(sub, pred, timeout=5, what="a $SYS message"):
    """Reads messages until pred(msg) is true; returns that message."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("no %s within %.0fs; saw %r" % (what, timeout, seen[-10:]))
        try:
            m = sub.messages.get(timeout=left)
        except Exception:
            continue
        seen.append((m.topic, m.payload[:80]))
        if pred(m):
            return m


def test_broker_info_topics(make_broker):
    b = make_broker(env=SYS_ENV)
    base = "$SYS/brokers/%s/" % NODE
    s = _sys_sub(b, ["$SYS/brokers", base + "version", base + "uptime", base + "datetime", base + "sysdescr"])
    want = {"$SYS/brokers", base + "version", base + "uptime", base + "datetime", base + "sysdescr"}
    got = {}

    def poll():
        while not s.messages.empty():
            m = s.messages.get()
            got[m.topic] = m.payload
        return want <= set(got)

    try:
        wait_until(poll, 4)
    except AssertionError:
        raise AssertionError("wanted all of %s, got %s" % (sorted(want), sorted(got))) from None
    assert NODE.encode() in got["$SYS/brokers"]
    version = got[base + "version"].decode()
    assert re.match(r"^\d+\.\d+", version), version
    if not is_mosquitto():
        out = subprocess.run([emqxd_bin(), "--version"], capture_output=True, timeout=10)
        assert version in (out.stdout + out.stderr).decode(), (version, out)
    # uptime: integer milliseconds (the first heartbeat comes about a second after the start).
    uptime = got[base + "uptime"].decode()
    assert re.fullmatch(r"\d+", uptime) and 100 <= int(uptime) < 600000, uptime
    datetime = got[base + "datetime"].decode()
    assert re.fullmatch(RFC3339_WITH_FRACTION, datetime), datetime
    if not is_mosquitto():
        assert got[base + "sysdescr"].decode() == ctl_json(b, "broker")["sysdescr"] == "EMQX"


def test_stats_connections_count(make_broker):
    b = make_broker(env=SYS_ENV)
    s = _sys_sub(b, ["$SYS/brokers/%s/stats/connections/count" % NODE])
    others = [Client(b, "cnt%d" % i, protocol=4) for i in range(3)]
    for c in others:
        c.connect()
    _collect(s, lambda m: m.payload == b"4", what="connections.count == 4")
    for c in others:
        c.disconnect()
    _collect(s, lambda m: m.payload == b"1", what="connections.count == 1")


def test_metrics_messages_received(make_broker):
    b = make_broker(env=SYS_ENV)
    s = _sys_sub(b, ["$SYS/brokers/%s/metrics/messages/received" % NODE])
    p = Client(b, "mpub", protocol=4)
    p.connect()
    for i in range(7):
        p.publish("metrics/t", b"x", 1)
    _collect(s, lambda m: int(m.payload) >= 7, what="messages.received >= 7")


def test_sys_messages_are_not_counted_as_published(make_broker):
    """As EMQX: messages.publish counts clients' messages, not the broker's own
    $SYS messages (stats, metrics, client events) that flow meanwhile."""
    b = make_broker(env=SYS_ENV)
    s = _sys_sub(b, ["$SYS/brokers/%s/metrics/messages/publish" % NODE, "$SYS/brokers/+/clients/#"])
    p = Client(b, "countme", protocol=4)
    p.connect()
    _collect(s, lambda m: m.topic.endswith("/countme/connected"), what="countme's connected event")
    for i in range(3):
        p.publish("counted/t", b"x", 1)
    m = _collect(s, lambda m: m.topic.endswith("/messages/publish") and int(m.payload) >= 3,
                 what="messages.publish >= 3")
    assert int(m.payload) == 3


def test_mqueue_overflow_counted_in_messages_dropped(make_broker):
    b = make_broker(env=dict(SYS_ENV, EMQX_MQTT__MAX_MQUEUE_LEN="2"))
    off = Client(b, "dropper", protocol=4, clean=False)
    off.connect()
    off.subscribe("drop/t", 1)
    off.disconnect()
    s = _sys_sub(b, ["$SYS/brokers/%s/metrics/messages/dropped" % NODE])
    base = int(_collect(s, lambda m: True, what="messages.dropped").payload)
    p = Client(b, "dpub", protocol=4)
    p.connect()
    for i in range(7):  # 2 queued, 5 dropped (the oldest each time)
        p.publish("drop/t", b"%d" % i, 1)
    _collect(s, lambda m: int(m.payload) >= base + 5, what="messages.dropped >= %d" % (base + 5))


def test_client_connected_event_payload(make_broker):
    b = make_broker()
    s = _sys_sub(b, ["$SYS/brokers/+/clients/+/connected"])
    c = Client(b, "evt-c", protocol=4, keepalive=42, username="alice", password="pw")
    c.connect()
    m = _collect(s, lambda m: b"evt-c" in m.payload, what="connected event")
    assert m.topic == "$SYS/brokers/%s/clients/evt-c/connected" % NODE
    d = json.loads(m.payload)
    assert set(d) == CONNECTED_KEYS, d
    assert d["clientid"] == "evt-c"
    assert d["username"] == "alice"
    assert d["ipaddress"] == "127.0.0.1"
    assert d["sockport"] == b.port
    assert d["protocol"] == "mqtt"
    assert d["proto_name"] == "MQTT"
    assert d["proto_ver"] == 4
    assert d["keepalive"] == 42
    assert d["clean_start"] is True
    assert d["expiry_interval"] == 0
    now_ms = time.time() * 1000
    assert abs(d["connected_at"] - now_ms) < 10000, d
    assert d["connected_at"] <= d["ts"] and abs(d["ts"] - now_ms) < 10000, d


def test_client_connected_event_expiry_interval_is_in_milliseconds(make_broker):
    b = make_broker()
    s = _sys_sub(b, ["$SYS/brokers/+/clients/+/connected"])
    Client(b, "evt-sei", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 30}).connect()
    d = json.loads(_collect(s, lambda m: b"evt-sei" in m.payload, what="connected event").payload)
    assert d["expiry_interval"] == 30000, d
    assert d["proto_ver"] == 5 and d["clean_start"] is False, d
    # MQTT 3.1.1 without a clean session: mqtt.session_expiry_interval (2h).
    Client(b, "evt-sei4", protocol=4, clean=False).connect()
    d = json.loads(_collect(s, lambda m: b"evt-sei4" in m.payload, what="connected event").payload)
    assert d["expiry_interval"] == 2 * 3600 * 1000, d


def test_client_disconnected_event_payload(make_broker):
    b = make_broker()
    s = _sys_sub(b, ["$SYS/brokers/+/clients/+/connected", "$SYS/brokers/+/clients/+/disconnected"])
    c = Client(b, "evt-d", protocol=5, username="bob")
    c.connect()
    connected = json.loads(_collect(s, lambda m: b"evt-d" in m.payload, what="connected event").payload)
    c.disconnect()
    m = _collect(s, lambda m: b"evt-d" in m.payload and m.topic.endswith("/disconnected"), what="disconnected event")
    assert m.topic == "$SYS/brokers/%s/clients/evt-d/disconnected" % NODE
    d = json.loads(m.payload)
    assert set(d) == DISCONNECTED_KEYS, d
    assert d["clientid"] == "evt-d"
    assert d["username"] == "bob"
    assert d["reason"] == "normal", d
    assert d["sockport"] == b.port and d["protocol"] == "mqtt" and d["proto_ver"] == 5, d
    assert d["connected_at"] == connected["connected_at"], (d, connected)
    assert abs(d["disconnected_at"] - time.time() * 1000) < 10000, d
    assert d["connected_at"] <= d["disconnected_at"] <= d["ts"], d


def test_client_disconnected_event_on_abnormal_close(make_broker):
    """EMQX 5 calls a socket closed without DISCONNECT `tcp_closed` in the event;
    the listener's shutdown_count keeps the FAQ's `closed`."""
    b = make_broker()
    base = shutdown_baseline(b)
    s = _sys_sub(b, ["$SYS/brokers/+/clients/+/disconnected"])
    c = Client(b, "evt-x", protocol=4)
    c.connect()
    c.close_abruptly()
    m = _collect(s, lambda m: b"evt-x" in m.payload, what="disconnected event")
    d = json.loads(m.payload)
    assert d["reason"] == "tcp_closed", d
    expect_shutdown_counts(b, base, {"closed": 1})


def test_sys_events_can_be_disabled(make_broker):
    b = make_broker(env={"EMQX_SYS_TOPICS__SYS_EVENT_MESSAGES__CLIENT_CONNECTED": "false"})
    s = _sys_sub(b, ["$SYS/brokers/+/clients/+/connected", "$SYS/brokers/+/clients/+/disconnected"])
    c = Client(b, "quiet", protocol=4)
    c.connect()
    c.disconnect()
    m = _collect(s, lambda m: b"quiet" in m.payload, what="disconnected event")
    assert m.topic.endswith("/disconnected")
    s.expect_no_message(0.5)
