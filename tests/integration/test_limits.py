"""Limits and overload (docs/security.md): max_conn_rate pauses accepting,
messages_rate / bytes_rate pause reading one client, max_conn_per_username
refuses the connection beyond the cap.

Rates are measured from arrival times at real clients: the buckets start full
(one period's amount is the burst), so the steady rate is taken over a window
that starts once the burst is through.
"""
import select
import socket
import time

import pytest

from harness import RawClient, mqttbytes as mb
from harness.broker import is_mosquitto
from test_ctl_common import expect_shutdown_counts, shutdown_baseline, wait_current_conn
from test_ws import RawWs, ws_broker

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's limits")

TOLERANCE = 0.10


def within(measured, limit):
    return abs(measured - limit) <= TOLERANCE * limit


# -- max_conn_rate ---------------------------------------------------------------------------

def test_max_conn_rate_paces_accepts_and_keeps_the_backlog(make_broker):
    broker = make_broker(env={"EMQX_LISTENERS__TCP__DEFAULT__MAX_CONN_RATE": "20/s"})
    wait_current_conn(broker, 0)
    n = 60
    socks = []
    start = time.monotonic()
    for i in range(n):
        s = socket.create_connection((broker.host, broker.port), timeout=10)
        s.sendall(mb.connect("rate-%d" % i, 4))
        socks.append(s)
    sent = time.monotonic() - start
    connack_at = {}
    bufs = {s: b"" for s in socks}
    deadline = time.monotonic() + 10
    while len(connack_at) < n and time.monotonic() < deadline:
        waiting = [s for s in socks if s not in connack_at]
        r, _, _ = select.select(waiting, [], [], max(0.0, deadline - time.monotonic()))
        now = time.monotonic()
        for s in r:
            bufs[s] += s.recv(16)
            if len(bufs[s]) >= 4:
                assert bufs[s][:4] == b"\x20\x02\x00\x00", bufs[s]  # CONNACK accepted
                connack_at[s] = now - start
    try:
        assert len(connack_at) == n, "only %d of %d connections were accepted" % (len(connack_at), n)
        times = sorted(connack_at.values())
        # The burst: one period's amount (20) at once.
        assert times[19] < 0.5, times
        # Then 20/s: measured from the 25th to the 60th CONNACK.
        rate = (n - 1 - 24) / (times[-1] - times[24])
        print("max_conn_rate 20/s: connects sent in %.3fs, burst of 20 by %.3fs, then %.2f/s" % (sent, times[19], rate))
        assert within(rate, 20), "accept rate %.2f/s, expected 20/s +-10%% (times %r)" % (rate, times)
    finally:
        for s in socks:
            s.close()


# -- messages_rate / bytes_rate ----------------------------------------------------------------

