"""MQTT 5 features: expiry, topic aliases, receive maximum, maximum packet size,
subscription identifiers, No Local, pass-through properties, reason codes."""
import time

from harness import Client, RawClient, mqttbytes as mb


def _sub(broker, cid, topic, qos=1, **kw):
    c = Client(broker, cid, protocol=5, **kw)
    c.connect()
    c.subscribe(topic, qos)
    return c


def _pub(broker, cid="pub5"):
    p = Client(broker, cid, protocol=5)
    p.connect()
    return p


# -- Message Expiry ------------------------------------------------------------------------

def test_message_expiry_remaining_interval_is_sent(broker):
    s = _sub(broker, "mx-live", "mx/live")
    _pub(broker).publish("mx/live", b"x", 1, props={"MessageExpiryInterval": 100})
    m = s.wait_message()
    assert 98 <= m.props.get("MessageExpiryInterval", -1) <= 100, m.props


def test_expired_messages_are_not_delivered_and_remaining_interval_is_reduced(broker):
    props = {"SessionExpiryInterval": 60}
    c = Client(broker, "mx", protocol=5, clean=False, connect_props=props)
    c.connect()
    c.subscribe("mx/t", 1)
    c.disconnect()
    p = _pub(broker)
    p.publish("mx/t", b"short", 1, props={"MessageExpiryInterval": 1})
    p.publish("mx/t", b"long", 1, props={"MessageExpiryInterval": 60})
    p.publish("mx/t", b"forever", 1)
    time.sleep(2.2)  # the behaviour under test is the 1 s expiry running out (whole seconds)
    c2 = Client(broker, "mx", protocol=5, clean=False, connect_props=props)
    assert c2.connect().session_present
    msgs = c2.wait_messages(2)
    assert [m.payload for m in msgs] == [b"long", b"forever"]
    assert 55 <= msgs[0].props.get("MessageExpiryInterval", -1) <= 58, msgs[0].props
    assert "MessageExpiryInterval" not in msgs[1].props
    c2.expect_no_message(0.3)


def test_expired_retained_message_is_not_delivered(broker):
    p = _pub(broker)
    p.publish("mx/ret", b"short", 1, retain=True, props={"MessageExpiryInterval": 1})
    time.sleep(2.2)  # the expiry under test
    s = Client(broker, "mx-ret", protocol=5)
    s.connect()
    s.subscribe("mx/ret", 1)
    s.expect_no_message(0.5)


# -- Topic Alias ---------------------------------------------------------------------------

def test_inbound_topic_alias(broker):
    s = _sub(broker, "ta-sub", "ta/in", 0)
    r = RawClient(broker, 5)
    ack = r.connect("ta-pub")
    assert ack.props.get("topic_alias_maximum", 0) >= 1
    r.publish("ta/in", b"1", props={"topic_alias": 1})
    r.publish("", b"2", props={"topic_alias": 1})
    msgs = s.wait_messages(2)
    assert [(m.topic, m.payload) for m in msgs] == [("ta/in", b"1"), ("ta/in", b"2")]


def test_outbound_topic_alias_when_client_allows_it(broker):
    r = RawClient(broker, 5)
    r.connect("ta-out", props={"topic_alias_maximum": 5})
    r.subscribe("ta/out", 0)
    p = _pub(broker)
    for i in range(3):
        p.publish("ta/out", b"%d" % i)
    pkts = [r.expect(mb.PUBLISH) for _ in range(3)]
    alias = pkts[0].props.get("topic_alias")
    assert pkts[0].topic == "ta/out" and alias is not None and 1 <= alias <= 5, pkts[0]
    aliased = [p for p in pkts[1:] if p.topic == "" and p.props.get("topic_alias") == alias]
    assert aliased, "the broker never used its alias: %r" % pkts
    for pk in pkts[1:]:
        assert pk.topic in ("", "ta/out")


def test_no_outbound_topic_alias_by_default(broker):
    r = RawClient(broker, 5)
    r.connect("ta-none")
    r.subscribe("ta/none", 0)
    p = _pub(broker)
    for i in range(3):
        p.publish("ta/none", b"%d" % i)
    for _ in range(3):
        pk = r.expect(mb.PUBLISH)
        assert pk.topic == "ta/none" and "topic_alias" not in pk.props, pk


def test_topic_alias_0_is_rejected_with_0x94(broker):
    r = RawClient(broker, 5)
    r.connect("ta0")
    r.publish("ta/zero", b"x", props={"topic_alias": 0})
    d = r.expect(mb.DISCONNECT)
    assert d.rc == 0x94, d
    r.expect_closed()


def test_topic_alias_above_maximum_is_rejected_with_0x94(make_broker):
    b = make_broker(env={"EMQX_MQTT__MAX_TOPIC_ALIAS": "5"})
    r = RawClient(b, 5)
    assert r.connect("ta6").props.get("topic_alias_maximum") == 5
    r.publish("ta/six", b"x", props={"topic_alias": 6})
    d = r.expect(mb.DISCONNECT)
    assert d.rc == 0x94, d
    r.expect_closed()


