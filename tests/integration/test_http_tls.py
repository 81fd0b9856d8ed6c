"""dashboard.listeners.https: the HTTP API and the dashboard over TLS, beside
the plain listener, with certificates made by `openssl` (harness/pki.py).
Real clients: Python's http.client over ssl, curl, `openssl s_client`.
Covers the API, login and static files over https; a plain-HTTP request and a
client that stalls its handshake (neither blocks the next client); TLS
versions; a required client certificate; config errors that stop the start;
and emqx_cert_expiry_at in /api/v5/prometheus/stats against a certificate
whose notAfter is known."""
import calendar
import http.client
import json
import shutil
import socket
import ssl
import subprocess
import time

import pytest

from harness import Api, free_port, start_api_broker, use_shared_broker
from harness.pki import Ca
from test_config_errors import run_emqxd
from test_ctl_common import QUIET_SYS, pytestmark  # noqa: F401
from test_http_api import ADMIN
from test_http_server import read_until_closed

HANDSHAKE_S = 1.0
# The server certificate's notAfter, as `openssl ca -enddate` takes it, and as Unix seconds.
SERVER_ENDDATE = "20301231235959Z"
SERVER_NOT_AFTER = calendar.timegm((2030, 12, 31, 23, 59, 59))


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    ca = Ca(str(tmp_path_factory.mktemp("https-pki")))
    ca.issue("server", san="IP:127.0.0.1,DNS:localhost", enddate=SERVER_ENDDATE)
    ca.issue("client")
    return ca


def https_env(pki, port, **ssl_options):
    env = {
        "EMQX_DASHBOARD__LISTENERS__HTTPS__BIND": "127.0.0.1:%d" % port,
        "EMQX_DASHBOARD__LISTENERS__HTTPS__SSL_OPTIONS__CERTFILE": pki.path("server.pem"),
        "EMQX_DASHBOARD__LISTENERS__HTTPS__SSL_OPTIONS__KEYFILE": pki.path("server.key"),
    }
    for k, v in ssl_options.items():
        env["EMQX_DASHBOARD__LISTENERS__HTTPS__SSL_OPTIONS__" + k.upper()] = v
    return env


def start_https(tmp_path_factory, pki, name, env=None, **ssl_options):
    """A broker with the API on http and https (b.https_port) and `env` besides."""
    port = free_port()
    b = start_api_broker(tmp_path_factory, name, [ADMIN], dict(QUIET_SYS, **https_env(pki, port, **ssl_options),
                                                                 **(env or {})))
    b.https_port = port
    return b


@pytest.fixture(scope="module")
def _broker(tmp_path_factory, pki):
    """http and https at once; an ssl MQTT listener with the same certificate (for the expiry metric)."""
    b = start_https(tmp_path_factory, pki, "https", {
        "EMQX_LISTENERS__SSL__DEFAULT__ENABLE": "true",
        "EMQX_LISTENERS__SSL__DEFAULT__BIND": "127.0.0.1:%d" % free_port(),
        "EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__CERTFILE": pki.path("server.pem"),
        "EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__KEYFILE": pki.path("server.key"),
    }, handshake_timeout="%dms" % (HANDSHAKE_S * 1000))
    yield b
    b.stop()


@pytest.fixture
def broker(request, _broker):
    return use_shared_broker(request, _broker)


@pytest.fixture(scope="module")
def _strict_broker(tmp_path_factory, pki):
    """TLS 1.3 only, and a client certificate from the CA required."""
    b = start_https(tmp_path_factory, pki, "https-strict", versions="tlsv1.3", verify="verify_peer",
                    fail_if_no_peer_cert="true", cacertfile=pki.path("ca.pem"))
    yield b
    b.stop()


@pytest.fixture
def strict_broker(request, _strict_broker):
    return use_shared_broker(request, _strict_broker)


