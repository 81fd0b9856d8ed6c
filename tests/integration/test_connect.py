"""CONNECT handling: protocol levels, CONNACK contents, EMQX's reason codes, idle timeout."""
import time

import pytest

from harness import Client, RawClient, mosquitto_pub, mqttbytes as mb
from test_ctl_common import ctl_json


@pytest.mark.parametrize("protocol", [3, 4, 5])
def test_paho_connects_and_round_trips_at_each_protocol_level(broker, protocol):
    c = Client(broker, "c-%d" % protocol, protocol=protocol)
    ack = c.connect()
    assert ack.rc == 0
    c.subscribe("conn/%d" % protocol, 1)
    c.publish("conn/%d" % protocol, b"hello", 1)
    m = c.wait_message()
    assert (m.topic, m.payload, m.qos) == ("conn/%d" % protocol, b"hello", 1)
    c.disconnect()


@pytest.mark.parametrize("protocol", [3, 4, 5])
def test_mosquitto_pub_at_each_protocol_level(broker, protocol):
    sub = Client(broker, "sub", protocol=4)
    sub.connect()
    sub.subscribe("mp/#", 1)
    mosquitto_pub(broker, "mp/%d" % protocol, "from-mosquitto_pub", qos=1, protocol=protocol)
    m = sub.wait_message()
    assert (m.topic, m.payload) == ("mp/%d" % protocol, b"from-mosquitto_pub")


def test_v311_connack_bytes(broker):
    r = RawClient(broker, 4)
    r.send(mb.connect("exact", 4))
    p = r.read_packet()
    assert p.raw == b"\x20\x02\x00\x00"


def test_v31_connack_bytes(broker):
    r = RawClient(broker, 3)
    r.send(mb.connect("exact31", 3))
    p = r.read_packet()
    assert p.raw == b"\x20\x02\x00\x00"


def test_v5_connack_carries_capability_properties_defaults(broker):
    r = RawClient(broker, 5)
    ack = r.connect("caps")
    props = ack.props
    assert props.get("maximum_packet_size") == 1024 * 1024, props
    assert props.get("retain_available") == 1, props
    assert props.get("wildcard_subscription_available") == 1, props
    assert props.get("subscription_identifier_available") == 1, props
    assert props.get("shared_subscription_available") == 1, props
    assert props.get("topic_alias_maximum") == 65535, props


def test_v5_connack_properties_follow_config(make_broker):
    b = make_broker(env={
        "EMQX_MQTT__MAX_PACKET_SIZE": "64KB",
        "EMQX_MQTT__RETAIN_AVAILABLE": "false",
        "EMQX_MQTT__WILDCARD_SUBSCRIPTION": "false",
        "EMQX_MQTT__SHARED_SUBSCRIPTION": "false",
        "EMQX_MQTT__MAX_TOPIC_ALIAS": "7",
    })
    r = RawClient(b, 5)
    props = r.connect("caps2").props
    assert props.get("maximum_packet_size") == 64 * 1024, props
    assert props.get("retain_available") == 0, props
    assert props.get("wildcard_subscription_available") == 0, props
    assert props.get("shared_subscription_available") == 0, props
    assert props.get("topic_alias_maximum") == 7, props
    assert props.get("subscription_identifier_available") == 1, props


def test_v5_empty_client_id_gets_assigned_identifier(broker):
    r = RawClient(broker, 5)
    ack = r.connect("")
    cid = ack.props.get("assigned_client_identifier")
    assert cid, ack
    # the assigned id is usable: the session works under it
    r.subscribe("assigned/t", 0)
    r.publish("assigned/t", b"x")
    p = r.expect(mb.PUBLISH)
    assert p.payload == b"x"
    # two empty-id clients get different ids
    r2 = RawClient(broker, 5)
    assert r2.connect("").props.get("assigned_client_identifier") not in (None, cid)


def test_v311_empty_client_id_with_clean_session_0_is_rejected_0x02(broker):
    r = RawClient(broker, 4)
    r.send(mb.connect("", 4, clean=False))
    p = r.read_packet()
    assert p.raw == b"\x20\x02\x00\x02", p
    r.expect_closed()