def test_unknown_topic_alias_with_empty_topic_is_a_protocol_error(broker):
    r = RawClient(broker, 5)
    r.connect("ta-unknown")
    r.publish("", b"x", props={"topic_alias": 3})
    d = r.expect(mb.DISCONNECT)
    assert d.rc == 0x82, d
    r.expect_closed()


# -- Receive Maximum -----------------------------------------------------------------------

def test_client_exceeding_broker_receive_maximum_gets_0x93(make_broker):
    b = make_broker(env={"EMQX_MQTT__MAX_INFLIGHT": "4", "EMQX_MQTT__MAX_AWAITING_REL": "4"})
    r = RawClient(b, 5)
    ack = r.connect("rmx")
    rmax = ack.props.get("receive_maximum")
    assert rmax == 4, ack
    # QoS 2 publishes without PUBREL stay unacknowledged (awaiting release)
    for pid in range(1, rmax + 1):
        r.publish("rmx/t", b"x", qos=2, pid=pid)
        assert r.expect(mb.PUBREC).pid == pid
    r.publish("rmx/t", b"one-too-many", qos=2, pid=rmax + 1)
    d = r.expect(mb.DISCONNECT)
    assert d.rc == 0x93, d
    r.expect_closed()


def test_default_receive_maximum_is_announced_and_enforced(broker):
    r = RawClient(broker, 5)
    rmax = r.connect("rmdef").props.get("receive_maximum")
    assert rmax is not None and 1 <= rmax < 65535, "CONNACK must announce the broker's Receive Maximum"
    for pid in range(1, rmax + 1):  # exactly the announced number of unreleased QoS 2 is fine
        r.publish("rmdef/t", b"x", qos=2, pid=pid)
        assert r.expect(mb.PUBREC).pid == pid
    r.publish("rmdef/t", b"x", qos=2, pid=rmax + 1)
    assert r.expect(mb.DISCONNECT).rc == 0x93


def test_broker_respects_client_receive_maximum(broker):
    r = RawClient(broker, 5)
    r.connect("rm-client", props={"receive_maximum": 2})
    r.subscribe("rmc/t", 1)
    p = _pub(broker)
    for i in range(4):
        p.publish("rmc/t", b"%d" % i, 1)
    a = r.expect(mb.PUBLISH)
    r.expect(mb.PUBLISH)
    r.expect_no_packet(0.5)
    r.send(mb.ack(mb.PUBACK, a.pid, 5))
    assert r.expect(mb.PUBLISH).payload == b"2"


# -- Maximum Packet Size -------------------------------------------------------------------

def test_message_too_big_for_a_subscriber_is_not_delivered_to_it(broker):
    small = RawClient(broker, 5)
    small.connect("small", props={"maximum_packet_size": 200})
    small.subscribe("mps/t", 0)
    big = _sub(broker, "big", "mps/t", 0)
    p = _pub(broker)
    p.publish("mps/t", b"B" * 1000)
    p.publish("mps/t", b"small")
    assert big.wait_message().payload == b"B" * 1000
    assert big.wait_message().payload == b"small"
    pk = small.expect(mb.PUBLISH)
    assert pk.payload == b"small", pk
    assert small.is_open(0.2)


def test_publish_over_broker_max_packet_size_disconnects_0x95(make_broker):
    b = make_broker(env={"EMQX_MQTT__MAX_PACKET_SIZE": "1KB"})
    r = RawClient(b, 5)
    r.connect("mps-in")
    r.publish("mps/in", b"x" * 2000)
    seen = r.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x95], "expected DISCONNECT 0x95 before the close: %r" % seen


# -- Subscription Identifiers ----------------------------------------------------------------

def test_subscription_identifier_is_sent_with_matching_messages(broker):
    s = Client(broker, "sid", protocol=5)
    s.connect()
    s.subscribe("sid/a/+", 1, sub_id=42)
    s.subscribe("sid/b", 1)
    p = _pub(broker)
    p.publish("sid/a/x", b"a", 1)
    m = s.wait_message()
    assert m.props.get("SubscriptionIdentifier") == [42], m.props
    p.publish("sid/b", b"b", 1)
    m = s.wait_message()
    assert "SubscriptionIdentifier" not in m.props, m.props


def test_overlapping_subscriptions_carry_each_identifier(broker):
    s = Client(broker, "sid2", protocol=5)
    s.connect()
    s.subscribe("sido/+", 1, sub_id=5)
    s.subscribe("sido/x", 1, sub_id=7)
    _pub(broker).publish("sido/x", b"both", 1)
    ids = set()
    ids.update(s.wait_message().props.get("SubscriptionIdentifier", []))
    if ids != {5, 7}:
        ids.update(s.wait_message().props.get("SubscriptionIdentifier", []))
    assert ids == {5, 7}


# -- Subscription options ------------------------------------------------------------------

def test_no_local(broker):
    c = Client(broker, "nl", protocol=5)
    c.connect()
    c.subscribe("nl/t", 1, nl=True)
    c.publish("nl/t", b"mine", 1)
    c.expect_no_message(0.5)
    _pub(broker).publish("nl/t", b"theirs", 1)
    assert c.wait_message().payload == b"theirs"