def tls_context(pki, client_cert=False):
    ctx = ssl.create_default_context(cafile=pki.path("ca.pem"))
    if client_cert:
        ctx.load_cert_chain(pki.path("client.pem"), pki.path("client.key"))
    return ctx


def https_request(broker, pki, method, path, body=None, headers=None, conn=None, client_cert=False):
    """(status, headers, body) of one request over https (on `conn` when given)."""
    c = conn or http.client.HTTPSConnection("127.0.0.1", broker.https_port, timeout=10,
                                            context=tls_context(pki, client_cert))
    h = dict(headers or {})
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
        h["Content-Type"] = "application/json"
    try:
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        if conn is None:
            c.close()


def admin_auth():
    from harness.http_api import basic
    return {"Authorization": basic(*ADMIN)}


def s_client(port, pki, *args):
    """`openssl s_client` sends a request after the handshake and reads to the end."""
    p = subprocess.run(["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-CAfile", pki.path("ca.pem"),
                        "-ign_eof"] + list(args),
                       input=b"GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                       capture_output=True, timeout=20)
    return p.returncode, (p.stdout + p.stderr).decode(errors="replace")


def test_status_api_login_and_dashboard_over_https(broker, pki):
    status, _, body = https_request(broker, pki, "GET", "/status")
    assert status == 200 and b"is started" in body, body
    status, _, body = https_request(broker, pki, "GET", "/api/v5/nodes", headers=admin_auth())
    assert status == 200 and json.loads(body)[0]["node"] == broker.node, body
    status, _, body = https_request(broker, pki, "GET", "/api/v5/nodes")
    assert status == 401 and json.loads(body)["code"] == "AUTHORIZATION_HEADER_ERROR", body
    status, _, body = https_request(broker, pki, "POST", "/api/v5/login",
                                    body={"username": "admin", "password": "public"})
    assert status == 200 and json.loads(body)["token"], body
    status, headers, body = https_request(broker, pki, "GET", "/")
    assert status == 200 and headers["content-type"].startswith("text/html") and b"<html" in body.lower()


def test_plain_http_keeps_working_beside_https(broker):
    r = Api(broker).request("GET", "/status")
    assert r.status == 200 and "is started" in r.text


def test_keep_alive_over_https(broker, pki):
    c = http.client.HTTPSConnection("127.0.0.1", broker.https_port, timeout=10, context=tls_context(pki))
    try:
        c.connect()
        sock = c.sock
        for _ in range(5):
            status, _, _ = https_request(broker, pki, "GET", "/status", conn=c)
            assert status == 200
        assert c.sock is sock, "the connection was not kept alive"
    finally:
        c.close()


def test_a_body_over_1mib_is_413_over_https(broker, pki):
    status, _, body = https_request(broker, pki, "POST", "/api/v5/publish", body=b"x" * (1024 * 1024 + 1),
                                    headers=dict(admin_auth(), **{"Content-Type": "application/json"}))
    assert status == 413, body


def test_curl_over_https_with_the_test_ca(broker, pki):
    p = subprocess.run(["curl", "-sS", "--cacert", pki.path("ca.pem"), "-u", "%s:%s" % ADMIN,
                        "https://127.0.0.1:%d/api/v5/stats" % broker.https_port],
                       capture_output=True, timeout=20)
    assert p.returncode == 0, p.stderr
    assert "connections.count" in json.loads(p.stdout)[0], p.stdout


def test_plain_http_to_the_https_port_is_refused_and_the_next_client_is_served(broker, pki):
    s = socket.create_connection(("127.0.0.1", broker.https_port), timeout=10)
    try:
        s.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\n\r\n")
        out = read_until_closed(s, timeout=5)
    finally:
        s.close()
    assert not out.startswith(b"HTTP/"), out  # nothing is served in the clear
    broker.log_line("msg: ssl_handshake_error")
    status, _, _ = https_request(broker, pki, "GET", "/status")
    assert status == 200


def test_a_stalled_handshake_blocks_no_one_and_is_closed_at_the_timeout(broker, pki):
    stalled = socket.create_connection(("127.0.0.1", broker.https_port), timeout=10)
    try:
        stalled.sendall(b"\x16\x03\x01")  # the start of a ClientHello, and nothing more
        opened = time.monotonic()
        status, _, _ = https_request(broker, pki, "GET", "/status")
        assert status == 200
        assert read_until_closed(stalled, timeout=HANDSHAKE_S + 5) == b""
        assert time.monotonic() - opened >= HANDSHAKE_S * 0.9
    finally:
        stalled.close()


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
def test_both_versions_by_default(broker, pki, version):
    rc, out = s_client(broker.https_port, pki, version)
    assert rc == 0 and "HTTP/1.1 200" in out, out


def test_versions_tlsv1_3_only_refuses_tls_1_2(strict_broker, pki):
    cert = ["-cert", pki.path("client.pem"), "-key", pki.path("client.key")]
    rc, out = s_client(strict_broker.https_port, pki, "-tls1_3", *cert)
    assert rc == 0 and "HTTP/1.1 200" in out, out
    rc, out = s_client(strict_broker.https_port, pki, "-tls1_2", *cert)
    assert "HTTP/1.1 200" not in out and "alert protocol version" in out, out


def test_verify_peer_wants_a_client_certificate(strict_broker, pki):
    status, _, body = https_request(strict_broker, pki, "GET", "/status", client_cert=True)
    assert status == 200, body
    with pytest.raises((ssl.SSLError, ConnectionResetError, http.client.RemoteDisconnected, BrokenPipeError)):
        https_request(strict_broker, pki, "GET", "/status")
    strict_broker.log_line("reason: handshake_failure")


def test_cert_expiry_at_is_the_certificates_not_after(broker, pki):
    status, _, body = https_request(broker, pki, "GET", "/api/v5/prometheus/stats")
    assert status == 200
    text = body.decode()
    assert ('emqx_cert_expiry_at{listener_type="ssl",listener_name="default"} %d\n' % SERVER_NOT_AFTER) in text, text
    assert "# TYPE emqx_cert_expiry_at gauge\n" in text
    status, _, body = https_request(broker, pki, "GET", "/api/v5/prometheus/stats",
                                    headers={"Accept": "application/json"})
    assert json.loads(body)["emqx_cert_expiry_at"] == [
        {"listener_type": "ssl", "listener_name": "default", "value": SERVER_NOT_AFTER}]
    promtool = shutil.which("promtool")
    assert promtool, "promtool is not installed (bin/install-deps test installs Debian's prometheus)"
    p = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    assert p.returncode in (0, 3) and "emqx_cert_expiry_at" not in p.stdout + p.stderr, p


def test_a_missing_certfile_stops_the_start(tmp_path):
    code, out, err, _ = run_emqxd(["console"], env={
        "EMQX_DASHBOARD__LISTENERS__HTTPS__BIND": "127.0.0.1:%d" % free_port()})
    assert code == 1, (code, out, err)
    assert "dashboard.listeners.https: dashboard.listeners.https.ssl_options.certfile is not set" in err, err


def test_an_unreadable_key_stops_the_start(tmp_path, pki):
    missing = str(tmp_path / "nokey.pem")
    code, out, err, _ = run_emqxd(["console"], env={
        "EMQX_DASHBOARD__LISTENERS__HTTPS__BIND": "127.0.0.1:%d" % free_port(),
        "EMQX_DASHBOARD__LISTENERS__HTTPS__SSL_OPTIONS__CERTFILE": pki.path("server.pem"),
        "EMQX_DASHBOARD__LISTENERS__HTTPS__SSL_OPTIONS__KEYFILE": missing})
    assert code == 1, (code, out, err)
    assert ('cannot load dashboard.listeners.https.ssl_options.keyfile "%s": cannot read the file' % missing) in err, err

