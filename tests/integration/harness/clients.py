"""Test clients: a paho wrapper with waitable events, mosquitto_pub/sub runners
and a raw-socket client for byte-exact protocol tests.

Nothing here sleeps and hopes: every wait has a condition and a deadline. The
only unconditional wait is expect_no_message(window), a short quiet window
(<= 1 s) used to show that something does NOT arrive.
"""
import os
import queue
import select
import socket
import subprocess
import threading
import time

import paho.mqtt.client as paho
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCodes
from paho.mqtt.subscribeoptions import SubscribeOptions

from . import mqttbytes as mb
from .broker import wait_until

DEFAULT_TIMEOUT = 5.0
MAX_QUIET_WINDOW = 1.0

PROTOCOLS = {3: paho.MQTTv31, 4: paho.MQTTv311, 5: paho.MQTTv5}


def _rc(value):
    """paho gives ints or ReasonCodes objects; tests compare ints."""
    if value is None:
        return None
    if isinstance(value, ReasonCodes):
        return value.value
    return int(value)


def make_props(ptype, props):
    """props: dict of paho property names (e.g. {'SessionExpiryInterval': 10}) -> Properties."""
    if props is None:
        return None
    p = Properties(ptype)
    for k, v in props.items():
        setattr(p, k, v)
    return p


def props_dict(props):
    """paho Properties -> plain dict (empty dict for none)."""
    if props is None:
        return {}
    return props.json() if hasattr(props, "json") else {}


class Message:
    def __init__(self, m):
        self.topic = m.topic
        self.payload = m.payload
        self.qos = m.qos
        self.retain = bool(m.retain)
        self.dup = bool(m.dup)
        self.mid = m.mid
        self.properties = m.properties if hasattr(m, "properties") else None
        self.props = props_dict(self.properties)
        self.received_at = time.monotonic()

    def __repr__(self):
        return "<Message %s qos=%d retain=%s payload=%r props=%r>" % (
            self.topic, self.qos, self.retain, self.payload[:64], self.props)


class ConnAck:
    def __init__(self, rc, flags, props):
        self.rc = rc
        self.session_present = bool(flags.get("session present", 0))
        self.props = props_dict(props)
        self.properties = props

    def __repr__(self):
        return "<ConnAck rc=%s sp=%s props=%r>" % (self.rc, self.session_present, self.props)


