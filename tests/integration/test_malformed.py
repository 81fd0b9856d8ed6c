"""Malformed and hostile input: the connection is rejected, the broker keeps serving.

v5: DISCONNECT with EMQX's reason code, then close. v3.1.1: close. Each is logged
at warning (the default level) with the client id, the peer and the reason,
throttled so that a flood cannot fill the disk. (PUBLISH with QoS 3 or DUP on
QoS 0: test_strict_mode.py.)
"""
import re

import pytest

from harness import Client, RawClient, wait_until, mqttbytes as mb


def _still_serving(broker):
    c = Client(broker, "good-client", protocol=4)
    c.connect()
    c.subscribe("alive/t", 1)
    c.publish("alive/t", b"ok", 1)
    assert c.wait_message().payload == b"ok"
    c.disconnect()


# name -> raw bytes sent after a successful CONNECT
MALFORMED = {
    # SUBSCRIBE's fixed-header flags must be 0010
    "subscribe_bad_flags": b"\x80\x08\x00\x01\x00\x03a/b\x00",
    # topic length runs past the end of the packet
    "publish_topic_overrun": b"\x30\x05\x00\x09abc",
    # SUBSCRIBE options byte with reserved bits set
    "subscribe_reserved_option_bits": b"\x82\x08\x00\x01\x00\x03a/b\xc0",
    # packet type 0 is reserved
    "reserved_packet_type": b"\x00\x00",
    # PUBACK too short
    "puback_truncated": b"\x40\x01\x00",
    # PINGREQ with a body
    "pingreq_with_body": b"\xc0\x01\x00",
}

V5_ONLY = {
    # property length longer than the packet
    "publish_property_overrun": b"\x30\x08\x00\x03a/b\x09\x01\x01",
    # unknown property id 0x7f
    "publish_unknown_property": b"\x30\x09\x00\x03a/b\x02\x7f\x00x",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_v311_malformed_packet_closes_connection(broker, name):
    r = RawClient(broker, 4)
    r.connect("mal4-" + name)
    r.send(MALFORMED[name])
    r.expect_closed()
    _still_serving(broker)


@pytest.mark.parametrize("name", sorted(list(MALFORMED) + list(V5_ONLY)))
def test_v5_malformed_packet_gets_disconnect_0x81_then_close(broker, name):
    r = RawClient(broker, 5)
    r.connect("mal5-" + name)
    r.send(MALFORMED.get(name) or V5_ONLY[name])
    seen = r.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x81], "%s: expected DISCONNECT 0x81 then close, got %r" % (name, seen)
    _still_serving(broker)


def test_remaining_length_of_five_bytes_closes(broker):
    r = RawClient(broker, 5)
    r.connect("rl5")
    r.send(b"\x30\xff\xff\xff\xff\x7f")
    seen = r.expect_closed(allow=(mb.DISCONNECT,))
    assert all(p.rc in (0x81, 0x95) for p in seen), seen
    _still_serving(broker)


def test_oversized_remaining_length_rejected_at_fixed_header(make_broker):
    """The broker must not wait for (or buffer) a body bigger than max_packet_size."""
    b = make_broker(env={"EMQX_MQTT__MAX_PACKET_SIZE": "1KB"})
    r = RawClient(b, 5)
    r.connect("huge-header")
    peer = "127.0.0.1:%d" % r.sock.getsockname()[1]
    r.send(b"\x30" + mb.varint(200 * 1024 * 1024))  # 200 MB announced, nothing sent
    seen = r.expect_closed(timeout=3, allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x95], seen
    line = b.log_line("clientid: huge-header")
    assert "peername: %s" % peer in line and "reason: frame_too_large" in line, line
    assert "exceeds the maximum of 1024" in line, line
    _still_serving(b)


def test_oversized_remaining_length_v311_closes(make_broker):
    b = make_broker(env={"EMQX_MQTT__MAX_PACKET_SIZE": "1KB"})
    r = RawClient(b, 4)
    r.connect("huge-header4")
    r.send(b"\x30" + mb.varint(5000))
    r.expect_closed(timeout=3)
    _still_serving(b)


def test_connect_over_max_packet_size_is_rejected(make_broker):
    b = make_broker(env={"EMQX_MQTT__MAX_PACKET_SIZE": "1KB"})
    r = RawClient(b, 4)
    r.send(mb.connect("big-connect", 4, will={"topic": "w", "payload": b"x" * 4000}))
    r.expect_closed(timeout=3, allow=(mb.CONNACK,))
    _still_serving(b)


def test_malformed_connect_closes(broker):
    r = RawClient(broker, 4)
    # CONNECT whose client id length runs past the end
    r.send(b"\x10\x0e\x00\x04MQTT\x04\x02\x00\x3c\x00\x20ab")
    r.expect_closed(allow=(mb.CONNACK,))
    _still_serving(broker)