def test_v5_empty_client_id_with_clean_start_0_is_rejected_0x85(broker):
    r = RawClient(broker, 5)
    ack = r.connect("", clean=False, expect_rc=None)
    assert ack.type == mb.CONNACK and ack.rc == 0x85, ack
    r.expect_closed()


def test_v311_empty_client_id_with_clean_session_1_is_accepted(broker):
    r = RawClient(broker, 4)
    r.connect("", clean=True)


def test_bad_protocol_name_gets_connack_0x01_and_close(broker):
    r = RawClient(broker, 4)
    r.send(mb.connect("badname", 4, proto_name="MQTX"))
    p = r.read_packet()
    assert p.raw == b"\x20\x02\x00\x01", p
    r.expect_closed()


def test_bad_protocol_version_gets_connack_0x01_and_close(broker):
    r = RawClient(broker, 4)
    r.send(mb.connect("badver", 7))
    p = r.read_packet()
    assert p.type == mb.CONNACK and p.body[1] in (0x01, 0x84), p
    r.expect_closed()


def test_v5_bad_protocol_name_gets_0x84(broker):
    r = RawClient(broker, 5)
    r.send(mb.connect("badname5", 5, proto_name="MQTX"))
    p = r.read_packet()
    assert p.type == mb.CONNACK and p.rc == 0x84, p
    r.expect_closed()


def test_v5_receive_maximum_0_is_a_protocol_error(broker):
    r = RawClient(broker, 5)
    ack = r.connect("rm0", props={"receive_maximum": 0}, expect_rc=None)
    assert ack.rc == 0x82, ack
    r.expect_closed()


def test_v5_wildcard_in_will_topic_gets_0x90(broker):
    r = RawClient(broker, 5)
    ack = r.connect("willwild", will={"topic": "w/#", "payload": b"x"}, expect_rc=None)
    assert ack.rc == 0x90, ack
    r.expect_closed()


def test_v311_second_connect_closes_the_connection(broker):
    r = RawClient(broker, 4)
    r.connect("twice")
    r.send(mb.connect("twice", 4))
    r.expect_closed()


def test_v5_second_connect_closes_the_connection(broker):
    r = RawClient(broker, 5)
    r.connect("twice5")
    r.send(mb.connect("twice5", 5))
    seen = r.expect_closed(allow=(mb.DISCONNECT,))
    for p in seen:
        assert p.rc == 0x82, p


def test_first_packet_not_connect_closes(broker):
    r = RawClient(broker, 4)
    r.publish("t", b"x")
    r.expect_closed()


def test_idle_socket_without_connect_is_closed_after_idle_timeout(make_broker):
    b = make_broker(env={"EMQX_MQTT__IDLE_TIMEOUT": "1s"})
    r = RawClient(b, 4)
    t0 = time.monotonic()
    r.expect_closed(timeout=2.5)
    assert time.monotonic() - t0 >= 0.8, "closed before idle_timeout"


def test_idle_timeout_does_not_apply_after_connect(make_broker):
    b = make_broker(env={"EMQX_MQTT__IDLE_TIMEOUT": "1s"})
    r = RawClient(b, 4)
    r.connect("idle-ok", keepalive=0)
    r.expect_no_packet(1.0)
    r.expect_no_packet(1.0)
    r.send(mb.PINGREQ_BYTES)
    assert r.read_packet().raw == b"\xd0\x00"


def test_use_username_as_clientid_replaces_the_client_id(make_broker):
    """mqtt.use_username_as_clientid: the session is the username's; two
    connections with one username and different client ids take each other over."""
    b = make_broker(env={"EMQX_MQTT__USE_USERNAME_AS_CLIENTID": "true"})
    first = Client(b, "id-one", protocol=5, username="alice", password="x")
    first.connect()
    second = Client(b, "id-two", protocol=5, username="alice", password="x")
    second.connect()
    first.wait_disconnect()  # taken over: both are client "alice"
    anonymous = RawClient(b, version=4)
    anonymous.send(mb.connect("id-three", version=4))  # no username: its own client id stays
    assert anonymous.expect(mb.CONNACK).rc == 0
    ids = {c["clientid"] for c in ctl_json(b, "clients", "list")["clients"]}
    assert ids == {"alice", "id-three"}, ids