class Client:
    """A paho client driven by our own loop thread (no automatic reconnect).

    protocol: 3 (3.1), 4 (3.1.1) or 5. connect() returns the ConnAck.
    """

    _all = []  # every client created, closed by the fixture teardown

    def __init__(self, broker, client_id="", protocol=5, clean=True, keepalive=60, connect_props=None,
                 will=None, username=None, password=None, port=None, transport="tcp"):
        self.broker = broker
        self.port = port or broker.port
        self.host = getattr(broker, "host", "127.0.0.1")
        self.protocol = protocol
        self.client_id = client_id
        self.clean = clean
        self.keepalive = keepalive
        self.connect_props = connect_props
        self.will = will
        self.messages = queue.Queue()
        self._cond = threading.Condition()
        self.connacks = []
        self.disconnects = []
        self.subacks = {}
        self.unsubacks = {}
        self.published = set()
        self._thread = None
        self._running = False
        kw = {"protocol": PROTOCOLS[protocol], "transport": transport}  # "websockets" for ws / wss
        if protocol != 5:
            kw["clean_session"] = clean
        self.c = paho.Client(client_id=client_id, **kw)
        if username is not None:
            self.c.username_pw_set(username, password)
        if will:
            self.c.will_set(will["topic"], will.get("payload", b""), will.get("qos", 0), will.get("retain", False),
                            properties=make_props(PacketTypes.WILLMESSAGE, will.get("props")))
        self.c.on_connect = self._on_connect
        self.c.on_disconnect = self._on_disconnect
        self.c.on_message = self._on_message
        self.c.on_subscribe = self._on_subscribe
        self.c.on_unsubscribe = self._on_unsubscribe
        self.c.on_publish = self._on_publish
        Client._all.append(self)

    # -- callbacks (loop thread) ------------------------------------------
    def _on_connect(self, client, userdata, flags, rc, properties=None):
        with self._cond:
            self.connacks.append(ConnAck(_rc(rc), flags, properties))
            self._cond.notify_all()

    def _on_disconnect(self, client, userdata, rc, properties=None):
        with self._cond:
            self.disconnects.append((_rc(rc), props_dict(properties)))
            self._cond.notify_all()

    def _on_message(self, client, userdata, msg):
        self.messages.put(Message(msg))

    def _on_subscribe(self, client, userdata, mid, granted, properties=None):
        with self._cond:
            self.subacks[mid] = [_rc(g) for g in granted]
            self._cond.notify_all()

    def _on_unsubscribe(self, client, userdata, mid, properties=None, reasoncodes=None):
        with self._cond:
            self.unsubacks[mid] = reasoncodes
            self._cond.notify_all()

    def _on_publish(self, client, userdata, mid):
        with self._cond:
            self.published.add(mid)
            self._cond.notify_all()

    def _wait(self, pred, timeout, what):
        with self._cond:
            if not self._cond.wait_for(pred, timeout):
                raise AssertionError("%s: timed out after %.1fs waiting for %s" % (self.client_id, timeout, what))
            return pred()

    def _loop(self):
        while self._running:
            rc = self.c.loop(timeout=0.02)
            if rc != paho.MQTT_ERR_SUCCESS:
                break
        self._running = False

    # -- actions -----------------------------------------------------------
    def connect(self, wait=True, timeout=DEFAULT_TIMEOUT, expect_rc=0):
        kw = {}
        if self.protocol == 5:
            kw["clean_start"] = self.clean
            kw["properties"] = make_props(PacketTypes.CONNECT, self.connect_props)
        self.c.connect(self.host, self.port, self.keepalive, **kw)
        self._running = True
        self._thread = threading.Thread(target=self._loop, daemon=True, name="paho-%s" % self.client_id)
        # paho writes from the caller's thread when it thinks no loop thread runs; two threads
        # writing would reorder packets on the wire. Tell it ours runs: it then only queues.
        self.c._thread = self._thread
        self._thread.start()
        if not wait:
            return None
        ack = self.wait_connack(timeout)
        if expect_rc is not None:
            assert ack.rc == expect_rc, "%s: CONNACK rc %s, expected %s" % (self.client_id, ack.rc, expect_rc)
        return ack

    def wait_connack(self, timeout=DEFAULT_TIMEOUT):
        return self._wait(lambda: self.connacks and self.connacks[0], timeout, "CONNACK")

    def wait_disconnect(self, timeout=DEFAULT_TIMEOUT):
        """Waits until the connection ends; returns (rc, props)."""
        self._wait(lambda: len(self.disconnects) > 0, timeout, "disconnect")
        return self.disconnects[0]

    def is_connected(self):
        return self._running and self.c.is_connected()

    def subscribe(self, topic, qos=0, nl=False, rap=False, rh=0, sub_id=None, timeout=DEFAULT_TIMEOUT,
                  expect=None):
        """Subscribes and waits for SUBACK; returns the list of granted codes."""
        if self.protocol == 5:
            props = None
            if sub_id is not None:
                props = make_props(PacketTypes.SUBSCRIBE, {"SubscriptionIdentifier": sub_id})
            opts = SubscribeOptions(qos=qos, noLocal=nl, retainAsPublished=rap, retainHandling=rh)
            rc, mid = self.c.subscribe(topic, options=opts, properties=props)
        else:
            rc, mid = self.c.subscribe(topic, qos)
        assert rc == paho.MQTT_ERR_SUCCESS, "subscribe failed locally: %s" % rc
        granted = self._wait(lambda: self.subacks.get(mid), timeout, "SUBACK for %s" % topic)
        want = [qos] if expect is None else expect
        assert granted == want, "%s: SUBACK for %s: %s, expected %s" % (self.client_id, topic, granted, want)
        return granted

    def unsubscribe(self, topic, timeout=DEFAULT_TIMEOUT):
        rc, mid = self.c.unsubscribe(topic)
        self._wait(lambda: mid in self.unsubacks, timeout, "UNSUBACK")

    def publish(self, topic, payload=b"", qos=0, retain=False, props=None, wait=True, timeout=DEFAULT_TIMEOUT):
        """Publishes; with wait, returns once sent (QoS 0) or acknowledged (QoS 1/2)."""
        info = self.c.publish(topic, payload, qos, retain,
                              properties=make_props(PacketTypes.PUBLISH, props) if self.protocol == 5 else None)
        assert info.rc == paho.MQTT_ERR_SUCCESS, "publish failed locally: %s" % info.rc
        if wait:
            self._wait(lambda: info.mid in self.published, timeout, "publish of mid %d to complete" % info.mid)
        return info.mid

    def wait_message(self, timeout=DEFAULT_TIMEOUT):
        try:
            return self.messages.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("%s: no message within %.1fs" % (self.client_id, timeout)) from None

    def wait_messages(self, n, timeout=DEFAULT_TIMEOUT):
        """n messages, the whole batch within timeout."""
        deadline = time.monotonic() + timeout
        out = []
        for i in range(n):
            left = deadline - time.monotonic()
            try:
                out.append(self.messages.get(timeout=max(0.0, left)))
            except queue.Empty:
                raise AssertionError("%s: got %d of %d messages within %.1fs: %r"
                                     % (self.client_id, i, n, timeout, out[-3:])) from None
        return out

    def expect_no_message(self, window=0.5):
        assert window <= MAX_QUIET_WINDOW
        try:
            m = self.messages.get(timeout=window)
        except queue.Empty:
            return
        raise AssertionError("%s: unexpected message %r" % (self.client_id, m))

    def disconnect(self, rc=0, props=None, timeout=DEFAULT_TIMEOUT):
        """A normal DISCONNECT (v5: with reason code rc) and wait until closed."""
        if self.protocol == 5:
            self.c.disconnect(reasoncode=ReasonCodes(PacketTypes.DISCONNECT, identifier=rc),
                              properties=make_props(PacketTypes.DISCONNECT, props))
        else:
            self.c.disconnect()
        self._join(timeout)

    def close_abruptly(self):
        """Close the TCP connection without DISCONNECT (an abnormal close for the broker)."""
        self._running = False
        self._join(DEFAULT_TIMEOUT)
        sock = self.c.socket()
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def stop_loop(self):
        """Stop processing input (the socket stays open: no acks, no pings)."""
        self._running = False
        self._join(DEFAULT_TIMEOUT)

    def _join(self, timeout):
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
            assert not self._thread.is_alive(), "paho loop thread did not stop"

    def close(self):
        """Best-effort cleanup used by fixtures."""
        try:
            if self._running:
                self._running = False
                self._join(DEFAULT_TIMEOUT)
            sock = self.c.socket()
            if sock is not None:
                sock.close()
        except Exception:
            pass