def test_without_no_local_own_messages_come_back(broker):
    c = Client(broker, "nl0", protocol=5)
    c.connect()
    c.subscribe("nl0/t", 1)
    c.publish("nl0/t", b"mine", 1)
    assert c.wait_message().payload == b"mine"


def test_shared_subscription_with_no_local_is_a_protocol_error(broker):
    r = RawClient(broker, 5)
    r.connect("nl-share")
    r.send(mb.subscribe(1, [("$share/g/nls/t", 0x05)], 5))  # QoS 1 + No Local
    d = r.expect(mb.DISCONNECT)
    assert d.rc == 0x82, d
    r.expect_closed()


# -- Properties passed through ---------------------------------------------------------------

def test_user_properties_passed_through_in_order(broker):
    s = _sub(broker, "up", "up/t")
    ups = [("a", "1"), ("b", "2"), ("a", "3")]
    _pub(broker).publish("up/t", b"x", 1, props={"UserProperty": ups})
    m = s.wait_message()
    assert [tuple(x) for x in m.props.get("UserProperty", [])] == ups


def test_request_response_properties_passed_through(broker):
    s = _sub(broker, "rr", "rr/req")
    _pub(broker).publish("rr/req", b"q", 1, props={
        "ResponseTopic": "rr/resp", "CorrelationData": b"\x00\x01corr", "ContentType": "application/json",
        "PayloadFormatIndicator": 1})
    m = s.wait_message()
    assert m.props.get("ResponseTopic") == "rr/resp"
    assert m.properties.CorrelationData == b"\x00\x01corr"
    assert m.props.get("ContentType") == "application/json"
    assert m.props.get("PayloadFormatIndicator") == 1


def test_properties_downgraded_to_v311_subscriber(broker):
    r = RawClient(broker, 4)
    r.connect("v311-sub")
    r.subscribe("dg/t", 0)
    _pub(broker).publish("dg/t", b"p", props={"UserProperty": [("k", "v")], "ResponseTopic": "x"})
    pk = r.expect(mb.PUBLISH)
    assert pk.raw == b"\x30\x07\x00\x04dg/tp"


# -- Protocol errors -----------------------------------------------------------------------

def test_wildcard_in_publish_topic_gets_0x90(broker):
    r = RawClient(broker, 5)
    r.connect("wild-pub")
    r.publish("a/+/b", b"x")
    d = r.expect(mb.DISCONNECT)
    assert d.rc == 0x90, d
    r.expect_closed()


def test_wildcard_in_publish_topic_closes_v311(broker):
    r = RawClient(broker, 4)
    r.connect("wild-pub4")
    r.publish("a/#", b"x")
    r.expect_closed()


def test_second_connect_gets_disconnect_0x82_before_the_close(broker):
    """As EMQX 5 answers it; 3.1.1 is just closed (test_ctl_listeners.py: proto_unexpected_c)."""
    r = RawClient(broker, 5)
    r.connect("twice-5")
    r.send(mb.connect("twice-5", 5))
    seen = r.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x82], seen


def test_subscribe_without_filters_is_rejected(broker):
    r = RawClient(broker, 5)
    r.connect("nofilter")
    r.send(mb.subscribe(1, [], 5))
    seen = r.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x8F], seen


def test_invalid_subscription_filter_disconnects_0x8f(broker):
    r = RawClient(broker, 5)
    r.connect("badfilter")
    r.send(mb.subscribe(3, [("a/#/b", 1), ("ok/+", 1)], 5))
    d = r.expect(mb.DISCONNECT)
    assert d.rc == 0x8F, d
    r.expect_closed()


# -- Server Keep Alive ---------------------------------------------------------------------

def test_server_keep_alive_caps_a_longer_keepalive(make_broker):
    # server_keepalive is a ceiling: a client asking for more (or for none) is
    # told the server's value; one asking for less keeps its own (the paho
    # conformance suites need both behaviours, see docs/conformance.md).
    b = make_broker(env={"EMQX_MQTT__SERVER_KEEPALIVE": "60"})
    assert RawClient(b, 5).connect("ska", keepalive=120).props.get("server_keep_alive") == 60
    assert RawClient(b, 5).connect("ska0", keepalive=0).props.get("server_keep_alive") == 60
    assert "server_keep_alive" not in RawClient(b, 5).connect("ska10", keepalive=10).props


def test_server_keep_alive_is_enforced(make_broker):
    b = make_broker(env={"EMQX_MQTT__SERVER_KEEPALIVE": "1"})
    r = RawClient(b, 5)
    ack = r.connect("ska1", keepalive=0)
    assert ack.props.get("server_keep_alive") == 1
    r.expect_closed(timeout=3.0, allow=(mb.DISCONNECT,))


def test_no_server_keep_alive_by_default(broker):
    r = RawClient(broker, 5)
    assert "server_keep_alive" not in r.connect("ska-none", keepalive=10).props
