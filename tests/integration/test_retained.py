"""Retained messages: set, replace, delete, Retain Handling, Retain As Published,
$share, and bursts larger than a connection's output bound or the mqueue."""
import socket

import pytest

from harness import Client, RawClient, is_mosquitto, mqttbytes as mb, wait_until
from test_ctl_common import ctl_json


def _pub(broker, topic, payload, qos=1, retain=True, protocol=4):
    p = Client(broker, "rpub-%s" % topic.replace("/", "_"), protocol=protocol)
    p.connect()
    p.publish(topic, payload, qos, retain)
    p.disconnect()


def test_retained_is_delivered_to_a_new_subscriber_with_retain_flag(broker):
    _pub(broker, "ret/a", b"v1")
    s = Client(broker, "rs1", protocol=4)
    s.connect()
    s.subscribe("ret/a", 1)
    m = s.wait_message()
    assert (m.payload, m.retain, m.qos) == (b"v1", True, 1)


def test_retained_is_replaced(broker):
    _pub(broker, "ret/b", b"old")
    _pub(broker, "ret/b", b"new")
    s = Client(broker, "rs2", protocol=4)
    s.connect()
    s.subscribe("ret/b", 0)
    assert s.wait_message().payload == b"new"
    s.expect_no_message(0.3)


def test_empty_retained_payload_deletes(broker):
    _pub(broker, "ret/c", b"gone-soon")
    _pub(broker, "ret/c", b"")
    s = Client(broker, "rs3", protocol=4)
    s.connect()
    s.subscribe("ret/c", 0)
    s.expect_no_message(0.5)


def test_empty_retained_publish_is_still_forwarded_to_live_subscribers(broker):
    s = Client(broker, "rs3b", protocol=4)
    s.connect()
    s.subscribe("ret/c2", 0)
    _pub(broker, "ret/c2", b"")
    m = s.wait_message()
    assert m.payload == b""


def test_wildcard_subscription_gets_every_matching_retained(broker):
    for i in range(3):
        _pub(broker, "retw/%d" % i, b"r%d" % i)
    s = Client(broker, "rs4", protocol=4)
    s.connect()
    s.subscribe("retw/+", 1)
    got = sorted((m.topic, m.payload, m.retain) for m in s.wait_messages(3))
    assert got == [("retw/%d" % i, b"r%d" % i, True) for i in range(3)]


def test_live_delivery_clears_retain_flag_unless_retain_as_published(broker):
    plain = Client(broker, "live-plain", protocol=5)
    plain.connect()
    plain.subscribe("ret/live", 1)
    rap = Client(broker, "live-rap", protocol=5)
    rap.connect()
    rap.subscribe("ret/live", 1, rap=True)
    v311 = Client(broker, "live-311", protocol=4)
    v311.connect()
    v311.subscribe("ret/live", 1)
    _pub(broker, "ret/live", b"L")
    assert plain.wait_message().retain is False
    assert rap.wait_message().retain is True
    assert v311.wait_message().retain is False


def test_retain_handling_0_sends_on_every_subscribe(broker):
    _pub(broker, "rh/0", b"x")
    s = Client(broker, "rh0", protocol=5)
    s.connect()
    s.subscribe("rh/0", 1, rh=0)
    assert s.wait_message().retain
    s.subscribe("rh/0", 1, rh=0)
    assert s.wait_message().retain


def test_retain_handling_1_sends_only_for_a_new_subscription(broker):
    _pub(broker, "rh/1", b"x")
    s = Client(broker, "rh1", protocol=5)
    s.connect()
    s.subscribe("rh/1", 1, rh=1)
    assert s.wait_message().payload == b"x"
    s.subscribe("rh/1", 1, rh=1)  # existing subscription: nothing
    s.expect_no_message(0.5)


def test_retain_handling_2_never_sends(broker):
    _pub(broker, "rh/2", b"x")
    s = Client(broker, "rh2", protocol=5)
    s.connect()
    s.subscribe("rh/2", 1, rh=2)
    s.expect_no_message(0.5)
    _pub(broker, "rh/2", b"live")  # live messages still flow
    m = s.wait_message()
    assert m.payload == b"live" and not m.retain


def test_retained_never_sent_to_shared_subscriptions(broker):
    _pub(broker, "rs/share", b"x")
    s = Client(broker, "rshare", protocol=5)
    s.connect()
    s.subscribe("$share/g/rs/share", 1)
    s.subscribe("$queue/rs/share", 1)
    s.expect_no_message(0.7)
    # a plain subscription on the same client does get it (the message is there)
    s.subscribe("rs/share", 1)
    assert s.wait_message().payload == b"x"


def test_retained_delivered_qos_is_downgraded(broker):
    _pub(broker, "ret/q", b"q2", qos=2)
    s = Client(broker, "rq", protocol=4)
    s.connect()
    s.subscribe("ret/q", 1)
    m = s.wait_message()
    assert (m.qos, m.retain) == (1, True)


