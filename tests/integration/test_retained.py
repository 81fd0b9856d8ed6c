"""Retained messages: set, replace, delete, Retain Handling, Retain As Published, $share."""
from harness import Client, RawClient, mqttbytes as mb


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
