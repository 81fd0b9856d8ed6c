"""`emqxctl listeners`: EMQX's block, exact shutdown_count per reason, stop/start/restart."""
import re
import socket

import pytest

from harness import Client, RawClient, mqttbytes as mb, wait_until
from test_ctl_common import (ctl, ctl_json, expect_shutdown_counts, pytestmark,  # noqa: F401
                             shutdown_baseline, shutdown_counts, wait_current_conn)


def test_listeners_human_block(broker):
    wait_current_conn(broker, 0)
    c = Client(broker, "block-1", protocol=4)
    c.connect()
    out = ctl(broker, "listeners")
    lines = out.splitlines()
    assert lines[0] == "tcp:default"
    keys = [l.split(":", 1)[0] for l in lines[1:]]
    assert keys == ["  listen_on       ", "  acceptors       ", "  proxy_protocol  ", "  enbale          ",
                    "  running         ", "  current_conn    ", "  max_conns       ", "  shutdown_count  "], lines
    assert lines[1] == "  listen_on       : %s:%d" % (broker.host, broker.port)
    assert re.match(r"^  acceptors       : \d+$", lines[2])
    assert lines[3] == "  proxy_protocol  : false"
    assert lines[4] == "  enbale          : true"  # sic: EMQX's word
    assert lines[5] == "  running         : true"
    assert lines[6] == "  current_conn    : 1"
    assert lines[7] == "  max_conns       : 1024000"
    assert re.match(r"^  shutdown_count  : \[(\{[a-z_]+,\d+\}(,\{[a-z_]+,\d+\})*)?\]$", lines[8]), lines[8]


def test_listeners_json(broker):
    wait_current_conn(broker, 0)
    data = ctl_json(broker, "listeners")
    [l] = data["listeners"]
    assert l["id"] == "tcp:default"
    assert l["type"] == "tcp" and l["name"] == "default"
    assert l["listen_on"] == "%s:%d" % (broker.host, broker.port)
    assert l["running"] is True
    assert l["current_conn"] == 0
    assert l["max_conns"] == 1024000
    assert isinstance(l["shutdown_count"], dict)
    assert all(v > 0 for v in l["shutdown_count"].values())


def test_shutdown_count_shows_reasons_in_emqx_form(broker):
    base = shutdown_baseline(broker)
    c = Client(broker, "form-1", protocol=4)
    c.connect()
    c.disconnect()
    expect_shutdown_counts(broker, base, {"normal": 1})
    line = [l for l in ctl(broker, "listeners").splitlines() if "shutdown_count" in l][0]
    want = dict(base)
    want["normal"] = want.get("normal", 0) + 1
    assert line == "  shutdown_count  : [%s]" % ",".join("{%s,%d}" % (k, want[k]) for k in sorted(want))


def test_reason_normal(broker):
    base = shutdown_baseline(broker)
    for i in range(3):
        c = Client(broker, "normal-%d" % i, protocol=5 if i else 4)
        c.connect()
        c.disconnect()
    expect_shutdown_counts(broker, base, {"normal": 3})


def test_reason_closed(broker):
    base = shutdown_baseline(broker)
    c = Client(broker, "closed-1", protocol=4)
    c.connect()
    c.close_abruptly()
    r = RawClient(broker, 5)
    r.connect("closed-2")
    r.close()
    expect_shutdown_counts(broker, base, {"closed": 2})


def test_reason_keepalive_timeout(broker):
    base = shutdown_baseline(broker)
    r = RawClient(broker, 4)
    r.connect("ka-1", keepalive=1)
    r.expect_closed(timeout=5)  # 1 s x 1.5, then the broker closes
    expect_shutdown_counts(broker, base, {"keepalive_timeout": 1})


def test_reason_idle_timeout(make_broker):
    broker = make_broker(env={"EMQX_MQTT__IDLE_TIMEOUT": "1s"})
    base = shutdown_baseline(broker)
    s = socket.create_connection((broker.host, broker.port), timeout=5)
    try:
        assert s.recv(1) == b""  # closed by the broker after 1 s without CONNECT
    finally:
        s.close()
    expect_shutdown_counts(broker, base, {"idle_timeout": 1})


def test_reason_proto_unexpected_c(broker):
    base = shutdown_baseline(broker)
    r = RawClient(broker, 4)
    r.connect("twice-1")
    r.send(mb.connect("twice-1", 4))
    r.expect_closed()
    expect_shutdown_counts(broker, base, {"proto_unexpected_c": 1})


def test_reason_malformed_packet(broker):
    base = shutdown_baseline(broker)
    r = RawClient(broker, 4)
    r.connect("mal-1")
    r.send(b"\x30\x05\x00\x09abc")  # PUBLISH whose topic length runs past the packet
    r.expect_closed()
    expect_shutdown_counts(broker, base, {"malformed_packet": 1})


