"""WebSocket listeners (ws, wss): RFC 6455 with subprotocol mqtt. MQTT.js from
node (ws:// and wss:// with the test CA; 5 B, 64 KiB and 1 MiB payloads), a
raw client for fragmentation, several packets per frame, ping/pong and the
close handshake, and malformed input (bad upgrade, oversized frame, unmasked
frame) that closes the connection with a counted reason while the broker
keeps serving."""
import base64
import hashlib
import os
import shutil
import socket
import struct
import subprocess

import pytest

from harness import Broker, free_port, mqttbytes as mb, wait_until
from harness.broker import is_mosquitto
from test_ctl_common import ctl_json, shutdown_counts  # noqa: F401
from test_tls import certs  # noqa: F401  (the module-scoped certificate fixture)

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's WebSocket listeners")

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")


def _node():
    node = shutil.which("node")
    assert node, "node is not installed (tests/run installs nodejs)"
    assert os.path.isdir(os.path.join(JS_DIR, "node_modules", "mqtt")), "run `npm ci` in %s" % JS_DIR
    return node


class RawWs:
    """A minimal RFC 6455 client: masked frames, any opcode, fragmentation by hand."""

    def __init__(self, port, path="/mqtt", protocol="mqtt", extra_headers=""):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        key = base64.b64encode(os.urandom(16)).decode()
        req = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n" % (path, key))
        if protocol:
            req += "Sec-WebSocket-Protocol: %s\r\n" % protocol
        self.sock.sendall((req + extra_headers + "\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            self.buf += chunk
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        self.response = head.decode(errors="replace")
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        self.ok = self.response.startswith("HTTP/1.1 101") and accept.decode() in self.response

    def frame(self, opcode, payload, fin=True, mask=True):
        h = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        m = 0x80 if mask else 0
        if n < 126:
            h += bytes([m | n])
        elif n < 65536:
            h += bytes([m | 126]) + struct.pack("!H", n)
        else:
            h += bytes([m | 127]) + struct.pack("!Q", n)
        if mask:
            key = os.urandom(4)
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
            h += key
        return h + payload

    def send(self, opcode, payload, fin=True, mask=True):
        self.sock.sendall(self.frame(opcode, payload, fin, mask))

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("closed")
            self.buf += chunk

    def recv_frame(self):
        self._need(2)
        b0, b1 = self.buf[0], self.buf[1]
        n, off = b1 & 0x7F, 2
        if n == 126:
            self._need(4)
            n, off = struct.unpack("!H", self.buf[2:4])[0], 4
        elif n == 127:
            self._need(10)
            n, off = struct.unpack("!Q", self.buf[2:10])[0], 10
        assert not b1 & 0x80, "server frames are not masked"
        self._need(off + n)
        payload, self.buf = self.buf[off:off + n], self.buf[off + n:]
        return b0 & 0x0F, bool(b0 & 0x80), payload

    def recv_mqtt(self):
        """Binary frames until one whole MQTT packet is read (skips pongs)."""
        data = b""
        while True:
            op, _, payload = self.recv_frame()
            if op in (0x2, 0x0):
                data += payload
                if len(data) >= 2:
                    return data

    def closed_by_peer(self, timeout=5):
        self.sock.settimeout(timeout)
        try:
            while True:
                if not self.sock.recv(65536):
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False


def ws_broker(**env):
    e = {"EMQX_SYS_TOPICS__SYS_MSG_INTERVAL": "disabled", "EMQX_MQTT__MAX_PACKET_SIZE": "2MB"}
    e.update(env)
    return Broker(env=e, ws=True)


def _count(broker, word, n=1):
    wait_until(lambda: shutdown_counts(broker, "ws:default").get(word, 0) >= n, 5,
               what="%s counted on ws:default (%r)" % (word, shutdown_counts(broker, "ws:default")))


def test_mqttjs_over_ws_64k_and_1m():
    node = _node()
    with ws_broker() as b:
        p = subprocess.run([node, os.path.join(JS_DIR, "ws_roundtrip.js"), "ws://127.0.0.1:%d/mqtt" % b.ws_port, "-",
                            "5,65536,1048576"], capture_output=True, timeout=60, cwd=JS_DIR)
        assert p.returncode == 0 and b"OK" in p.stdout, p.stdout.decode() + p.stderr.decode()


def test_mqttjs_over_wss_with_the_test_ca(certs):  # noqa: F811
    node = _node()
    port = free_port()
    env = {"EMQX_LISTENERS__WSS__DEFAULT__ENABLE": "true",
           "EMQX_LISTENERS__WSS__DEFAULT__BIND": "127.0.0.1:%d" % port,
           "EMQX_LISTENERS__WSS__DEFAULT__SSL_OPTIONS__CERTFILE": os.path.join(certs, "server.pem"),
           "EMQX_LISTENERS__WSS__DEFAULT__SSL_OPTIONS__KEYFILE": os.path.join(certs, "server.key")}
    with ws_broker(**env) as b:
        p = subprocess.run([node, os.path.join(JS_DIR, "ws_roundtrip.js"), "wss://127.0.0.1:%d/mqtt" % port,
                            os.path.join(certs, "ca.pem"), "5,65536,1048576"], capture_output=True, timeout=60, cwd=JS_DIR)
        assert p.returncode == 0 and b"OK" in p.stdout, p.stdout.decode() + p.stderr.decode()


def test_raw_fragments_batches_ping_close():
    with ws_broker() as b:
        ws = RawWs(b.ws_port, protocol="mqttv3.1, mqtt")
        assert ws.ok, ws.response
        assert "Sec-WebSocket-Protocol: mqttv3.1" in ws.response
        # one CONNECT over three frames (binary + continuations), a ping between them
        conn = mb.connect("ws-raw", version=4)
        ws.send(0x2, conn[:3], fin=False)
        ws.send(0x9, b"hi")  # control frames may come between fragments
        ws.send(0x0, conn[3:7], fin=False)
        ws.send(0x0, conn[7:], fin=True)
        op, fin, payload = ws.recv_frame()
        assert (op, payload) == (0xA, b"hi"), (op, payload)  # pong echoes the ping
        assert ws.recv_mqtt()[:1] == b"\x20"  # CONNACK
        # SUBSCRIBE and a PUBLISH to it in one frame: several packets per frame
        ws.send(0x2, mb.subscribe(1, [("ws/raw", 0)], version=4) + mb.publish("ws/raw", b"batched", version=4))
        got = b""
        while b"batched" not in got:
            got += ws.recv_frame()[2]
        # close handshake: the server answers our close frame and closes the TCP connection
        ws.send(0x8, struct.pack("!H", 1000))
        op = None
        while op != 0x8:
            op, _, payload = ws.recv_frame()
        assert payload[:2] == struct.pack("!H", 1000)
        assert ws.closed_by_peer()


def test_malformed_websocket_input_is_closed_and_counted():
    with ws_broker(EMQX_LISTENERS__WS__DEFAULT__WEBSOCKET__MAX_FRAME_SIZE="1KB") as b:
        # a bad upgrade: wrong path -> 404 and closed
        ws = RawWs(b.ws_port, path="/nope")
        assert ws.response.startswith("HTTP/1.1 404"), ws.response
        assert ws.closed_by_peer()
        _count(b, "websocket_bad_request")
        # not HTTP at all
        s = socket.create_connection(("127.0.0.1", b.ws_port), timeout=5)
        s.sendall(b"\x10\x0c\x00\x04MQTT\x04\x02\x00\x3c\x00\x00" * 4 + b"\r\n\r\n")
        assert s.recv(100).startswith(b"HTTP/1.1 400")
        s.close()
        _count(b, "websocket_bad_request", 2)
        # headers larger than the bound
        s = socket.create_connection(("127.0.0.1", b.ws_port), timeout=5)
        s.sendall(b"GET /mqtt HTTP/1.1\r\n" + b"X-Pad: " + b"a" * 3000 + b"\r\n" + (b"X-More: " + b"b" * 3000 + b"\r\n") * 3)
        assert s.recv(100).startswith(b"HTTP/1.1 431")
        s.close()
        _count(b, "websocket_bad_request", 3)
        # an oversized frame (over max_frame_size): close 1009
        ws = RawWs(b.ws_port)
        assert ws.ok
        ws.send(0x2, b"\x00" * 2000)
        op, _, payload = ws.recv_frame()
        assert op == 0x8 and payload[:2] == struct.pack("!H", 1009), (op, payload)
        assert ws.closed_by_peer()
        _count(b, "frame_too_large")
        # an unmasked client frame: close 1002
        ws = RawWs(b.ws_port)
        assert ws.ok
        ws.send(0x2, mb.connect("unmasked", version=4), mask=False)
        op, _, payload = ws.recv_frame()
        assert op == 0x8 and payload[:2] == struct.pack("!H", 1002), (op, payload)
        assert ws.closed_by_peer()
        _count(b, "websocket_protocol_error")
        # a text frame: MQTT needs binary frames
        ws = RawWs(b.ws_port)
        ws.send(0x1, b"hello")
        assert ws.recv_frame()[0] == 0x8
        _count(b, "websocket_protocol_error", 2)
        # the broker keeps serving WebSocket clients
        ws = RawWs(b.ws_port)
        assert ws.ok
        ws.send(0x2, mb.connect("after", version=4))
        assert ws.recv_mqtt()[:1] == b"\x20"


def test_proxy_address_header():
    with ws_broker() as b:
        ws = RawWs(b.ws_port, extra_headers="X-Forwarded-For: 203.0.113.7, 10.0.0.1\r\n")
        assert ws.ok
        ws.send(0x2, mb.connect("behind-proxy", version=4))
        assert ws.recv_mqtt()[:1] == b"\x20"
        def peer():
            for c in ctl_json(b, "clients", "list")["clients"]:
                if c.get("clientid") == "behind-proxy":
                    return c.get("peername")
            return None
        got = wait_until(peer, 5, what="client behind-proxy listed")
        assert got.startswith("203.0.113.7"), got
