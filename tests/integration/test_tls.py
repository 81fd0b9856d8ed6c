"""TLS listeners (ssl): real `openssl s_client` and mosquitto clients against
certificates made by `openssl` in a temp dir. The five TLS failures EMQX names
(certificate_expired, no_suitable_cipher, handshake_failure, unknown_ca,
protocol_version) are each provoked and read back from `emqxctl listeners`;
session resumption (TLS 1.2 cache, TLS 1.3 tickets) shows as `Reused`."""
import os
import re
import socket
import subprocess
import tempfile
import time

import pytest

from harness import Broker, free_port, wait_until
from harness.broker import is_mosquitto
from test_ctl_common import ctl_json, shutdown_counts  # noqa: F401

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's TLS listeners and counters")


def _openssl(*args, cwd):
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True, capture_output=True, timeout=60)


def _make_ca(d, name):
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".pem",
             "-days", "30", "-subj", "/CN=" + name, cwd=d)


def _make_cert(d, name, ca, days="30", san=None):
    _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
             "-subj", "/CN=" + name, cwd=d)
    args = ["x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key", "-CAcreateserial",
            "-out", name + ".pem", "-days", days]
    if san:
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write("subjectAltName=%s\n" % san)
        args += ["-extfile", name + ".ext"]
    _openssl(*args, cwd=d)


@pytest.fixture(scope="module")
def certs():
    d = tempfile.mkdtemp(prefix="emqxd-tls-")
    _make_ca(d, "ca")
    _make_ca(d, "otherca")
    _make_cert(d, "server", "ca", san="IP:127.0.0.1,DNS:localhost")
    _make_cert(d, "client", "ca")
    _make_cert(d, "expired", "ca", days="-1")
    _make_cert(d, "stranger", "otherca")
    return d


class TlsBroker:
    """A broker with four ssl listeners: default (verify_none), peer
    (verify_peer + fail_if_no_peer_cert), cipher (TLS 1.2, one suite), v13 (TLS 1.3 only)."""

    def __init__(self, certs):
        self.ports = {n: free_port() for n in ("default", "peer", "cipher", "v13")}
        c = lambda f: os.path.join(certs, f)  # noqa: E731
        common = 'ssl_options.certfile = "%s"\nssl_options.keyfile = "%s"\n' % (c("server.pem"), c("server.key"))
        self.config = ""
        for name, extra in (("default", ""),
                            ("peer", 'ssl_options.verify = "verify_peer"\nssl_options.fail_if_no_peer_cert = true\n'
                                     'ssl_options.cacertfile = "%s"\n' % c("ca.pem")),
                            ("cipher", 'ssl_options.versions = ["tlsv1.2"]\n'
                                       'ssl_options.ciphers = ["ECDHE-RSA-AES128-GCM-SHA256"]\n'),
                            ("v13", 'ssl_options.versions = ["tlsv1.3"]\n')):
            self.config += '[listeners.ssl.%s]\nenable = true\nbind = "127.0.0.1:%d"\n%s%s\n' % (
                name, self.ports[name], common, extra)
        self.broker = Broker(config=self.config, env={"EMQX_SYS_TOPICS__SYS_MSG_INTERVAL": "disabled"})

    def __enter__(self):
        self.broker.start()
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            print(self.broker.describe())
        self.broker.stop()


def s_client(port, *args, certs, stdin_wait=0.0):
    cmd = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-CAfile", os.path.join(certs, "ca.pem")]
    cmd += list(args)
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if stdin_wait:
        time.sleep(stdin_wait)  # lets s_client read what follows the handshake (TLS 1.3 tickets, alerts)
    out, _ = p.communicate(b"", timeout=20)
    return out.decode(errors="replace")


def _expect_count(tb, listener, word, n=1):
    def check():
        return shutdown_counts(tb.broker, "ssl:" + listener).get(word, 0) >= n
    try:
        wait_until(check, 5, what="%s counted on ssl:%s" % (word, listener))
    except AssertionError:
        raise AssertionError("ssl:%s shutdown_count %r, expected %s" % (
            listener, shutdown_counts(tb.broker, "ssl:" + listener), word)) from None


