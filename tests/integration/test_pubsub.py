"""Publish/subscribe: QoS both ways with downgrade, wildcards, mosquitto tools, order."""
import pytest

from harness import Client, MosquittoSub, RawClient, mosquitto_pub, mqttbytes as mb


@pytest.mark.parametrize("protocol", [4, 5])
def test_qos_matrix_delivers_min_of_publish_and_subscription_qos(broker, protocol):
    subs = {}
    for sq in (0, 1, 2):
        s = Client(broker, "sub-q%d" % sq, protocol=protocol)
        s.connect()
        s.subscribe("qm/t", sq)
        subs[sq] = s
    pub = Client(broker, "pub", protocol=protocol)
    pub.connect()
    for pq in (0, 1, 2):
        pub.publish("qm/t", b"pq%d" % pq, pq)
        for sq, s in subs.items():
            m = s.wait_message()
            assert m.payload == b"pq%d" % pq
            assert m.qos == min(pq, sq), "published at %d, subscribed at %d, got %d" % (pq, sq, m.qos)
            assert not m.retain


def test_puback_and_pubcomp_bytes_for_inbound_qos(broker):
    r = RawClient(broker, 4)
    r.connect("acks")
    r.publish("acks/t", b"1", qos=1, pid=0x1234)
    assert r.read_packet().raw == b"\x40\x02\x12\x34"
    r.publish("acks/t", b"2", qos=2, pid=0x0102)
    assert r.read_packet().raw == b"\x50\x02\x01\x02"
    r.send(mb.ack(mb.PUBREL, 0x0102))
    assert r.read_packet().raw == b"\x70\x02\x01\x02"


def test_suback_bytes_and_granted_qos(broker):
    r = RawClient(broker, 4)
    r.connect("subacks")
    r.send(mb.subscribe(9, [("a/0", 0), ("a/1", 1), ("a/2", 2)]))
    assert r.read_packet().raw == b"\x90\x05\x00\x09\x00\x01\x02"


def test_unsubscribe_stops_delivery(broker):
    c = Client(broker, "unsub", protocol=5)
    c.connect()
    c.subscribe("u/t", 1)
    c.publish("u/t", b"1", 1)
    assert c.wait_message().payload == b"1"
    c.unsubscribe("u/t")
    c.publish("u/t", b"2", 1)
    c.expect_no_message(0.5)


def test_wildcards_match_per_spec(broker):
    s = Client(broker, "wild", protocol=4)
    s.connect()
    s.subscribe("w/+/x", 0)
    s.subscribe("w/a/#", 0)
    p = Client(broker, "wp", protocol=4)
    p.connect()
    p.publish("w/b/x", b"plus")       # w/+/x
    p.publish("w/b/y", b"none")       # nothing
    p.publish("w/a", b"hash-parent")  # w/a/# matches the parent level
    p.publish("w/a/b/c", b"hash")     # w/a/#
    got = sorted(m.payload for m in s.wait_messages(3))
    assert got == [b"hash", b"hash-parent", b"plus"]
    s.expect_no_message(0.3)


def test_dollar_topics_not_matched_by_leading_wildcard(broker):
    s = Client(broker, "dollar", protocol=4)
    s.connect()
    s.subscribe("#", 0)
    s.subscribe("+/x", 0)
    d = Client(broker, "dollar-sub", protocol=4)
    d.connect()
    d.subscribe("$app/#", 0)
    p = Client(broker, "dp", protocol=4)
    p.connect()
    p.publish("$app/x", b"dollar")
    assert d.wait_message().payload == b"dollar"
    s.expect_no_message(0.5)


def test_mosquitto_pub_to_paho_subscriber(broker):
    s = Client(broker, "paho-sub", protocol=5)
    s.connect()
    s.subscribe("tools/in", 2)
    for q in (0, 1, 2):
        mosquitto_pub(broker, "tools/in", "m%d" % q, qos=q, protocol=5)
        m = s.wait_message()
        assert (m.payload, m.qos) == (b"m%d" % q, q)


def test_paho_publisher_to_mosquitto_sub(broker):
    ms = MosquittoSub(broker, "tools/out/#", qos=2).wait_subscribed()
    p = Client(broker, "paho-pub", protocol=4)
    p.connect()
    for q in (0, 1, 2):
        p.publish("tools/out/%d" % q, b"v%d" % q, q)
        assert ms.wait_line() == "tools/out/%d v%d" % (q, q)


@pytest.mark.parametrize("qos", [0, 1, 2])
def test_many_messages_arrive_complete_and_in_order(broker, qos):
    n = 500
    s = Client(broker, "order-sub", protocol=5)
    s.connect()
    s.subscribe("many/t", qos)
    p = Client(broker, "order-pub", protocol=4)
    p.connect()
    mids = [p.publish("many/t", b"%d" % i, qos, wait=False) for i in range(n)]
    msgs = s.wait_messages(n, timeout=30)
    assert [int(m.payload) for m in msgs] == list(range(n))
    assert all(m.qos == qos for m in msgs)
    assert len(mids) == n


def test_large_payload_round_trip(broker):
    s = Client(broker, "big-sub", protocol=4)
    s.connect()
    s.subscribe("big/t", 1)
    payload = bytes(range(256)) * 2000  # 512000 bytes, under the 1MB default
    p = Client(broker, "big-pub", protocol=4)
    p.connect()
    p.publish("big/t", payload, 1)
    assert s.wait_message(10).payload == payload


def test_overlapping_subscriptions_v311_deliver(broker):
    s = Client(broker, "overlap", protocol=4)
    s.connect()
    s.subscribe("ov/#", 0)
    s.subscribe("ov/+", 1)
    p = Client(broker, "ovp", protocol=4)
    p.connect()
    p.publish("ov/a", b"x", 1)
    m = s.wait_message()
    assert m.payload == b"x"


def test_a_publishers_remembered_route_follows_subscription_changes(broker):
    """A connection publishing to one topic again and again reuses that topic's
    route (RouteMemo) until any subscription changes: each change must show."""
    pub = Client(broker, "memo-pub", protocol=5)
    pub.connect()
    a = Client(broker, "memo-a", protocol=5)
    a.connect()
    a.subscribe("memo/t", 1)
    a.subscribe("memo/marker", 1)
    for i in range(3):
        pub.publish("memo/t", b"w%d" % i, 1)
        assert a.wait_message().payload == b"w%d" % i
    b = Client(broker, "memo-b", protocol=5)
    b.connect()
    b.subscribe("memo/#", 1)
    pub.publish("memo/t", b"after-b", 1)
    assert a.wait_message().payload == b"after-b"
    assert b.wait_message().payload == b"after-b"
    a.subscribe("memo/t", 0)  # new options for the same filter
    pub.publish("memo/t", b"q0", 1)
    m = a.wait_message()
    assert (m.payload, m.qos) == (b"q0", 0)
    a.unsubscribe("memo/t")
    pub.publish("memo/t", b"gone", 1)
    pub.publish("memo/marker", b"marker", 1)  # same publisher: arrives after "gone" would have
    assert a.wait_message().payload == b"marker"
    s = Client(broker, "memo-s", protocol=5)
    s.connect()
    s.subscribe("$share/g/memo/t", 1)
    pub.publish("memo/t", b"shared", 1)
    assert s.wait_message().payload == b"shared"
