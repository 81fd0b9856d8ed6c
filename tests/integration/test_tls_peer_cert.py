"""mqtt.peer_cert_as_username / peer_cert_as_clientid: on an ssl listener, the
client certificate's CN, DN or MD5 replaces the username / client id the
CONNECT carried, and that is what the ACL (`${username}`) and emqxctl see.
Without a certificate (or on plain TCP) the client's own values stay."""
import hashlib
import shutil
import tempfile

import pytest

from harness import Broker, Client, free_port
from harness.broker import is_mosquitto
from harness.pki import Ca
from test_ctl_common import ctl_json

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's peer_cert_as_* options")

ALICE_DN = "CN=alice,O=EMQ,C=SE"


@pytest.fixture(scope="module")
def pki():
    d = tempfile.mkdtemp(prefix="emqxd-peer-cert-")
    ca = Ca(d)
    ca.issue("server", san="IP:127.0.0.1,DNS:localhost")
    ca.issue("alice", subject="/C=SE/O=EMQ/CN=alice")
    yield ca
    shutil.rmtree(d, ignore_errors=True)


def _broker(ca, tmp_path, mqtt):
    """An ssl listener (returned port) and a wss listener (b.wss_port), both asking for a certificate."""
    port, wss_port = free_port(), free_port()
    acl = tmp_path / "acl.conf"
    acl.write_text('{allow, all, all, ["${username}/#"]}.\n{deny, all}.\n')
    config = ('[authorization]\nsources = [{type = "file", path = "%s"}]\nno_match = "deny"\n\n'
              '[mqtt]\n%s\n'
              '[listeners.ssl.default]\nenable = true\nbind = "127.0.0.1:%d"\n'
              'ssl_options.certfile = "%s"\nssl_options.keyfile = "%s"\nssl_options.cacertfile = "%s"\n'
              'ssl_options.verify = "verify_peer"\n'  # a certificate is asked for, not required
              % (acl, mqtt, port, ca.path("server.pem"), ca.path("server.key"), ca.path("ca.pem")))
    config += ('[listeners.wss.default]\nenable = true\nbind = "127.0.0.1:%d"\n'
               'ssl_options.certfile = "%s"\nssl_options.keyfile = "%s"\nssl_options.cacertfile = "%s"\n'
               'ssl_options.verify = "verify_peer"\n'
               % (wss_port, ca.path("server.pem"), ca.path("server.key"), ca.path("ca.pem")))
    b = Broker(config=config)
    b.wss_port = wss_port
    return b, port


def _tls_client(b, ca, port, client_id, username, cert=True, transport="tcp"):
    c = Client(b, client_id=client_id, port=port, username=username, transport=transport)
    if transport == "websockets":
        c.c.ws_set_options(path="/mqtt")
    kw = {"certfile": ca.path("alice.pem"), "keyfile": ca.path("alice.key")} if cert else {}
    c.c.tls_set(ca_certs=ca.path("ca.pem"), **kw)
    c.connect()
    return c


def _clients(b):
    return {c["clientid"]: c for c in ctl_json(b, "clients", "list")["clients"]}


def test_cn_as_username_and_dn_as_clientid(pki, tmp_path):
    b, port = _broker(pki, tmp_path, 'peer_cert_as_username = "cn"\npeer_cert_as_clientid = "dn"\n')
    with b:
        c = _tls_client(b, pki, port, "claimed-id", "mallory")
        # The ACL's ${username} is the certificate's CN, not what the CONNECT said.
        c.subscribe("alice/#", qos=1)
        c.subscribe("mallory/#", qos=1, expect=[0x87])
        clients = _clients(b)
        assert "claimed-id" not in clients, clients
        assert clients[ALICE_DN]["username"] == "alice", clients
        assert ctl_json(b, "clients", "show", ALICE_DN)["client"]["username"] == "alice"

        # No client certificate: the client's own username and client id stay.
        n = _tls_client(b, pki, port, "no-cert", "bob", cert=False)
        n.subscribe("bob/#", qos=1)
        # Plain TCP: the same.
        t = Client(b, client_id="plain", username="carol")
        t.connect()
        t.subscribe("carol/#", qos=1)
        clients = _clients(b)
        assert clients["no-cert"]["username"] == "bob" and clients["plain"]["username"] == "carol", clients


def test_cn_as_clientid_and_md5_as_username(pki, tmp_path):
    b, port = _broker(pki, tmp_path, 'peer_cert_as_username = "md5"\npeer_cert_as_clientid = "cn"\n')
    with b:
        _tls_client(b, pki, port, "", "mallory")  # an empty client id is fine: the CN replaces it
        md5 = hashlib.md5(pki.der("alice")).hexdigest()  # EMQX: hex MD5 of the DER certificate
        clients = _clients(b)
        assert list(clients) == ["alice"], clients
        assert clients["alice"]["username"] == md5, clients


def test_cn_as_username_over_wss(pki, tmp_path):
    b, _ = _broker(pki, tmp_path, 'peer_cert_as_username = "cn"\n')
    with b:
        c = _tls_client(b, pki, b.wss_port, "over-wss", "mallory", transport="websockets")
        c.subscribe("alice/#", qos=1)
        assert _clients(b)["over-wss"]["username"] == "alice"
        # pem_cache clean covers wss listeners too; the WSS connection carries on.
        assert ctl_json(b, "pem_cache", "clean", "all")["listeners"] == ["ssl:default", "wss:default"]
        c.publish("alice/x", b"after clean", qos=1)
        assert c.wait_message().payload == b"after clean"