# -- mosquitto_pub / mosquitto_sub ---------------------------------------------------------

MOSQ_VERSIONS = {3: "mqttv31", 4: "mqttv311", 5: "mqttv5"}


def mosquitto_pub(broker, topic, message, qos=0, retain=False, protocol=4, client_id=None, extra=(),
                  timeout=10):
    cmd = ["mosquitto_pub", "-h", broker.host, "-p", str(broker.port), "-t", topic, "-m", message,
           "-q", str(qos), "-V", MOSQ_VERSIONS[protocol]]
    if retain:
        cmd.append("-r")
    if client_id:
        cmd += ["-i", client_id]
    cmd += list(extra)
    p = subprocess.run(cmd, capture_output=True, timeout=timeout)
    assert p.returncode == 0, "%s -> %d: %s %s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr)
    return p


class MosquittoSub:
    """mosquitto_sub -v in the background; lines (topic payload) fed to a queue.

    Started with -d so that its SUBACK can be waited for; debug lines are kept apart.
    """

    def __init__(self, broker, topic, qos=0, protocol=4, client_id=None, extra=()):
        self.cmd = ["stdbuf", "-oL", "mosquitto_sub", "-h", broker.host, "-p", str(broker.port), "-t", topic, "-q", str(qos),
                    "-v", "-d", "-V", MOSQ_VERSIONS[protocol]]
        if client_id:
            self.cmd += ["-i", client_id]
        self.cmd += list(extra)
        self.lines = queue.Queue()
        self.debug = []
        self._subacked = threading.Event()
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        self._t = threading.Thread(target=self._read, daemon=True)
        self._t.start()
        MosquittoSub._all.append(self)

    _all = []

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            if line.startswith("Client ") or line.startswith("Subscribed ("):
                self.debug.append(line)
                if "received SUBACK" in line:
                    self._subacked.set()
            else:
                self.lines.put(line)

    def wait_subscribed(self, timeout=DEFAULT_TIMEOUT):
        if not self._subacked.wait(timeout):
            raise AssertionError("mosquitto_sub got no SUBACK within %.1fs: %r" % (timeout, self.debug))
        return self

    def wait_line(self, timeout=DEFAULT_TIMEOUT):
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("mosquitto_sub: no line within %.1fs (debug: %r)" % (timeout, self.debug[-5:])) \
                from None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()  # our own child, by PID
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)


# -- raw socket client -----------------------------------------------------------------------

class Closed(Exception):
    pass


