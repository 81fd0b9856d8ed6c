"""Sessions: persistence while offline, session present, expiry, mqueue overflow, takeover."""
import time

import pytest

from harness import Client, RawClient, mqttbytes as mb


def _publisher(broker, cid="pub"):
    p = Client(broker, cid, protocol=4)
    p.connect()
    return p


@pytest.mark.parametrize("protocol", [4, 5])
def test_persistent_session_queues_offline_messages_in_order(broker, protocol):
    props = {"SessionExpiryInterval": 60} if protocol == 5 else None
    c = Client(broker, "persist-%d" % protocol, protocol=protocol, clean=False, connect_props=props)
    assert c.connect().session_present is False
    c.subscribe("sess/t", 1)
    c.disconnect()
    p = _publisher(broker)
    for i in range(50):
        p.publish("sess/t", b"%d" % i, 1)
    c2 = Client(broker, "persist-%d" % protocol, protocol=protocol, clean=False, connect_props=props)
    assert c2.connect().session_present is True
    msgs = c2.wait_messages(50)
    assert [int(m.payload) for m in msgs] == list(range(50))
    c2.expect_no_message(0.3)


def test_session_present_flag(broker):
    def conn(clean):
        c = Client(broker, "sp", protocol=4, clean=clean)
        ack = c.connect()
        c.disconnect()
        return ack.session_present

    assert conn(False) is False  # new session
    assert conn(False) is True   # resumed
    assert conn(True) is False   # clean session discards it
    assert conn(False) is False  # and the next one is new again


def test_v311_clean_session_1_discards_subscriptions(broker):
    c = Client(broker, "discard", protocol=4, clean=False)
    c.connect()
    c.subscribe("disc/t", 1)
    c.disconnect()
    c2 = Client(broker, "discard", protocol=4, clean=True)
    c2.connect()
    _publisher(broker).publish("disc/t", b"x", 1)
    c2.expect_no_message(0.5)


def test_v5_session_expiry_0_ends_session_at_disconnect(broker):
    c = Client(broker, "exp0", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 0})
    c.connect()
    c.subscribe("exp0/t", 1)
    c.disconnect()
    c2 = Client(broker, "exp0", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 60})
    assert c2.connect().session_present is False


def test_v5_session_expiry_interval_ends_the_session(broker):
    c = Client(broker, "exp1", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 1})
    c.connect()
    c.subscribe("exp1/t", 1)
    c.disconnect()
    _publisher(broker).publish("exp1/t", b"lost", 1)
    time.sleep(2.0)  # the behaviour under test is this timer (1 s) running out
    c2 = Client(broker, "exp1", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 60})
    assert c2.connect().session_present is False
    c2.expect_no_message(0.5)


def test_v5_session_survives_within_expiry_interval(broker):
    c = Client(broker, "exp5", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 5})
    c.connect()
    c.subscribe("exp5/t", 1)
    c.disconnect()
    _publisher(broker).publish("exp5/t", b"kept", 1)
    c2 = Client(broker, "exp5", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 5})
    assert c2.connect().session_present is True
    assert c2.wait_message().payload == b"kept"


def test_v5_disconnect_can_shorten_session_expiry_to_zero(broker):
    c = Client(broker, "expdisc", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 60})
    c.connect()
    c.subscribe("ed/t", 1)
    c.disconnect(props={"SessionExpiryInterval": 0})
    c2 = Client(broker, "expdisc", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 60})
    assert c2.connect().session_present is False


def test_mqueue_overflow_drops_oldest(make_broker):
    b = make_broker(env={"EMQX_MQTT__MAX_MQUEUE_LEN": "10"})
    c = Client(b, "mq", protocol=4, clean=False)
    c.connect()
    c.subscribe("mq/t", 1)
    c.disconnect()
    p = _publisher(b)
    for i in range(25):
        p.publish("mq/t", b"%d" % i, 1)
    c2 = Client(b, "mq", protocol=4, clean=False)
    assert c2.connect().session_present
    msgs = c2.wait_messages(10)
    assert [int(m.payload) for m in msgs] == list(range(15, 25))
    c2.expect_no_message(0.5)


def test_mqueue_stores_qos0_by_default(make_broker):
    b = make_broker(env={"EMQX_MQTT__MAX_MQUEUE_LEN": "10"})
    c = Client(b, "mq0", protocol=4, clean=False)
    c.connect()
    c.subscribe("mq0/t", 0)
    c.disconnect()
    p = _publisher(b)
    for i in range(3):
        p.publish("mq0/t", b"%d" % i, 0)
    p.publish("mq0/t", b"end", 1)
    c2 = Client(b, "mq0", protocol=4, clean=False)
    c2.connect()
    assert [m.payload for m in c2.wait_messages(4)] == [b"0", b"1", b"2", b"end"]


def test_mqueue_store_qos0_false_does_not_queue_qos0(make_broker):
    b = make_broker(env={"EMQX_MQTT__MQUEUE_STORE_QOS0": "false"})
    c = Client(b, "mqn", protocol=4, clean=False)
    c.connect()
    c.subscribe("mqn/t", 1)
    c.disconnect()
    p = _publisher(b)
    p.publish("mqn/t", b"q0", 0)
    p.publish("mqn/t", b"q1", 1)
    c2 = Client(b, "mqn", protocol=4, clean=False)
    c2.connect()
    assert c2.wait_message().payload == b"q1"
    c2.expect_no_message(0.5)


def test_takeover_v5_old_connection_gets_0x8e_and_session_moves(broker):
    old = RawClient(broker, 5)
    old.connect("tk", clean=True, props={"session_expiry_interval": 60, "receive_maximum": 1})
    old.subscribe("tk/t", 1)
    p = _publisher(broker)
    for i in range(4):
        p.publish("tk/t", b"m%d" % i, 1)
    first = old.expect(mb.PUBLISH)  # inflight (never acked); the rest wait in the mqueue (receive max 1)
    assert first.payload == b"m0"
    old.expect_no_packet(0.3)

    new = RawClient(broker, 5)
    ack = new.connect("tk", clean=False, props={"session_expiry_interval": 60})
    assert ack.session_present, ack
    d = old.expect(mb.DISCONNECT)
    assert d.rc == 0x8E, d
    old.expect_closed()

    got = []
    while len(got) < 4:
        pk = new.expect(mb.PUBLISH)
        got.append(pk)
        new.send(mb.ack(mb.PUBACK, pk.pid, 5))
    assert [g.payload for g in got] == [b"m0", b"m1", b"m2", b"m3"]
    assert got[0].dup, "the inflight message is redelivered with DUP=1: %r" % got[0]
    new.expect_no_packet(0.3)


def test_takeover_v311_old_connection_closed(broker):
    old = RawClient(broker, 4)
    old.connect("tk4", clean=False)
    old.subscribe("tk4/t", 1)
    new = RawClient(broker, 4)
    ack = new.connect("tk4", clean=False)
    assert ack.session_present
    old.expect_closed()
    _publisher(broker).publish("tk4/t", b"after", 1)
    pk = new.expect(mb.PUBLISH)
    assert pk.payload == b"after"


def test_takeover_with_clean_start_gives_fresh_session(broker):
    old = RawClient(broker, 5)
    old.connect("tkc", props={"session_expiry_interval": 60})
    old.subscribe("tkc/t", 1)
    new = RawClient(broker, 5)
    ack = new.connect("tkc", clean=True)
    assert not ack.session_present
    d = old.expect(mb.DISCONNECT)
    assert d.rc == 0x8E
    _publisher(broker).publish("tkc/t", b"x", 1)
    new.expect_no_packet(0.5)
