"""QoS 1/2 flows: in-session redelivery with DUP=1, exactly-once, the inflight window."""
import time

from harness import Client, RawClient, mqttbytes as mb

RETRY_ENV = {"EMQX_MQTT__RETRY_INTERVAL": "1s"}


def _pub(broker, topic, payload, qos):
    p = Client(broker, "qpub", protocol=4)
    p.connect()
    p.publish(topic, payload, qos)
    return p


def test_unacked_qos1_is_redelivered_with_dup_after_retry_interval(make_broker):
    b = make_broker(env=RETRY_ENV)
    r = RawClient(b, 4)
    r.connect("retry1")
    r.subscribe("retry/t", 1)
    _pub(b, "retry/t", b"again", 1)
    first = r.expect(mb.PUBLISH)
    assert not first.dup and first.qos == 1
    t0 = time.monotonic()
    second = r.expect(mb.PUBLISH, timeout=3.0)
    assert time.monotonic() - t0 >= 0.5, "redelivered before retry_interval"
    assert second.dup, second
    assert (second.pid, second.topic, second.payload) == (first.pid, first.topic, first.payload)
    r.send(mb.ack(mb.PUBACK, first.pid))
    r.expect_no_packet(1.0)


def test_unacked_qos2_publish_and_pubrel_are_redelivered(make_broker):
    b = make_broker(env=RETRY_ENV)
    r = RawClient(b, 4)
    r.connect("retry2")
    r.subscribe("retry2/t", 2)
    _pub(b, "retry2/t", b"two", 2)
    first = r.expect(mb.PUBLISH)
    assert first.qos == 2 and not first.dup
    again = r.expect(mb.PUBLISH, timeout=3.0)
    assert again.dup and again.pid == first.pid
    r.send(mb.ack(mb.PUBREC, first.pid))
    rel = r.expect(mb.PUBREL)
    assert rel.raw == bytes([0x62, 0x02]) + first.pid.to_bytes(2, "big")
    rel2 = r.expect(mb.PUBREL, timeout=3.0)  # PUBCOMP not sent: PUBREL is resent
    assert rel2.pid == first.pid
    r.send(mb.ack(mb.PUBCOMP, first.pid))
    r.expect_no_packet(1.0)


def test_unacked_messages_redelivered_on_session_resume(broker):
    r = RawClient(broker, 4)
    r.connect("resume", clean=False)
    r.subscribe("resume/t", 1)
    _pub(broker, "resume/t", b"unacked", 1)
    first = r.expect(mb.PUBLISH)
    r.close()
    r2 = RawClient(broker, 4)
    assert r2.connect("resume", clean=False).session_present
    again = r2.expect(mb.PUBLISH)
    assert again.dup and again.payload == b"unacked" and again.pid == first.pid
    r2.send(mb.ack(mb.PUBACK, again.pid))
    r2.expect_no_packet(0.3)


def test_inbound_qos2_is_delivered_exactly_once_despite_duplicate_publish(broker):
    s = Client(broker, "eo-sub", protocol=4)
    s.connect()
    s.subscribe("eo/t", 2)
    r = RawClient(broker, 4)
    r.connect("eo-pub")
    r.publish("eo/t", b"once", qos=2, pid=7)
    assert r.expect(mb.PUBREC).pid == 7
    r.publish("eo/t", b"once", qos=2, pid=7, dup=True)  # the client did not see the PUBREC
    assert r.expect(mb.PUBREC).pid == 7
    r.send(mb.ack(mb.PUBREL, 7))
    assert r.expect(mb.PUBCOMP).pid == 7
    r.send(mb.ack(mb.PUBREL, 7))  # a repeated PUBREL is answered, nothing is re-published
    assert r.expect(mb.PUBCOMP).pid == 7
    assert s.wait_message().payload == b"once"
    s.expect_no_message(0.7)


def test_outbound_qos2_full_flow(broker):
    r = RawClient(broker, 4)
    r.connect("q2-out")
    r.subscribe("q2o/t", 2)
    _pub(broker, "q2o/t", b"x", 2)
    p = r.expect(mb.PUBLISH)
    assert p.qos == 2
    r.send(mb.ack(mb.PUBREC, p.pid))
    rel = r.expect(mb.PUBREL)
    assert rel.raw == bytes([0x62, 0x02]) + p.pid.to_bytes(2, "big")
    r.send(mb.ack(mb.PUBCOMP, p.pid))
    r.expect_no_packet(0.5)


def test_inflight_window_limits_unacked_deliveries(make_broker):
    b = make_broker(env={"EMQX_MQTT__MAX_INFLIGHT": "2"})
    r = RawClient(b, 4)
    r.connect("window")
    r.subscribe("win/t", 1)
    p = Client(b, "winpub", protocol=4)
    p.connect()
    for i in range(5):
        p.publish("win/t", b"%d" % i, 1)
    a = r.expect(mb.PUBLISH)
    c = r.expect(mb.PUBLISH)
    assert [a.payload, c.payload] == [b"0", b"1"]
    r.expect_no_packet(0.5)
    r.send(mb.ack(mb.PUBACK, a.pid))
    assert r.expect(mb.PUBLISH).payload == b"2"
    r.expect_no_packet(0.3)


def test_packet_ids_are_distinct_among_inflight(broker):
    r = RawClient(broker, 4)
    r.connect("pids")
    r.subscribe("pids/t", 1)
    p = Client(broker, "pidpub", protocol=4)
    p.connect()
    for i in range(20):
        p.publish("pids/t", b"%d" % i, 1)
    pids = [r.expect(mb.PUBLISH).pid for _ in range(20)]
    assert len(set(pids)) == 20 and 0 not in pids
