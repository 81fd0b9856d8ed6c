"""`emqxctl broker stats|metrics`: exact counters after real traffic (mosquitto_pub, paho)."""
import re

import pytest

from harness import Client, mosquitto_pub, wait_until
from test_ctl_common import QUIET_SYS, ctl, ctl_json, metrics, pytestmark, wait_current_conn  # noqa: F401

N = 20


def _delta(before, after):
    return {k: after[k] - before.get(k, 0) for k in after if after[k] != before.get(k, 0)}


@pytest.fixture
def quiet(make_broker):
    b = make_broker(env=QUIET_SYS)
    wait_current_conn(b, 0)
    return b


def test_metrics_are_exact_after_n_qos1_publishes(quiet):
    broker = quiet
    sub = Client(broker, "metrics-sub", protocol=4)
    sub.connect()
    sub.subscribe("m/#", 1)
    before = metrics(broker)
    for i in range(N):
        mosquitto_pub(broker, "m/%d" % i, "payload-%d" % i, qos=1, client_id="metrics-pub-%d" % i)
    got = sub.wait_messages(N, timeout=10)
    assert sorted(m.payload for m in got) == sorted(("payload-%d" % i).encode() for i in range(N))
    # The subscriber's PUBACKs are on their way: wait for the last one, then compare exactly.
    wait_until(lambda: metrics(broker)["packets.puback.received"] - before["packets.puback.received"] >= N, 5,
               what="the subscriber's PUBACKs")
    d = _delta(before, metrics(broker))
    expected = {
        "messages.received": N,
        "messages.qos1.received": N,
        "packets.publish.received": N,
        "packets.puback.sent": N,
        "messages.sent": N,
        "messages.qos1.sent": N,
        "packets.publish.sent": N,
        "packets.puback.received": N,
        "messages.acked": N,
        "packets.connect.received": N,
        "packets.connack.sent": N,
        "client.connect": N,
        "client.connack": N,
        "client.connected": N,
        "client.disconnected": N,
        "packets.disconnect.received": N,
        "session.created": N,
        "session.terminated": N,
    }
    for k, v in expected.items():
        assert d.get(k, 0) == v, "%s: delta %s, expected %s (all deltas: %r)" % (k, d.get(k, 0), v, d)
    for k in ("messages.dropped", "messages.dropped.no_subscribers", "messages.qos0.received",
              "messages.qos2.received", "delivery.dropped", "packets.publish.dropped", "packets.publish.error"):
        assert d.get(k, 0) == 0, "%s: delta %s (all deltas: %r)" % (k, d.get(k, 0), d)


def test_no_subscribers_drops_are_counted(quiet):
    broker = quiet
    before = metrics(broker)
    for i in range(5):
        mosquitto_pub(broker, "nobody/listens", "x", qos=0)
    wait_until(lambda: metrics(broker)["messages.received"] - before["messages.received"] >= 5, 5,
               what="5 received")
    d = _delta(before, metrics(broker))
    assert d.get("messages.received") == 5
    assert d.get("messages.qos0.received") == 5
    assert d.get("messages.dropped.no_subscribers") == 5
    assert d.get("messages.dropped") == 5
    assert d.get("messages.sent", 0) == 0


def test_metrics_text_uses_emqx_names_aligned(broker):
    out = ctl(broker, "broker", "metrics")
    names = []
    for line in out.splitlines():
        # EMQX's "~-30s: ~w": the name padded to 30 columns (longer names are not cut).
        m = re.match(r"^([a-z0-9_.]+) *: (\d+)$", line)
        assert m and line.index(":") == max(30, len(m.group(1))), line
        names.append(m.group(1))
    assert names == sorted(names)
    for k in ("messages.received", "messages.sent", "messages.dropped", "messages.retained",
              "messages.qos0.received", "messages.qos1.sent", "messages.dropped.no_subscribers",
              "messages.dropped.await_pubrel_timeout", "packets.connect.received", "bytes.received", "bytes.sent",
              "client.connect", "client.connack", "client.connected", "client.authenticate",
              "client.auth.anonymous", "client.disconnected", "session.created", "session.resumed",
              "session.takenover", "session.discarded", "session.terminated", "delivery.dropped.queue_full"):
        assert k in names, k


def test_stats_track_connections_and_subscriptions(quiet):
    broker = quiet
    before = ctl_json(broker, "broker", "stats")
    a = Client(broker, "stats-a", protocol=5)
    a.connect()
    a.subscribe("st/a", 0)
    a.subscribe("st/+", 1)
    b = Client(broker, "stats-b", protocol=4)
    b.connect()
    b.subscribe("st/a", 0)
    s = ctl_json(broker, "broker", "stats")
    assert s["connections.count"] - before["connections.count"] == 2
    assert s["sessions.count"] - before["sessions.count"] == 2
    assert s["subscriptions.count"] - before["subscriptions.count"] == 3
    assert s["topics.count"] - before["topics.count"] == 2
    assert s["connections.max"] >= s["connections.count"]
    b.disconnect()
    wait_until(lambda: ctl_json(broker, "broker", "stats")["connections.count"] == before["connections.count"] + 1,
               5, what="one connection less")
    s = ctl_json(broker, "broker", "stats")
    assert s["connections.max"] - before["connections.count"] >= 2