class RawClient:
    """A plain TCP socket speaking bytes. read_packet() returns exactly the next packet."""

    _all = []

    def __init__(self, broker, version=4, port=None):
        self.version = version
        self.sock = socket.create_connection((broker.host, port or broker.port), timeout=DEFAULT_TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.eof = False
        RawClient._all.append(self)

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        # poll, not select: a test holding thousands of sockets has fds past 1024.
        p = select.poll()
        p.register(self.sock.fileno(), select.POLLIN)
        if not p.poll(int(left * 1000) + 1):
            return False
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
            raise Closed()
        self.buf += chunk
        return True

    def _try_parse(self):
        if len(self.buf) < 2:
            return None
        try:
            rl, pos = mb.decode_varint(self.buf, 1)
        except ValueError:
            return None
        if len(self.buf) < pos + rl:
            return None
        raw = bytes(self.buf[:pos + rl])
        del self.buf[:pos + rl]
        return self._decode(raw[0] >> 4, raw[0] & 0x0F, raw[pos:], raw)

    def _decode(self, ptype, flags, body, raw):
        """One whole packet's bytes -> a Packet (a subclass may read some types its own way)."""
        return mb.decode(ptype, flags, body, raw, self.version)

    def read_packet(self, timeout=DEFAULT_TIMEOUT, what="a packet"):
        deadline = time.monotonic() + timeout
        while True:
            p = self._try_parse()
            if p is not None:
                return p
            try:
                if not self._fill(deadline):
                    raise AssertionError("raw client: no complete packet within %.1fs waiting for %s (buffer %s)"
                                         % (timeout, what, bytes(self.buf).hex()))
            except Closed:
                raise AssertionError("raw client: connection closed while waiting for %s" % what) from None

    def expect(self, ptype, timeout=DEFAULT_TIMEOUT):
        p = self.read_packet(timeout, what=mb.NAMES[ptype])
        assert p.type == ptype, "expected %s, got %r" % (mb.NAMES[ptype], p)
        return p

    def expect_closed(self, timeout=DEFAULT_TIMEOUT, allow=()):
        """Wait for EOF. Packets of the types in `allow` may come first (returned); any other fails."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            p = self._try_parse()
            if p is not None:
                assert p.type in allow, "expected the connection to close, got %r" % p
                seen.append(p)
                continue
            try:
                if not self._fill(deadline):
                    raise AssertionError("raw client: connection not closed within %.1fs" % timeout)
            except Closed:
                assert not self.buf, "connection closed with a partial packet %s" % bytes(self.buf).hex()
                return seen

    def expect_no_packet(self, window=0.5):
        assert window <= MAX_QUIET_WINDOW
        deadline = time.monotonic() + window
        while True:
            p = self._try_parse()
            if p is not None:
                raise AssertionError("unexpected packet %r" % p)
            try:
                if not self._fill(deadline):
                    return
            except Closed:
                raise AssertionError("connection closed unexpectedly") from None

    def is_open(self, window=0.2):
        """True if the peer hasn't closed within the window (no data expected)."""
        try:
            self.expect_no_packet(window)
            return True
        except AssertionError:
            return False

    def connect(self, client_id="raw", clean=True, keepalive=60, props=None, will=None, username=None,
                password=None, expect_rc=0):
        self.send(mb.connect(client_id, self.version, clean, keepalive, props, will, username, password))
        ack = self.expect(mb.CONNACK)
        if expect_rc is not None:
            assert ack.rc == expect_rc, "CONNACK %r, expected rc %#x" % (ack, expect_rc)
        return ack

    def subscribe(self, filt, qos=0, pid=1, props=None, opts=None, expect=None):
        self.send(mb.subscribe(pid, [(filt, qos if opts is None else opts)], self.version, props))
        ack = self.expect(mb.SUBACK)
        assert ack.pid == pid
        want = [qos] if expect is None else expect
        assert ack.reason_codes == want, "SUBACK %r, expected %r" % (ack, want)
        return ack

    def publish(self, topic, payload=b"", qos=0, retain=False, pid=None, props=None, dup=False):
        self.send(mb.publish(topic, payload, qos, retain, dup, pid, self.version, props))

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def use_shared_broker(request, broker):
    """For a test on a module-scoped broker: its log goes into the test's
    failure report, and the test's clients are closed after it."""
    request.node._brokers = [broker]
    request.addfinalizer(close_all)
    return broker


def close_all():
    for c in Client._all:
        c.close()
    Client._all.clear()
    for r in RawClient._all:
        r.close()
    RawClient._all.clear()
    for s in MosquittoSub._all:
        s.stop()
    MosquittoSub._all.clear()