class Flood:
    """One select loop: a publisher writing PUBLISH packets as fast as the broker
    takes them, a subscriber timing each message it receives, and a probe client
    (its own rates untouched) doing publish -> receive round trips."""

    def __init__(self, broker, payload, version=4):
        self.broker = broker
        self.payload = payload
        self.sub = RawClient(broker)
        self.sub.connect("flood-sub")
        self.sub.subscribe("flood/t")
        self.probe = RawClient(broker)
        self.probe.connect("flood-probe")
        self.probe.subscribe("flood/probe")
        self.pub = RawClient(broker)
        self.pub.connect("flood-pub")
        self.packet = mb.publish("flood/t", payload)
        self.arrivals = []   # subscriber receive times, one per PUBLISH
        self.rtts = []

    def run(self, seconds):
        pub = self.pub.sock
        pub.setblocking(False)
        chunk = self.packet * max(1, 65536 // len(self.packet))
        out = memoryview(chunk)
        sub = self.sub.sock
        sub_buf = bytearray(self.sub.buf)
        probe = self.probe.sock
        probe_sent_at = None
        next_probe = 0.0
        start = time.monotonic()
        end = start + seconds
        while True:
            now = time.monotonic()
            if now >= end:
                break
            if probe_sent_at is None and now - start >= next_probe:
                probe.sendall(mb.publish("flood/probe", b"ping"))
                probe_sent_at = now
            r, w, _ = select.select([sub, probe], [pub], [], max(0.0, min(end - now, 0.05)))
            if pub in w:
                try:
                    sent = pub.send(out)
                    out = out[sent:] if sent < len(out) else memoryview(chunk)
                except BlockingIOError:
                    pass
            now = time.monotonic()
            if sub in r:
                data = sub.recv(262144)
                assert data, "subscriber closed"
                sub_buf += data
                pos = 0
                while len(sub_buf) - pos >= 2:
                    rl, hdr_end = mb.decode_varint(sub_buf, pos + 1)
                    if len(sub_buf) - hdr_end < rl:
                        break
                    assert sub_buf[pos] >> 4 == mb.PUBLISH
                    self.arrivals.append(now - start)
                    pos = hdr_end + rl
                del sub_buf[:pos]
            if probe in r:
                p = self.probe.read_packet(timeout=5)
                assert p.type == mb.PUBLISH and p.payload == b"ping", p
                self.rtts.append(now - probe_sent_at)
                probe_sent_at = None
                next_probe = now - start + 0.1

    def steady_rate(self, t0, t1):
        """Messages per second that reached the subscriber in [t0, t1)."""
        return sum(1 for t in self.arrivals if t0 <= t < t1) / (t1 - t0)


def test_messages_rate_paces_a_flooding_publisher(make_broker):
    broker = make_broker(env={"EMQX_LISTENERS__TCP__DEFAULT__MESSAGES_RATE": "200/s"})
    base = shutdown_baseline(broker)
    f = Flood(broker, b"x" * 16)
    f.run(4.0)
    rate = f.steady_rate(1.0, 4.0)
    print("messages_rate 200/s: %d received, first second %d, steady %.1f/s; probe rtt max %.1f ms over %d"
          % (len(f.arrivals), sum(1 for t in f.arrivals if t < 1.0), rate, max(f.rtts) * 1000, len(f.rtts)))
    assert within(rate, 200), "subscriber got %.1f msg/s, expected 200/s +-10%%" % rate
    # The other client on the same listener has its own buckets: it is not held up.
    assert len(f.rtts) >= 20 and max(f.rtts) < 0.25, f.rtts
    # Paused, not refused: nobody was disconnected.
    expect_shutdown_counts(broker, base, {})


def test_bytes_rate_paces_a_flooding_publisher(make_broker):
    broker = make_broker(env={"EMQX_LISTENERS__TCP__DEFAULT__BYTES_RATE": "100KB/s"})
    f = Flood(broker, b"y" * 1024)
    f.run(4.0)
    wire = len(f.packet)  # bytes the publisher's socket delivers per message
    rate = f.steady_rate(1.0, 4.0) * wire
    print("bytes_rate 100KB/s: steady %.1f KiB/s (%d-byte packets); probe rtt max %.1f ms over %d"
          % (rate / 1024, wire, max(f.rtts) * 1000, len(f.rtts)))
    assert within(rate, 100 * 1024), "publisher read at %.1f KiB/s, expected 100 KiB/s +-10%%" % (rate / 1024)
    assert len(f.rtts) >= 20 and max(f.rtts) < 0.25, f.rtts


def test_messages_rate_over_websocket_resumes_on_buffered_packets():
    """30 PUBLISH packets in one WebSocket frame, messages_rate 10/s: 10 go at
    once, the other 20 wait decoded in the connection's buffer. No byte more
    arrives from the socket, so each resume must parse what is buffered."""
    with ws_broker(EMQX_LISTENERS__WS__DEFAULT__MESSAGES_RATE="10/s") as b:
        sub = RawClient(b)  # on the tcp listener: unlimited
        sub.connect("ws-rate-sub")
        sub.subscribe("wsrate/t")
        ws = RawWs(b.ws_port)
        assert ws.ok, ws.response
        ws.send(0x2, mb.connect("ws-rate-pub", version=4))
        assert ws.recv_mqtt()[:1] == b"\x20"  # CONNACK
        ws.send(0x2, b"".join(mb.publish("wsrate/t", b"%d" % i) for i in range(30)))
        start = time.monotonic()
        times = []
        for i in range(30):
            p = sub.expect(mb.PUBLISH, timeout=5)
            assert p.payload == b"%d" % i, p  # none dropped, in order
            times.append(time.monotonic() - start)
        rate = 19 / (times[29] - times[10])
        print("messages_rate 10/s over ws: 10 by %.3fs, then %.2f/s" % (times[9], rate))
        assert times[9] < 0.5, times
        assert within(rate, 10), "rate %.2f/s, expected 10/s +-10%% (%r)" % (rate, times)


def test_paused_publisher_is_not_kicked_by_keepalive(make_broker):
    """keepalive 1 s (x 1.5) and a messages_rate pause of 3 s: the client sent
    its packets before the pause, so the pause must not count as its silence."""
    broker = make_broker(env={"EMQX_LISTENERS__TCP__DEFAULT__MESSAGES_RATE": "1/3s"})
    base = shutdown_baseline(broker)
    sub = RawClient(broker)
    sub.connect("ka-sub")
    sub.subscribe("ka/t")
    pub = RawClient(broker)
    pub.connect("ka-pub", keepalive=1)
    pub.send(mb.publish("ka/t", b"1") + mb.publish("ka/t", b"2"))  # the second waits ~3 s
    start = time.monotonic()
    assert sub.expect(mb.PUBLISH, timeout=5).payload == b"1"
    assert sub.expect(mb.PUBLISH, timeout=5).payload == b"2"
    took = time.monotonic() - start
    assert 2.7 <= took < 4.0, "the second message came after %.2fs, expected ~3s" % took
    assert pub.is_open(0.1)
    expect_shutdown_counts(broker, base, {})


# -- mqtt.max_conn_per_username --------------------------------------------------------------

def test_max_conn_per_username(make_broker):
    broker = make_broker(env={"EMQX_MQTT__MAX_CONN_PER_USERNAME": "2"})
    base = shutdown_baseline(broker)
    c1 = RawClient(broker, version=5)
    c1.connect("u-1", username="alice")
    c2 = RawClient(broker, version=5)
    c2.connect("u-2", username="alice")

    c3 = RawClient(broker, version=5)
    c3.connect("u-3", username="alice", expect_rc=0x97)  # Quota exceeded
    c3.expect_closed()
    c4 = RawClient(broker, version=4)
    c4.connect("u-4", username="alice", expect_rc=0x03)  # 3.1.1: server unavailable
    c4.expect_closed()
    expect_shutdown_counts(broker, base, {"quota_exceeded": 2})

    # Another username is not affected.
    RawClient(broker, version=5).connect("u-5", username="bob")

    # A takeover replaces a connection: it does not need a free slot.
    c2b = RawClient(broker, version=5)
    c2b.connect("u-2", clean=False, username="alice")
    assert c2.expect(mb.DISCONNECT).rc == 0x8E

    # One leaves; once its close is through, another may come in (and no third).
    c1.send(mb.disconnect(5))
    c1.expect_closed()
    expect_shutdown_counts(broker, base, {"quota_exceeded": 2, "takenover": 1, "normal": 1})
    c6 = RawClient(broker, version=5)
    c6.connect("u-6", username="alice")
    RawClient(broker, version=5).connect("u-7", username="alice", expect_rc=0x97)
    expect_shutdown_counts(broker, base, {"quota_exceeded": 3, "takenover": 1, "normal": 1})