def test_five_tls_failures_are_named_and_counted(certs):
    c = lambda f: os.path.join(certs, f)  # noqa: E731
    with TlsBroker(certs) as tb:
        # an expired client certificate, verify_peer
        s_client(tb.ports["peer"], "-cert", c("expired.pem"), "-key", c("expired.key"), certs=certs, stdin_wait=0.5)
        _expect_count(tb, "peer", "certificate_expired")
        # a client certificate from a CA the listener does not know
        s_client(tb.ports["peer"], "-cert", c("stranger.pem"), "-key", c("stranger.key"), certs=certs, stdin_wait=0.5)
        _expect_count(tb, "peer", "unknown_ca")
        # verify_peer + fail_if_no_peer_cert and no client certificate: OpenSSL answers
        # with a handshake_failure alert (TLS 1.2; TLS 1.3 names it certificate_required)
        out = s_client(tb.ports["peer"], "-tls1_2", certs=certs, stdin_wait=0.5)
        assert "handshake failure" in out or "alert" in out, out
        _expect_count(tb, "peer", "handshake_failure")
        # the server takes one TLS 1.2 suite, the client offers another
        out = s_client(tb.ports["cipher"], "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384", certs=certs)
        assert "handshake failure" in out or "alert" in out, out
        _expect_count(tb, "cipher", "no_suitable_cipher")
        # the server speaks TLS 1.3 only, the client TLS 1.2 only
        out = s_client(tb.ports["v13"], "-tls1_2", certs=certs)
        assert "protocol version" in out or "alert" in out, out
        _expect_count(tb, "v13", "protocol_version")
        # logged with the same words
        for word in ("certificate_expired", "unknown_ca", "handshake_failure", "no_suitable_cipher", "protocol_version"):
            tb.broker.log_line(word)
        # the good client certificate passes the same listener; the broker kept serving
        out = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(tb.ports["peer"]), "--cafile", c("ca.pem"),
                              "--cert", c("client.pem"), "--key", c("client.key"), "-t", "tls/peer", "-m", "x",
                              "-i", "good-cert"], capture_output=True, timeout=20)
        assert out.returncode == 0, out


def test_a_flood_of_bad_handshakes_logs_a_bounded_number_of_lines(certs):
    """Failed TLS handshakes go through the worker's throttled protocol-error log:
    every one is written or counted in a summary line, and few lines are written."""
    flood = 120
    c = lambda f: os.path.join(certs, f)  # noqa: E731
    config = ('[listeners.ssl.default]\nenable = true\nbind = "127.0.0.1:%d"\nssl_options.certfile = "%s"\n'
              'ssl_options.keyfile = "%s"\n' % (free_port(), c("server.pem"), c("server.key")))
    port = int(re.search(r"127.0.0.1:(\d+)", config).group(1))
    env = {"EMQX_NODE__WORKERS": "1", "EMQX_LOG__THROTTLING__TIME_WINDOW": "2s"}
    with Broker(config=config, env=env, name="tls-flood") as b:
        for _ in range(flood):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                while s.recv(4096):
                    pass

        def written():
            return [ln for ln in b.log().splitlines() if "msg: ssl_handshake_error" in ln]

        def dropped():
            return sum(int(n) for n in re.findall(r"dropped: (\d+), period: 2000 ms", b.log()))

        wait_until(lambda: len(written()) + dropped() == flood, 10, what="every failed handshake written or summed up")
        windows = len(re.findall(r"similar messages suppressed", b.log()))
        assert 1 <= windows and len(written()) <= 10 * (1 + windows), (len(written()), windows)
        assert all("peername: 127.0.0.1:" in ln and "listener ssl:default" in ln for ln in written()), written()[:2]


def test_mosquitto_pub_sub_over_tls(certs):
    c = lambda f: os.path.join(certs, f)  # noqa: E731
    with TlsBroker(certs) as tb:
        port = str(tb.ports["default"])
        sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", port, "--cafile", c("ca.pem"), "-t", "tls/t",
                                "-C", "1", "-W", "15", "-i", "tls-sub", "-q", "1"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
        time.sleep(1.0)  # the subscriber connects and subscribes; QoS 1 and retries cover a slow start
        for _ in range(3):
            p = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", port, "--cafile", c("ca.pem"), "-t", "tls/t",
                                "-m", "over-tls", "-q", "1", "-i", "tls-pub"], capture_output=True, timeout=20)
            assert p.returncode == 0, p
            if sub.poll() is not None:
                break
            time.sleep(0.5)
        out, err = sub.communicate(timeout=20)
        assert out.decode().strip() == "over-tls", (out, err)


@pytest.mark.parametrize("version", ["-tls1_2", "-tls1_3"])
def test_session_resumption(certs, version):
    with TlsBroker(certs) as tb, tempfile.TemporaryDirectory() as d:
        sess = os.path.join(d, "sess.pem")
        first = s_client(tb.ports["default"], version, "-sess_out", sess, certs=certs, stdin_wait=0.5)
        assert "New, TLS" in first, first
        assert os.path.getsize(sess) > 0
        second = s_client(tb.ports["default"], version, "-sess_in", sess, certs=certs, stdin_wait=0.5)
        assert "Reused, TLS" in second, second


def test_bad_certificate_file_fails_the_start(certs):
    missing = os.path.join(certs, "no-such.pem")
    b = Broker(env={"EMQX_LISTENERS__SSL__DEFAULT__ENABLE": "true",
                    "EMQX_LISTENERS__SSL__DEFAULT__BIND": "127.0.0.1:%d" % free_port(),
                    "EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__CERTFILE": missing,
                    "EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__KEYFILE": os.path.join(certs, "server.key")})
    with pytest.raises(AssertionError):
        b.start()
    assert b.proc.wait(10) == 1
    log = b.log()
    assert "ssl:default" in log and missing in log, log
    b.stop()
