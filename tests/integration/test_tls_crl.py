"""CRL checks (ssl_options.enable_crl_check + crlfile, with verify_peer): a
client certificate revoked by `openssl ca -revoke` and listed in the CRL from
`openssl ca -gencrl` is refused (counted `certificate_revoked`), a good one
is accepted; `emqxctl pem_cache clean` reloads the CRL; a missing or empty
crlfile fails the start naming the key and the file."""
import shutil
import tempfile

import pytest

from harness import Broker, Client, free_port, wait_until
from harness.broker import is_mosquitto
from harness.pki import Ca, s_client_until_closed
from test_ctl_common import ctl, shutdown_counts

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's CRL checks")


@pytest.fixture
def pki():
    d = tempfile.mkdtemp(prefix="emqxd-crl-")
    ca = Ca(d)
    ca.issue("server", san="IP:127.0.0.1,DNS:localhost")
    for name in ("good", "revoked", "later"):
        ca.issue(name)
    ca.revoke("revoked")
    ca.gencrl()
    yield ca
    shutil.rmtree(d, ignore_errors=True)


def _config(ca, port, crlfile=None):
    return ('[listeners.ssl.default]\nenable = true\nbind = "127.0.0.1:%d"\n'
            'ssl_options.certfile = "%s"\nssl_options.keyfile = "%s"\nssl_options.cacertfile = "%s"\n'
            'ssl_options.verify = "verify_peer"\nssl_options.fail_if_no_peer_cert = true\n'
            'ssl_options.enable_crl_check = true\nssl_options.crlfile = "%s"\n'
            % (port, ca.path("server.pem"), ca.path("server.key"), ca.path("ca.pem"),
               ca.path("crl.pem") if crlfile is None else crlfile))


def _mqtt_ok(broker, ca, port, name):
    c = Client(broker, client_id="crl-" + name, port=port, protocol=4)
    c.c.tls_set(ca_certs=ca.path("ca.pem"), certfile=ca.path(name + ".pem"), keyfile=ca.path(name + ".key"))
    c.connect()
    c.subscribe("crl/" + name, qos=1)
    c.publish("crl/" + name, b"ok", qos=1)
    assert c.wait_message().payload == b"ok"
    c.disconnect()


def _refused_revoked(broker, ca, port, name, n):
    out = s_client_until_closed(port, ca.path("ca.pem"), ca.path(name + ".pem"), ca.path(name + ".key"))
    assert "certificate revoked" in out, out
    wait_until(lambda: shutdown_counts(broker, "ssl:default").get("certificate_revoked", 0) == n, 5,
               what="certificate_revoked counted %d times" % n)


def test_revoked_client_certificate_is_refused_and_clean_reloads_the_crl(pki):
    port = free_port()
    with Broker(config=_config(pki, port)) as b:
        _refused_revoked(b, pki, port, "revoked", 1)
        _mqtt_ok(b, pki, port, "good")
        _mqtt_ok(b, pki, port, "later")
        b.log_line("certificate_revoked")

        # Revoke a second certificate: refused only once the CRL is reloaded.
        pki.revoke("later")
        pki.gencrl()
        _mqtt_ok(b, pki, port, "later")
        ctl(b, "pem_cache", "clean", "all")
        _refused_revoked(b, pki, port, "later", 2)
        _mqtt_ok(b, pki, port, "good")


@pytest.mark.parametrize("what", ["unset", "missing", "empty", "not_a_crl"])
def test_crl_check_without_a_usable_crlfile_fails_the_start(pki, what):
    path = {"unset": "", "missing": pki.path("no-such-crl.pem"), "empty": pki.path("empty.pem"),
            "not_a_crl": pki.path("ca.pem")}[what]
    if what == "empty":
        open(path, "w").close()
    b = Broker(config=_config(pki, free_port(), crlfile=path))
    with pytest.raises(AssertionError):
        b.start()
    assert b.proc.wait(10) == 1
    log = b.log()
    assert "ssl:default" in log and "ssl_options.crlfile" in log, log
    if path:
        assert path in log, log
    b.stop()


def test_crl_check_needs_verify_peer(pki):
    config = _config(pki, free_port()).replace('ssl_options.verify = "verify_peer"', 'ssl_options.verify = "verify_none"')
    b = Broker(config=config)
    with pytest.raises(AssertionError):
        b.start()
    assert b.proc.wait(10) == 1
    assert "enable_crl_check" in b.log() and "verify_peer" in b.log(), b.log()
    b.stop()
