"""`emqxctl pem_cache clean all`: an ssl listener's certificate files are
re-read for new handshakes only when asked; connections made before keep
working; a bad file is refused with the listener, the key and the file named,
and the listener keeps the certificate it had."""
import os
import shutil
import tempfile

import pytest

from harness import Broker, Client, free_port
from harness.broker import is_mosquitto
from harness.pki import Ca, served_subject
from test_ctl_common import ctl, ctl_json, run_ctl

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's emqxctl pem_cache")


@pytest.fixture
def pki():
    d = tempfile.mkdtemp(prefix="emqxd-pem-cache-")
    ca = Ca(d)
    for name in ("server-a", "server-b"):
        ca.issue(name, san="IP:127.0.0.1,DNS:localhost")
    yield ca
    shutil.rmtree(d, ignore_errors=True)


def _install(ca, name, live_cert, live_key):
    shutil.copyfile(ca.path(name + ".pem"), live_cert)
    shutil.copyfile(ca.path(name + ".key"), live_key)


def test_pem_cache_clean_reloads_for_new_handshakes_only(pki):
    live_cert, live_key = pki.path("live.pem"), pki.path("live.key")
    _install(pki, "server-a", live_cert, live_key)
    port = free_port()
    config = ('[listeners.ssl.default]\nenable = true\nbind = "127.0.0.1:%d"\n'
              'ssl_options.certfile = "%s"\nssl_options.keyfile = "%s"\n' % (port, live_cert, live_key))
    with Broker(config=config, env={"EMQX_SYS_TOPICS__SYS_MSG_INTERVAL": "disabled"}) as b:
        ca = pki.path("ca.pem")
        assert served_subject(port, ca) == "CN = server-a"
        old = Client(b, client_id="before-reload", port=port, protocol=4)
        old.c.tls_set(ca_certs=ca)
        old.connect()
        old.subscribe("pem/t", qos=1)

        # New files on disk are not used until asked.
        _install(pki, "server-b", live_cert, live_key)
        assert served_subject(port, ca) == "CN = server-a"

        out = ctl(b, "pem_cache", "clean", "all")
        assert out.strip() == "PEM cache clean OK", out
        assert served_subject(port, ca) == "CN = server-b"
        # The connection made with A's context goes on working.
        old.publish("pem/t", b"still here", qos=1)
        assert old.wait_message().payload == b"still here"
        assert ctl_json(b, "pem_cache", "clean")["listeners"] == ["ssl:default"]  # "all" is the default

        # A garbage certificate is refused, naming listener, key and file; B stays in force.
        with open(live_cert, "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
        p = run_ctl(b, "pem_cache", "clean", "all")
        assert p.returncode == 1, (p.stdout, p.stderr)
        for word in ("ssl:default", "listeners.ssl.default.ssl_options.certfile", live_cert):
            assert word in p.stderr, (word, p.stderr)
        assert served_subject(port, ca) == "CN = server-b"

        # A key that does not belong to the certificate is refused too.
        shutil.copyfile(pki.path("server-a.pem"), live_cert)
        shutil.copyfile(pki.path("server-b.key"), live_key)
        p = run_ctl(b, "pem_cache", "clean")
        assert p.returncode == 1 and "does not match" in p.stderr and live_key in p.stderr, (p.stdout, p.stderr)
        assert served_subject(port, ca) == "CN = server-b"
        old.publish("pem/t", b"after refusals", qos=1)
        assert old.wait_message().payload == b"after refusals"


def test_pem_cache_clean_validates_every_listener_before_swapping(pki):
    """Two listeners: when the second one's new file is bad, the first keeps its old certificate too."""
    files = {}
    config = ""
    ports = {}
    for name in ("one", "two"):
        ports[name] = free_port()
        files[name] = (pki.path(name + "-live.pem"), pki.path(name + "-live.key"))
        _install(pki, "server-a", *files[name])
        config += ('[listeners.ssl.%s]\nenable = true\nbind = "127.0.0.1:%d"\n'
                   'ssl_options.certfile = "%s"\nssl_options.keyfile = "%s"\n' % (name, ports[name], *files[name]))
    with Broker(config=config) as b:
        ca = pki.path("ca.pem")
        _install(pki, "server-b", *files["one"])
        os.remove(files["two"][0])
        p = run_ctl(b, "pem_cache", "clean", "all")
        assert p.returncode == 1 and "ssl:two" in p.stderr and files["two"][0] in p.stderr, (p.stdout, p.stderr)
        assert served_subject(ports["one"], ca) == "CN = server-a"
        assert served_subject(ports["two"], ca) == "CN = server-a"
        p = run_ctl(b, "pem_cache", "clean", "node1")
        assert p.returncode == 2, (p.stdout, p.stderr)  # bad_args: only "all"