def test_retained_raw_bytes_retain_bit_set(broker):
    # QoS 1: the PUBACK says the retained message is stored before we subscribe
    # (a QoS 0 publish could still be in flight on another worker and arrive
    # live, without the retain bit).
    _pub(broker, "ret/raw", b"R", qos=1)
    r = RawClient(broker, 4)
    r.connect("rraw")
    r.subscribe("ret/raw", 0)
    p = r.expect(mb.PUBLISH)
    assert p.raw == b"\x31\x0a\x00\x07ret/rawR"


# ---- bursts: retained delivery is paced by the connection, nothing dropped --------

def _publish_retained_many(broker, prefix, n, payload, qos):
    """Stores n retained messages prefix/0 .. prefix/n-1 over one pipelined
    connection; returns once the broker has them all (PUBACKs, or a PINGRESP
    after QoS 0)."""
    p = RawClient(broker, 4)
    p.connect("loader-%s" % prefix)
    batch = 500
    for start in range(0, n, batch):
        ids = range(start, min(n, start + batch))
        p.send(b"".join(mb.publish("%s/%d" % (prefix, i), payload, qos, True, pid=(i % 65535) + 1 if qos else None)
                        for i in ids))
        if qos:
            for _ in ids:
                p.expect(mb.PUBACK)
    p.send(mb.PINGREQ_BYTES)
    p.expect(mb.PINGRESP)
    p.send(mb.disconnect())
    p.close()


def _retained_count(broker, prefix):
    return sum(1 for t in ctl_json(broker, "retainer", "topics")["topics"] if t.startswith(prefix + "/"))


def _metrics(broker):
    return ctl_json(broker, "broker", "metrics")


def _client(broker, client_id):
    return ctl_json(broker, "clients", "show", client_id)["client"]


emqxd_only = pytest.mark.skipif(is_mosquitto(), reason="reads emqxd's counters with emqxctl")


@emqxd_only
def test_retained_burst_past_the_output_bound_is_delivered_whole(broker):
    """20,000 retained QoS 0 messages of 600 bytes (12 MB, about three times the
    connection's 4 MiB output bound) to a subscriber that does not read until
    the broker can write no more: every one arrives, once. A live message on a
    topic whose retained message is still waiting arrives after it."""
    n = 20000
    _publish_retained_many(broker, "burst", n, b"r" * 600, 0)
    wait_until(lambda: _retained_count(broker, "burst") == n, 10, what="%d retained stored" % n)

    sub = RawClient(broker, 4)
    # A small receive buffer: the kernel holds little, so the broker meets a full output.
    sub.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    sub.connect("burst-sub")
    sub.subscribe("burst/#", 0)

    last = [-1]

    def stalled():
        """The broker's count of messages written to the subscriber stopped moving."""
        now = _client(broker, "burst-sub")["delivered_msgs"]
        same, last[0] = now == last[0], now
        return same

    wait_until(stalled, 20, interval=0.3, what="the broker to stop writing to a subscriber that does not read")
    live = Client(broker, "burst-live", protocol=4)
    live.connect()
    live.publish("burst/%d" % (n - 1), b"live", 0)

    got = []
    try:
        while len(got) < n + 1:
            m = sub.expect(mb.PUBLISH, timeout=10)
            got.append((m.topic, m.retain, m.payload == b"live"))
    except AssertionError as e:
        pytest.fail("received %d of %d retained + 1 live message: %s" % (len(got), n, e))
    assert sorted(t for t, retain, _ in got if retain) == sorted("burst/%d" % i for i in range(n))
    live_at = [i for i, (_, retain, is_live) in enumerate(got) if is_live and not retain]
    assert len(live_at) == 1
    assert got.index(("burst/%d" % (n - 1), True, False)) < live_at[0]
    sub.expect_no_packet(0.3)
    assert _client(broker, "burst-sub")["dropped_msgs"] == 0
    assert _metrics(broker)["delivery.dropped"] == 0


@emqxd_only
def test_retained_qos1_burst_past_max_mqueue_len_is_delivered_whole(make_broker):
    """QoS 1 retained messages wait for the inflight window (32) but not in the
    mqueue: 2,000 of them reach a subscriber whose mqueue holds 10."""
    b = make_broker(env={"EMQX_MQTT__MAX_MQUEUE_LEN": "10"})
    n = 2000
    _publish_retained_many(b, "q1burst", n, b"x" * 100, 1)
    wait_until(lambda: _retained_count(b, "q1burst") == n, 10, what="%d retained stored" % n)

    s = Client(b, "q1burst-sub", protocol=5)
    s.connect()
    s.subscribe("q1burst/#", 1)
    got = s.wait_messages(n, timeout=30)
    assert all(m.qos == 1 and m.retain for m in got)
    assert sorted(m.topic for m in got) == sorted("q1burst/%d" % i for i in range(n))
    s.expect_no_message(0.3)
    assert _client(b, "q1burst-sub")["dropped_msgs"] == 0
    assert _metrics(b)["delivery.dropped"] == 0