def test_connect_reserved_flag_set_closes(broker):
    r = RawClient(broker, 4)
    pkt = bytearray(mb.connect("reserved", 4))
    pkt[9] |= 0x01  # connect flags: reserved bit
    r.send(bytes(pkt))
    r.expect_closed(allow=(mb.CONNACK,))
    _still_serving(broker)


def test_garbage_before_connect_closes(broker):
    r = RawClient(broker, 4)
    r.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    r.expect_closed()
    _still_serving(broker)


def test_packets_split_byte_by_byte(broker):
    r = RawClient(broker, 4)
    for byte in mb.connect("split", 4):
        r.send(bytes([byte]))
    assert r.read_packet().raw == b"\x20\x02\x00\x00"
    for byte in mb.subscribe(1, [("split/t", 1)]):
        r.send(bytes([byte]))
    assert r.expect(mb.SUBACK).reason_codes == [1]
    for byte in mb.publish("split/t", b"pieces", qos=1, pid=5):
        r.send(bytes([byte]))
    got = [r.read_packet(), r.read_packet()]
    types = sorted(p.type for p in got)
    assert types == [mb.PUBLISH, mb.PUBACK], got


def test_packets_coalesced_in_one_write(broker):
    r = RawClient(broker, 4)
    blob = (mb.connect("coalesced", 4) + mb.subscribe(1, [("co/t", 0)]) + mb.publish("co/t", b"a")
            + mb.publish("co/t", b"b") + mb.PINGREQ_BYTES)
    r.send(blob)
    assert r.read_packet().raw == b"\x20\x02\x00\x00"
    assert r.expect(mb.SUBACK).reason_codes == [0]
    assert r.expect(mb.PUBLISH).payload == b"a"
    assert r.expect(mb.PUBLISH).payload == b"b"
    assert r.read_packet().raw == b"\xd0\x00"


def test_malformed_packet_is_logged_with_client_id_peer_and_reason(broker):
    r = RawClient(broker, 4)
    r.connect("log-me")
    peer = "127.0.0.1:%d" % r.sock.getsockname()[1]
    r.send(MALFORMED["subscribe_reserved_option_bits"])
    r.expect_closed()
    line = broker.log_line("clientid: log-me")
    assert "[warning]" in line, line  # the default level, with no configuration
    assert "peername: %s" % peer in line, line
    assert "msg: frame_parse_error, reason: malformed_packet" in line, line
    assert "detail: subscription options reserved bits set" in line, line


def test_a_client_id_cannot_forge_a_log_line(broker):
    r = RawClient(broker, 4)
    r.connect("evil\n2026-01-01T00:00:00 [warning] forged")
    r.send(MALFORMED["pingreq_with_body"])
    r.expect_closed()
    line = broker.log_line("clientid: evil")
    assert "clientid: evil\\x0a2026-01-01T00:00:00 [warning] forged, peername:" in line, line
    assert not any(l.startswith("2026-01-01T00:00:00") for l in broker.log().splitlines())


def test_a_flood_of_bad_connections_logs_a_bounded_number_of_lines(make_broker):
    """Per worker and throttling window, the first 10 lines are written and the rest counted
    into one summary line: every error is accounted for, few lines are written."""
    workers, flood = 2, 200
    b = make_broker(env={"EMQX_NODE__WORKERS": str(workers), "EMQX_LOG__THROTTLING__TIME_WINDOW": "2s"})
    for i in range(flood):
        r = RawClient(b, 4)
        r.send(b"\x10\xff\xff\xff\xff\xff")  # a remaining length of five bytes
        r.expect_closed()
        r.close()

    def written():
        return [l for l in b.log().splitlines() if "msg: frame_parse_error" in l]

    def dropped():
        return sum(int(n) for n in re.findall(r"dropped: (\d+), period: 2000 ms \(\d+ similar messages suppressed\)",
                                              b.log()))

    wait_until(lambda: len(written()) + dropped() == flood, 10, what="every error written or summed up")
    windows = len(re.findall(r"similar messages suppressed", b.log()))
    assert 1 <= windows and len(written()) <= 10 * (workers + windows), (len(written()), windows)
    assert all("reason: malformed_packet" in l and "remaining length over 4 bytes" in l for l in written())
    _still_serving(b)


def test_many_bad_clients_then_good_client(broker):
    for i in range(20):
        r = RawClient(broker, 4)
        r.send(b"\x10\xff\xff\xff\xff\xff" if i % 2 else b"\xf0\x00")
        r.expect_closed()
    _still_serving(broker)
