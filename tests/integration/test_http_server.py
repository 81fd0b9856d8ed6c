"""The HTTP API's server under load and hostile input: keep-alive and
pipelining, bounded heads (431) and bodies (413), malformed requests (400
and the connection closed), dashboard.listeners.http.idle_timeout,
max_connections, and slow clients that must stall neither the API nor MQTT.
Raw sockets send what no polite client would."""
import re
import socket
import threading
import time

import pytest

from harness import Api, Broker, Client, free_port, start_api_broker, use_shared_broker, wait_until
from test_ctl_common import QUIET_SYS, pytestmark  # noqa: F401
from test_http_api import ADMIN

IDLE_S = 1.0


@pytest.fixture(scope="module")
def _broker(tmp_path_factory):
    env = dict(QUIET_SYS, EMQX_DASHBOARD__LISTENERS__HTTP__IDLE_TIMEOUT="%dms" % (IDLE_S * 1000))
    b = start_api_broker(tmp_path_factory, "http-server", [ADMIN], env)
    yield b
    b.stop()


@pytest.fixture
def broker(request, _broker):
    return use_shared_broker(request, _broker)


def raw(broker):
    s = socket.create_connection(("127.0.0.1", broker.http_port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def read_until_closed(s, timeout=5):
    """Everything the server sends until it closes; fails if it does not close in time."""
    s.settimeout(timeout)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            return out
        if not chunk:
            return out
        out += chunk
    raise AssertionError("the server did not close the connection within %.1fs; got %r" % (timeout, out[:200]))


def send_quietly(s, data):
    """Sends what the server takes; it may close first (then the rest is not sent)."""
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


def test_keep_alive_serves_many_requests_on_one_connection(broker):
    api = Api(broker, *ADMIN)
    conn = api.connection()
    first = api.get("/status", conn=conn)
    sock = conn.sock
    for path in ("/api/v5/nodes", "/status", "/api/v5/clients"):
        r = api.get(path, conn=conn)
        assert r.status == 200, (path, r)
        assert "connection" not in r.headers
        assert conn.sock is sock  # the same connection
    assert first.status == 200
    conn.close()


def test_pipelined_requests_are_answered_in_order(broker):
    s = raw(broker)
    s.sendall(b"GET /status HTTP/1.1\r\n\r\nGET /status?format=json HTTP/1.1\r\n\r\n"
              b"GET /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n")
    out = read_until_closed(s)
    s.close()
    answers = out.split(b"HTTP/1.1 ")[1:]
    assert [a[:3] for a in answers] == [b"200", b"200", b"404"], out
    assert answers[0].endswith(b"emqx is running")
    assert b'"app_status":"running"' in answers[1]
    assert b"connection: close" in answers[2]


def test_a_malformed_request_is_400_and_closed(broker):
    for junk in (b"GARBAGE\r\n\r\n", b"GET / HTTP/1.1\r\nno colon here\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00"):
        s = raw(broker)
        s.sendall(junk)
        out = read_until_closed(s)
        s.close()
        assert out.startswith(b"HTTP/1.1 400 Bad Request\r\n"), (junk, out)
        assert b"connection: close" in out and b'"code":"BAD_REQUEST"' in out


def test_headers_over_the_limit_are_431(broker):
    s = raw(broker)
    send_quietly(s, b"GET /status HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
    out = read_until_closed(s)
    s.close()
    assert out.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), out
    # Many small headers count the same.
    s = raw(broker)
    send_quietly(s, b"GET /status HTTP/1.1\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(3000)) + b"\r\n")
    assert read_until_closed(s).startswith(b"HTTP/1.1 431"), "many headers"
    s.close()


def test_a_body_over_1mib_is_413_and_1mib_is_taken(broker):
    s = raw(broker)
    send_quietly(s, b"POST /api/v5/api_key HTTP/1.1\r\nContent-Type: application/json\r\n"
                    b"Content-Length: %d\r\n\r\n" % (2 * 1024 * 1024))
    send_quietly(s, b" " * 65536)
    out = read_until_closed(s)
    s.close()
    assert out.startswith(b"HTTP/1.1 413 Payload Too Large\r\n"), out
    # A chunked body is counted as it comes.
    s = raw(broker)
    send_quietly(s, b"POST /api/v5/api_key HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
    for _ in range(20):
        send_quietly(s, b"10000\r\n" + b" " * 0x10000 + b"\r\n")
    out = read_until_closed(s)
    s.close()
    assert out.startswith(b"HTTP/1.1 413"), out
    # Exactly 1 MiB is a request like any other.
    body = b'{"name":"big-body"}'
    body += b" " * (1024 * 1024 - len(body))
    api = Api(broker, *ADMIN)
    r = api.request("POST", "/api/v5/api_key", body=body, headers={"Content-Type": "application/json"})
    assert r.status == 200, r
    assert api.delete("/api/v5/api_key/big-body").status == 204


def test_expect_100_continue_is_answered(broker):
    s = raw(broker)
    s.sendall(b"POST /status HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
    s.settimeout(5)
    assert s.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
    s.sendall(b"{}")
    assert s.recv(1000).startswith(b"HTTP/1.1 405 Method Not Allowed\r\n")
    s.close()


def test_connection_close_is_honoured(broker):
    s = raw(broker)
    s.sendall(b"GET /status HTTP/1.1\r\nConnection: close\r\n\r\n")
    out = read_until_closed(s)
    s.close()
    assert out.startswith(b"HTTP/1.1 200 OK\r\n") and b"connection: close\r\n" in out


def test_an_idle_connection_is_closed_after_the_timeout(broker):
    s = raw(broker)
    start = time.monotonic()
    assert read_until_closed(s, timeout=IDLE_S + 4) == b""
    assert time.monotonic() - start >= IDLE_S * 0.8
    s.close()
    # After an answer the connection gets the same time for its next request.
    api = Api(broker, *ADMIN)
    conn = api.connection()
    assert api.get("/status", conn=conn).status == 200
    start = time.monotonic()
    assert read_until_closed(conn.sock, timeout=IDLE_S + 4) == b""
    assert time.monotonic() - start >= IDLE_S * 0.8
    conn.close()


def test_a_slowloris_is_cut_off_though_it_keeps_sending(broker):
    s = raw(broker)
    s.sendall(b"GET /status HTTP/1.1\r\n")
    start = time.monotonic()
    closed = False
    while time.monotonic() - start < IDLE_S + 4:
        try:
            s.sendall(b"X")  # a header that never ends
            s.settimeout(0.2)
            if s.recv(1) == b"":
                closed = True
                break
        except socket.timeout:
            continue
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
    s.close()
    assert closed, "a client sending a byte now and then kept its connection"
    assert time.monotonic() - start < IDLE_S + 3


def test_slow_clients_stall_neither_mqtt_nor_the_api(broker):
    """30 connections always in the middle of a request, each sending a byte
    now and then (those the idle timeout closes are opened again), while MQTT
    messages make their round trips and the API answers."""
    stop = threading.Event()
    head = b"POST /api/v5/api_key HTTP/1.1\r\nContent-Length: 100000\r\n\r\n"  # a body that never comes whole

    def slow():
        s = raw(broker)
        s.sendall(head)
        return s
    socks = [slow() for _ in range(30)]

    def dribble():
        while not stop.is_set():
            for i, s in enumerate(socks):
                try:
                    s.sendall(b"x")
                except OSError:
                    s.close()
                    socks[i] = slow()
            stop.wait(0.05)
    t = threading.Thread(target=dribble, daemon=True)
    t.start()
    try:
        sub = Client(broker, "slow-sub", protocol=4)
        sub.connect()
        sub.subscribe("slow/t", qos=1)
        pub = Client(broker, "slow-pub", protocol=4)
        pub.connect()
        deadline = time.monotonic() + IDLE_S * 3  # across several rounds of closed and reopened slow clients
        i = 0
        while time.monotonic() < deadline:
            start = time.monotonic()
            pub.publish("slow/t", b"m%d" % i, qos=1)
            assert sub.wait_message(timeout=2).payload == b"m%d" % i
            assert time.monotonic() - start < 1.0
            start = time.monotonic()
            assert Api(broker).get("/status").status == 200
            assert time.monotonic() - start < 1.0
            i += 1
        assert i >= 10
    finally:
        stop.set()
        t.join(5)
        for s in socks:
            s.close()


def test_max_connections_closes_one_more_at_once(make_broker):
    b = make_broker(http=True, env={"EMQX_DASHBOARD__LISTENERS__HTTP__MAX_CONNECTIONS": "3",
                                    "EMQX_DASHBOARD__LISTENERS__HTTP__IDLE_TIMEOUT": "20s"})
    held = [raw(b) for _ in range(3)]
    for s in held:  # each is accepted and answered: the server holds three
        s.sendall(b"GET /status HTTP/1.1\r\n\r\n")
        assert s.recv(1000).startswith(b"HTTP/1.1 200")
    extra = raw(b)
    start = time.monotonic()
    assert read_until_closed(extra, timeout=5) == b""
    assert time.monotonic() - start < 2
    extra.close()
    b.log_line("dashboard.listeners.http.max_connections (3) reached")
    held.pop().close()

    def answered():
        try:
            return Api(b).get("/status").status == 200
        except OSError:
            return False
    wait_until(answered, 5, what="a connection accepted again")
    assert re.search(r"again; [1-9]\d* connections were refused", b.log_line("connections were refused"))
    for s in held:
        s.close()


def test_a_port_in_use_stops_the_start(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    port = taken.getsockname()[1]
    b = Broker(env={"EMQX_DASHBOARD__LISTENERS__HTTP__BIND": "127.0.0.1:%d" % port}, name="http-in-use")
    try:
        with pytest.raises(AssertionError):
            b.start()
        assert b.proc.wait(10) == 1
        assert "failed to start the HTTP API (dashboard.listeners.http) on 127.0.0.1:%d: eaddrinuse" % port in b.log()
    finally:
        b.stop()
        taken.close()


def test_the_api_can_be_turned_off(make_broker):
    port = free_port()
    b = make_broker(env={"EMQX_DASHBOARD__LISTENERS__HTTP__BIND": "127.0.0.1:%d" % port,
                         "EMQX_DASHBOARD__LISTENERS__HTTP__ENABLE": "false"})
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert Client(b, "still-mqtt", protocol=4).connect().rc == 0