def test_reason_takenover(broker):
    base = shutdown_baseline(broker)
    # A raw v5 client reads the DISCONNECT byte-exactly (paho 1.6 drops a
    # reason code sent without properties).
    a = RawClient(broker, 5)
    a.connect("same-id")
    b = Client(broker, "same-id", protocol=5, clean=False)  # resumes the session: takeover
    b.connect()
    seen = a.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x8E], seen
    expect_shutdown_counts(broker, base, {"takenover": 1})


def test_reason_discarded(broker):
    base = shutdown_baseline(broker)
    a = RawClient(broker, 5)
    a.connect("same-id-d")
    b = Client(broker, "same-id-d", protocol=5, clean=True)  # clean start: the old session is discarded
    b.connect()
    seen = a.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x8E], seen
    expect_shutdown_counts(broker, base, {"discarded": 1})


def test_reason_kicked(broker):
    base = shutdown_baseline(broker)
    a = RawClient(broker, 5)
    a.connect("kick-me")
    assert ctl(broker, "clients", "kick", "kick-me") == "ok\n"
    seen = a.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x98], seen
    expect_shutdown_counts(broker, base, {"kicked": 1})


def test_reasons_accumulate_exactly(make_broker):
    broker = make_broker(env={"EMQX_MQTT__IDLE_TIMEOUT": "1s"})
    base = shutdown_baseline(broker)
    c = Client(broker, "acc-n", protocol=4)
    c.connect()
    c.disconnect()
    c = Client(broker, "acc-c", protocol=4)
    c.connect()
    c.close_abruptly()
    s = socket.create_connection((broker.host, broker.port), timeout=5)
    assert s.recv(1) == b""
    s.close()
    r = RawClient(broker, 4)
    r.connect("acc-k", keepalive=1)
    r.expect_closed(timeout=5)
    r = RawClient(broker, 4)
    r.connect("acc-k2", keepalive=1)
    r.expect_closed(timeout=5)
    expect_shutdown_counts(broker, base, {"normal": 1, "closed": 1, "idle_timeout": 1, "keepalive_timeout": 2})


# -- stop / start / restart --------------------------------------------------------------

def _refused(broker):
    try:
        socket.create_connection((broker.host, broker.port), timeout=2).close()
        return False
    except ConnectionRefusedError:
        return True


def test_stop_refuses_new_connections_keeps_existing_and_counters(broker):
    base = shutdown_baseline(broker)
    old = Client(broker, "survivor", protocol=4)
    old.connect()
    old.subscribe("keep/t", 1)
    c = Client(broker, "before-stop", protocol=4)
    c.connect()
    c.disconnect()
    expect_shutdown_counts(broker, base, {"normal": 1})

    assert ctl(broker, "listeners", "stop", "tcp:default") == "Stop tcp:default listener successfully.\n"
    [l] = ctl_json(broker, "listeners")["listeners"]
    assert l["running"] is False
    assert l["current_conn"] == 1
    assert "  running         : false" in ctl(broker, "listeners").splitlines()
    assert _refused(broker), "a new connection was accepted while the listener was stopped"
    # The existing connection still works.
    old.publish("keep/t", b"still here", 1)
    assert old.wait_message().payload == b"still here"
    expect_shutdown_counts(broker, base, {"normal": 1})

    assert ctl(broker, "listeners", "start", "tcp:default") == "Started tcp:default listener successfully.\n"
    assert ctl_json(broker, "listeners")["listeners"][0]["running"] is True
    c = Client(broker, "after-start", protocol=4)
    c.connect()
    c.disconnect()
    expect_shutdown_counts(broker, base, {"normal": 2})
    old.publish("keep/t", b"again", 1)
    assert old.wait_message().payload == b"again"


def test_restart_keeps_connections_and_counters(broker):
    base = shutdown_baseline(broker)
    old = Client(broker, "restart-survivor", protocol=4)
    old.connect()
    old.subscribe("rs/t", 0)
    assert ctl(broker, "listeners", "restart", "tcp:default") == "Restarted tcp:default listener successfully.\n"
    [l] = ctl_json(broker, "listeners")["listeners"]
    assert l["running"] is True and l["current_conn"] == 1
    c = Client(broker, "after-restart", protocol=4)
    c.connect()
    c.publish("rs/t", b"x")
    assert old.wait_message().payload == b"x"
    c.disconnect()
    expect_shutdown_counts(broker, base, {"normal": 1})


def test_stop_unknown_listener_fails(broker):
    p_out = ctl(broker, "listeners", "stop", "tcp:nope", rc=1)
    assert p_out == ""
    assert ctl_json(broker, "listeners")["listeners"][0]["running"] is True
