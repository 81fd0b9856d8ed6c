"""Every shutdown reason a client can provoke, provoked by real bytes and read
back exactly through `emqxctl listeners --json` (test_ctl_listeners.py covers
normal, closed, keepalive_timeout, idle_timeout, proto_unexpected_c,
malformed_packet, takenover, discarded and kicked)."""
import socket
import time

from harness import RawClient, mqttbytes as mb, wait_until
from test_ctl_common import ctl_json, expect_shutdown_counts, pytestmark, shutdown_baseline, shutdown_counts  # noqa: F401


def test_frame_too_large(make_broker):
    b = make_broker(env={"EMQX_MQTT__MAX_PACKET_SIZE": "1KB"})
    base = shutdown_baseline(b)
    r = RawClient(b, 5)
    r.connect("big-1")
    r.send(mb.publish("t", b"x" * 2048, version=5))
    d = r.expect(mb.DISCONNECT)
    assert d.rc == 0x95
    r.expect_closed()
    expect_shutdown_counts(b, base, {"frame_too_large": 1})


def test_zero_remaining_len(broker):
    base = shutdown_baseline(broker)
    r = RawClient(broker, 4)
    r.connect("zero-1")
    r.send(b"\x82\x00")  # SUBSCRIBE with no body at all
    r.expect_closed()
    expect_shutdown_counts(broker, base, {"zero_remaining_len": 1})


def test_invalid_topic(broker):
    base = shutdown_baseline(broker)
    r = RawClient(broker, 5)
    r.connect("topic-1")
    r.send(mb.publish("a/+/b", b"x", version=5))
    d = r.expect(mb.DISCONNECT)
    assert d.rc == 0x90
    r.expect_closed()
    expect_shutdown_counts(broker, base, {"invalid_topic": 1})


def test_invalid_proto_name(broker):
    base = shutdown_baseline(broker)
    r = RawClient(broker, 4)
    r.send(mb.connect("proto-1", 4, proto_name="MQTX"))
    ack = r.expect(mb.CONNACK)
    assert ack.rc == 0x01
    r.expect_closed()
    expect_shutdown_counts(broker, base, {"invalid_proto_name": 1})


def test_unexpected_packet_before_connect(broker):
    base = shutdown_baseline(broker)
    r = RawClient(broker, 4)
    r.send(b"\x40\x02\x00\x01")  # a PUBACK where the CONNECT must be
    r.expect_closed()
    expect_shutdown_counts(broker, base, {"unexpected_packet": 1})


def test_protocol_error(broker):
    base = shutdown_baseline(broker)
    r = RawClient(broker, 5)
    r.connect("perr-1")
    r.send(mb.publish("t", b"x", qos=1, pid=0, version=5))  # QoS 1 needs a non-zero packet id
    d = r.expect(mb.DISCONNECT)
    assert d.rc == 0x82
    r.expect_closed()
    expect_shutdown_counts(broker, base, {"protocol_error": 1})


def test_client_identifier_not_valid(broker):
    base = shutdown_baseline(broker)
    r = RawClient(broker, 4)
    r.send(mb.connect("", 4, clean=False))  # 3.1.1: an empty id needs a clean session
    ack = r.expect(mb.CONNACK)
    assert ack.rc == 0x02
    r.expect_closed()
    expect_shutdown_counts(broker, base, {"client_identifier_not_valid": 1})


def stuck_reader_and_flooder(broker, suffix):
    """A QoS 0 subscriber of "flood" with a tiny receive buffer that never reads
    again, and a publisher; with the chunk to flood it with."""
    stuck = RawClient(broker, 4)
    stuck.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stuck.connect("stuck-" + suffix)
    stuck.subscribe("flood", qos=0)
    pub = RawClient(broker, 4)
    pub.connect("flooder-" + suffix)
    return stuck, pub, b"y" * (512 * 1024)


def test_etimedout_when_the_client_stops_reading(make_broker):
    b = make_broker(env={"EMQX_LISTENERS__TCP__DEFAULT__TCP_OPTIONS__SEND_TIMEOUT": "1s",
                         "EMQX_MQTT__MAX_PACKET_SIZE": "1MB"})
    base = shutdown_baseline(b)
    stuck, pub, chunk = stuck_reader_and_flooder(b, "1")
    for _ in range(64):
        pub.send(mb.publish("flood", chunk))
        if shutdown_counts(b).get("etimedout", 0) > base.get("etimedout", 0):
            break
    pub.send(mb.disconnect())
    pub.expect_closed()
    expect_shutdown_counts(b, base, {"etimedout": 1, "normal": 1}, timeout=10)
    # Logged at the default level, with who and why.
    line = b.log_line("clientid: stuck-1")
    assert "[warning]" in line and "msg: socket_error, reason: etimedout" in line, line
    assert "peername: 127.0.0.1:%d" % stuck.sock.getsockname()[1] in line, line
    assert "detail: send timeout: a write did not complete in 1000 ms" in line, line


def test_send_timeout_close_false_keeps_a_client_that_stopped_reading(make_broker):
    b = make_broker(env={"EMQX_LISTENERS__TCP__DEFAULT__TCP_OPTIONS__SEND_TIMEOUT": "1s",
                         "EMQX_LISTENERS__TCP__DEFAULT__TCP_OPTIONS__SEND_TIMEOUT_CLOSE": "false",
                         "EMQX_MQTT__MAX_PACKET_SIZE": "1MB"})
    base = shutdown_baseline(b)
    stuck, pub, chunk = stuck_reader_and_flooder(b, "2")

    def output_full():
        pub.send(mb.publish("flood", chunk))
        return ctl_json(b, "clients", "show", "stuck-2")["client"]["dropped_msgs"] > 0

    # Its output is at its bound (QoS 0 is dropped from here on): the write has stalled.
    wait_until(output_full, 20, interval=0.05, what="the stuck client's output to fill")
    stalled_at = time.monotonic()
    # Past two send timeouts it is still connected and nothing was counted.
    wait_until(lambda: time.monotonic() - stalled_at > 2.5, 5, interval=0.1, what="two send timeouts")
    assert ctl_json(b, "clients", "show", "stuck-2")["client"]["connected"] is True
    assert shutdown_counts(b).get("etimedout", 0) == base.get("etimedout", 0)
    pub.send(mb.disconnect())
    pub.expect_closed()
