"""Will messages: abnormal close, normal DISCONNECT, 0x04, Will Delay Interval, keepalive timeout."""
import time

import pytest

from harness import Client, RawClient, mqttbytes as mb


def _watcher(broker, topic="will/#"):
    w = Client(broker, "watcher", protocol=5)
    w.connect()
    w.subscribe(topic, 1)
    return w


@pytest.mark.parametrize("protocol", [3, 4, 5])
def test_will_published_on_abnormal_close(broker, protocol):
    w = _watcher(broker)
    c = Client(broker, "dies-%d" % protocol, protocol=protocol,
               will={"topic": "will/%d" % protocol, "payload": b"gone", "qos": 1})
    c.connect()
    c.close_abruptly()
    m = w.wait_message()
    assert (m.topic, m.payload, m.qos) == ("will/%d" % protocol, b"gone", 1)


@pytest.mark.parametrize("protocol", [4, 5])
def test_no_will_on_normal_disconnect(broker, protocol):
    w = _watcher(broker)
    c = Client(broker, "polite-%d" % protocol, protocol=protocol, will={"topic": "will/x", "payload": b"no"})
    c.connect()
    c.disconnect(rc=0)
    w.expect_no_message(0.7)


def test_disconnect_0x04_publishes_will(broker):
    w = _watcher(broker)
    c = Client(broker, "wants-will", protocol=5, will={"topic": "will/04", "payload": b"with-will"})
    c.connect()
    c.disconnect(rc=0x04)
    m = w.wait_message()
    assert (m.topic, m.payload) == ("will/04", b"with-will")


def test_will_retain_flag_stores_retained(broker):
    # The watcher proves the will was published (the retained store is written before routing);
    # only then does a new subscriber ask, so what it gets is the retained copy, never a live one.
    w = _watcher(broker, "will/ret")
    c = Client(broker, "retwill", protocol=4, will={"topic": "will/ret", "payload": b"R", "retain": True})
    c.connect()
    c.close_abruptly()
    assert w.wait_message().payload == b"R"
    late = Client(broker, "late", protocol=4)
    late.connect()
    late.subscribe("will/ret", 0)
    m = late.wait_message()
    assert (m.payload, m.retain) == (b"R", True)


def test_will_properties_passed_through(broker):
    w = _watcher(broker)
    c = Client(broker, "willprops", protocol=5,
               will={"topic": "will/p", "payload": b"p",
                     "props": {"ContentType": "text/plain", "UserProperty": [("k", "v")]}})
    c.connect()
    c.close_abruptly()
    m = w.wait_message()
    assert m.props.get("ContentType") == "text/plain", m.props
    assert ["k", "v"] in [list(x) for x in m.props.get("UserProperty", [])], m.props


def test_will_delay_interval_delays_the_will(broker):
    w = _watcher(broker)
    c = Client(broker, "delayed", protocol=5, clean=True, connect_props={"SessionExpiryInterval": 30},
               will={"topic": "will/delay", "payload": b"late", "props": {"WillDelayInterval": 2}})
    c.connect()
    t0 = time.monotonic()
    c.close_abruptly()
    w.expect_no_message(1.0)
    m = w.wait_message(4)
    elapsed = time.monotonic() - t0
    assert m.payload == b"late"
    assert 1.5 <= elapsed <= 4.5, elapsed


def test_will_delay_cancelled_by_reconnect(broker):
    w = _watcher(broker)
    c = Client(broker, "comeback", protocol=5, connect_props={"SessionExpiryInterval": 30},
               will={"topic": "will/cancel", "payload": b"no", "props": {"WillDelayInterval": 2}})
    c.connect()
    c.close_abruptly()
    c2 = Client(broker, "comeback", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 30})
    assert c2.connect().session_present
    w.expect_no_message(1.0)
    w.expect_no_message(1.0)
    w.expect_no_message(1.0)


def test_will_delay_longer_than_session_expiry_fires_at_session_end(broker):
    w = _watcher(broker)
    c = Client(broker, "shortsess", protocol=5, connect_props={"SessionExpiryInterval": 1},
               will={"topic": "will/sess", "payload": b"s", "props": {"WillDelayInterval": 60}})
    c.connect()
    t0 = time.monotonic()
    c.close_abruptly()
    m = w.wait_message(4)
    assert m.payload == b"s"
    assert time.monotonic() - t0 < 4


def test_keepalive_1_closes_and_sends_will_within_3s(broker):
    w = _watcher(broker)
    r = RawClient(broker, 4)
    r.connect("silent", keepalive=1, will={"topic": "will/ka", "payload": b"timeout"})
    t0 = time.monotonic()
    r.expect_closed(timeout=3.0)
    m = w.wait_message(max(0.1, 3.0 - (time.monotonic() - t0)))
    assert m.payload == b"timeout"
    assert time.monotonic() - t0 <= 3.2


def test_keepalive_kept_alive_by_pings(broker):
    r = RawClient(broker, 4)
    r.connect("pinger", keepalive=1)
    end = time.monotonic() + 3.5
    while time.monotonic() < end:
        r.send(mb.PINGREQ_BYTES)
        assert r.read_packet(timeout=1).raw == b"\xd0\x00"
        r.expect_no_packet(0.5)


def test_v5_keepalive_timeout_disconnects_0x8d(broker):
    w = _watcher(broker)
    r = RawClient(broker, 5)
    r.connect("silent5", keepalive=1, will={"topic": "will/ka5", "payload": b"t5"})
    t0 = time.monotonic()
    d = r.expect(mb.DISCONNECT, timeout=3.0)
    assert d.rc == 0x8D, d
    r.expect_closed(timeout=1.0)
    assert w.wait_message(max(0.1, 3.2 - (time.monotonic() - t0))).payload == b"t5"
