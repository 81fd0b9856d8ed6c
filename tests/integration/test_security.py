"""Security holes closed (docs/security.md, "Threat model"), each test an attack:

* placeholder injection: a client id, username or certificate CN holding `#`,
  `+` or `/` never widens `${clientid}/#`-style rules (authorization.
  topic_template_allow.*), the reason is in the trace, authorization.deny counts;
* `$SYS` forgery: a client PUBLISH (or will) to `$SYS/...` is refused
  (authorization.allow_sys_publish = false) and never reaches a subscriber;
* wills: a will is a publish by its client, authorized at CONNECT and again
  when it is sent (also retained, also delayed, also after `acl reload`);
* the start-up warning for listeners reachable from other hosts without an
  authenticator.

Every "nothing arrives" check follows an allowed message through the same
path that does arrive, so a broken setup cannot pass."""
import os
import shutil
import subprocess
import tempfile
import time

import pytest

from harness import Broker, Client, free_port, wait_until
from harness.broker import emqxd_bin, is_mosquitto
from harness.pki import Ca
from test_authz import Raw, acl_broker, metrics
from test_ctl_common import ctl, emqxctl_bin, socket_path

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's authorization")

NODE = "emqx@127.0.0.1"

# The issue's own rules: each client may use only the tree named by its client id.
OWN_TREE = """{allow, all, publish, ["${clientid}/#"]}.
{allow, all, subscribe, ["${clientid}/#"]}.
{deny, all}.
"""


def _victim_publishes(b, victim):
    """The victim subscribes to its own tree (the positive control), then publishes a secret."""
    victim.subscribe("victim/#", 0)
    Client(b, "victim-pub", protocol=5).connect()
    victim.publish("victim/secret", b"s3cret", 0)
    m = victim.wait_message()
    assert (m.topic, m.payload) == ("victim/secret", b"s3cret")


@pytest.mark.parametrize("client_id", ["#", "+", "victim/#"])
def test_client_id_wildcard_does_not_widen_clientid_rule(make_broker, tmp_path, client_id):
    b, _ = acl_broker(make_broker, tmp_path, OWN_TREE, extra='no_match = "deny"\n')
    before = metrics(b)["authorization.deny"]
    attacker = Raw(b, client_id)
    assert attacker.sub("#") == 0x87
    assert attacker.sub("victim/#") == 0x87
    assert attacker.pub("victim/secret") == 0x87
    victim = Client(b, "victim", protocol=5)
    victim.connect()
    _victim_publishes(b, victim)
    assert metrics(b)["authorization.deny"] >= before + 3


def test_client_id_wildcard_attack_as_reported(make_broker, tmp_path):
    """The report: client id `#` subscribed to `#` and received victim/secret."""
    b, _ = acl_broker(make_broker, tmp_path, OWN_TREE)
    attacker = Client(b, "#", protocol=4)
    attacker.connect()
    attacker.subscribe("#", 0, expect=[0x80])
    honest = Client(b, "victim", protocol=4)
    honest.connect()
    _victim_publishes(b, honest)
    attacker.expect_no_message(0.5)


@pytest.mark.parametrize("username", ["#", "+", "victim/+"])
def test_username_wildcard_does_not_widen_username_rule(make_broker, tmp_path, username):
    rules = '{allow, all, subscribe, ["${username}/#", "%u/in"]}.\n{allow, all, publish, ["#"]}.\n{deny, all}.\n'
    b, _ = acl_broker(make_broker, tmp_path, rules)
    attacker = Raw(b, "a", username=username)
    assert attacker.sub("#") == 0x87
    assert attacker.sub("victim/in") == 0x87
    honest = Raw(b, "h", username="alice")
    assert honest.sub("alice/#") == 0  # the rule still serves honest users


def test_placeholder_refusal_is_traced_with_its_reason(make_broker, tmp_path):
    b, _ = acl_broker(make_broker, tmp_path, OWN_TREE)
    trace = tmp_path / "hash.log"
    ctl(b, "trace", "start", "client", "#", str(trace), "debug")
    attacker = Raw(b, "#")
    assert attacker.sub("#") == 0x87

    def traced():
        return trace.exists() and "authorization_permission_denied" in trace.read_text()

    wait_until(traced, 5, what="the denial in the trace")
    text = trace.read_text()
    assert "the value of ${clientid} holds '#'" in text, text
    assert "rule at line 3" in text, text  # the deny that decided, after line 2 was skipped


def test_topic_template_allow_hash_restores_the_old_behaviour(make_broker, tmp_path):
    """The keys exist for operators who want it: with .hash = true, client id `#` owns `#/#`."""
    b, _ = acl_broker(make_broker, tmp_path, OWN_TREE,
                      extra="[authorization.topic_template_allow]\nhash = true\n")
    assert Raw(b, "#").sub("#") == 0


@pytest.fixture(scope="module")
def pki():
    d = tempfile.mkdtemp(prefix="emqxd-security-pki-")
    ca = Ca(d)
    ca.issue("server", san="IP:127.0.0.1,DNS:localhost")
    ca.issue("hash", subject="/C=SE/O=EMQ/CN=#")
    ca.issue("victim", subject="/C=SE/O=EMQ/CN=victim")
    yield ca
    shutil.rmtree(d, ignore_errors=True)


def test_certificate_cn_wildcard_does_not_widen_username_rule(pki, tmp_path):
    """peer_cert_as_username = cn: a certificate whose CN is `#` gets no `#/#`."""
    port = free_port()
    acl = tmp_path / "acl.conf"
    acl.write_text('{allow, all, all, ["${username}/#"]}.\n{deny, all}.\n')
    config = ('[authorization]\nsources = [{type = "file", path = "%s"}]\n\n'
              '[mqtt]\npeer_cert_as_username = "cn"\n\n'
              '[listeners.ssl.default]\nenable = true\nbind = "127.0.0.1:%d"\n'
              'ssl_options.certfile = "%s"\nssl_options.keyfile = "%s"\nssl_options.cacertfile = "%s"\n'
              'ssl_options.verify = "verify_peer"\nssl_options.fail_if_no_peer_cert = true\n'
              % (acl, port, pki.path("server.pem"), pki.path("server.key"), pki.path("ca.pem")))

    def tls_client(b, name):
        c = Client(b, client_id=name + "-c", port=port)
        c.c.tls_set(ca_certs=pki.path("ca.pem"), certfile=pki.path(name + ".pem"), keyfile=pki.path(name + ".key"))
        c.connect()
        return c

    with Broker(config=config) as b:
        victim = tls_client(b, "victim")
        assert victim.subscribe("victim/#", 0) == [0]
        attacker = tls_client(b, "hash")
        attacker.subscribe("#", 0, expect=[0x87])
        attacker.subscribe("victim/#", 0, expect=[0x87])
        victim.publish("victim/t", b"mine", 0)
        assert victim.wait_message().payload == b"mine"
        attacker.expect_no_message(0.3)


# -- $SYS forgery -----------------------------------------------------------

FORGED = "$SYS/brokers/%s/clients/admin/connected" % NODE


def _event_watcher(b):
    w = Client(b, "sys-watch", protocol=5)
    w.connect()
    w.subscribe("$SYS/brokers/+/clients/+/connected", 0)
    return w


def _next_event_for(w, clientid, timeout=5):
    deadline = time.monotonic() + timeout
    while True:
        m = w.wait_message(max(0.05, deadline - time.monotonic()))
        assert b"forged" not in m.payload, "a forged $SYS event was delivered: %r" % (m,)
        if m.topic.endswith("/clients/%s/connected" % clientid):
            return m


@pytest.mark.parametrize("version", [4, 5])
def test_sys_publish_from_a_client_is_refused(make_broker, version):
    b = make_broker()
    w = _event_watcher(b)
    before = metrics(b)
    forger = Raw(b, "forger-%d" % version, version=version)
    # MQTT 5 is told 0x87; 3.1.1 has no way to say it: acknowledged and dropped.
    assert forger.pub(FORGED, qos=1) == (0x87 if version == 5 else 0)
    assert forger.pub(FORGED, qos=2) == (0x87 if version == 5 else 0)
    forger.pub(FORGED, qos=0)
    # The real event for a new client arrives, the forgeries never did.
    Client(b, "real-one", protocol=4).connect()
    _next_event_for(w, "real-one")
    w.expect_no_message(0.3)
    after = metrics(b)
    assert after["authorization.deny"] >= before["authorization.deny"] + 2
    assert after["packets.publish.dropped"] >= before["packets.publish.dropped"] + 2


def test_forged_payload_never_delivered_with_retain(make_broker):
    b = make_broker()
    forger = Client(b, "forger-r", protocol=4)
    forger.connect()
    forger.publish("$SYS/forged/version", b"forged", 1, retain=True)
    forger.publish("ok/after", b"x", 1, retain=True)
    late = Client(b, "late", protocol=5)
    late.connect()
    late.subscribe("ok/after", 0)
    assert late.wait_message().payload == b"x"  # retained messages are in
    late.subscribe("$SYS/forged/#", 0)
    late.expect_no_message(0.3)


def test_sys_will_is_refused(make_broker):
    b = make_broker()
    w = _event_watcher(b)
    c = Client(b, "will-forger", protocol=4, will={"topic": FORGED, "payload": b"forged"})
    c.connect()
    _next_event_for(w, "will-forger")
    c.close_abruptly()
    Client(b, "after-will", protocol=4).connect()
    _next_event_for(w, "after-will")
    w.expect_no_message(0.3)


def test_allow_sys_publish_lets_a_bridge_through(make_broker):
    b = make_broker(env={"EMQX_AUTHORIZATION__ALLOW_SYS_PUBLISH": "true"})
    w = Client(b, "w", protocol=5)
    w.connect()
    w.subscribe("$SYS/brokers/other@host/uptime", 0)
    bridge = Raw(b, "bridge", version=5)
    assert bridge.pub("$SYS/brokers/other@host/uptime", qos=1) == 0
    assert w.wait_message().topic == "$SYS/brokers/other@host/uptime"


# -- wills ---------------------------------------------------------------------

DENY_SECRET = '{deny, all, publish, ["secret/#"]}.\n{allow, all}.\n'


def _will_watcher(b):
    w = Client(b, "will-watch", protocol=5)
    w.connect()
    assert w.subscribe("secret/#", 1) == [1]
    assert w.subscribe("ok/#", 1) == [1]
    return w


def _control_will(b, w, n):
    """An allowed will from another client arrives: the path works."""
    c = Client(b, "control-%d" % n, protocol=4, will={"topic": "ok/will", "payload": b"control"})
    c.connect()
    c.close_abruptly()
    m = w.wait_message()
    assert (m.topic, m.payload) == ("ok/will", b"control")


@pytest.mark.parametrize("protocol", [4, 5])
def test_will_to_a_denied_topic_is_never_published(make_broker, tmp_path, protocol):
    b, _ = acl_broker(make_broker, tmp_path, DENY_SECRET)
    w = _will_watcher(b)
    before = metrics(b)["authorization.deny"]
    c = Client(b, "sneaky-%d" % protocol, protocol=protocol, will={"topic": "secret/will", "payload": b"leak"})
    assert c.connect().rc == 0  # as in EMQX, the CONNECT itself is accepted
    c.close_abruptly()
    _control_will(b, w, protocol)
    w.expect_no_message(0.3)
    assert metrics(b)["authorization.deny"] >= before + 1


def test_retained_will_to_a_denied_topic_is_not_retained(make_broker, tmp_path):
    b, _ = acl_broker(make_broker, tmp_path, DENY_SECRET)
    c = Client(b, "sneaky-ret", protocol=4, will={"topic": "secret/ret", "payload": b"leak", "retain": True})
    c.connect()
    c.close_abruptly()
    ok = Client(b, "ok-ret", protocol=4, will={"topic": "ok/ret", "payload": b"kept", "retain": True})
    ok.connect()
    ok.close_abruptly()
    late = Client(b, "late", protocol=5)
    late.connect()

    def ok_retained():
        late.subscribe("ok/ret", 0)
        try:
            return late.wait_message(0.2).payload == b"kept"
        except AssertionError:
            return False

    wait_until(ok_retained, 5, what="the allowed retained will")
    late.subscribe("secret/ret", 0)
    late.expect_no_message(0.3)


def test_delayed_will_is_checked_when_sent(make_broker, tmp_path):
    """Allowed at CONNECT, denied by an `acl reload` before the Will Delay ends: not sent."""
    b, path = acl_broker(make_broker, tmp_path, "{allow, all}.\n")
    w = _will_watcher(b)
    delayed = {"topic": "secret/delayed", "payload": b"leak", "props": {"WillDelayInterval": 1}}
    c = Client(b, "delayed", protocol=5, connect_props={"SessionExpiryInterval": 30}, will=delayed)
    c.connect()
    ok = Client(b, "delayed-ok", protocol=5, connect_props={"SessionExpiryInterval": 30},
                will={"topic": "ok/delayed", "payload": b"fine", "props": {"WillDelayInterval": 1}})
    ok.connect()
    c.close_abruptly()
    ok.close_abruptly()
    path.write_text(DENY_SECRET)
    ctl(b, "acl", "reload")
    m = w.wait_message(5)  # the allowed delayed will, after its delay
    assert (m.topic, m.payload) == ("ok/delayed", b"fine")
    w.expect_no_message(0.5)


def test_will_checked_again_at_send_after_reload(make_broker, tmp_path):
    b, path = acl_broker(make_broker, tmp_path, "{allow, all}.\n")
    w = _will_watcher(b)
    c = Client(b, "reloaded", protocol=4, will={"topic": "secret/x", "payload": b"leak"})
    c.connect()
    path.write_text(DENY_SECRET)
    ctl(b, "acl", "reload")
    c.close_abruptly()
    _control_will(b, w, 9)
    w.expect_no_message(0.3)


def test_will_refusal_is_traced(make_broker, tmp_path):
    b, _ = acl_broker(make_broker, tmp_path, DENY_SECRET)
    trace = tmp_path / "will.log"
    ctl(b, "trace", "start", "client", "traced-will", str(trace), "debug")
    c = Client(b, "traced-will", protocol=5, connect_props={"SessionExpiryInterval": 0},
               will={"topic": "secret/t", "payload": b"leak"})
    c.connect()
    c.close_abruptly()
    wait_until(lambda: trace.exists() and "last_will_testament_publish_denied" in trace.read_text(), 5,
               what="the will refusal in the trace")
    assert "not authorized at CONNECT" in trace.read_text()


# -- the start-up warning -----------------------------------------------------------

def _start_output(env, config=None):
    """What emqxd printed up to "is running now!" (the warnings come before it): the
    listeners accept a moment before that line is written."""
    with Broker(env=env, config=config) as b:
        b.log_line("is running now!")
        return b.log()


def _isolated_start_output(tmp_path, bind, config=None):
    """emqxd with its TCP listener on `bind` (a wildcard address), started in a network
    namespace of its own (`unshare --net`: nothing outside this test can reach it),
    until it says it is running; its output up to then, and it is stopped by its PID."""
    env = dict(os.environ, EMQX_LISTENERS__TCP__DEFAULT__BIND=bind, EMQX_LISTENERS__WS__DEFAULT__ENABLE="false",
               EMQX_NODE__DATA_DIR=str(tmp_path / "data"))
    cmd = ["unshare", "--net", "--", emqxd_bin(), "console"]
    if config is not None:
        (tmp_path / "emqx.toml").write_text(config)
        cmd += ["-c", str(tmp_path / "emqx.toml")]
    log = tmp_path / "isolated.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                cwd=tmp_path)
    try:
        wait_until(lambda: "is running now!" in log.read_text() or proc.poll() is not None, 10,
                   what="the isolated broker to start")
        return log.read_text()
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(10)


WARNING = "WARNING: No authenticator is enabled"


def test_warning_for_an_exposed_anonymous_listener(tmp_path):
    out = _isolated_start_output(tmp_path, "0.0.0.0:1883")
    assert "is running now!" in out, out
    assert WARNING + ": any client may connect anonymously to tcp:default on 0.0.0.0:1883." in out, out
    assert "Configure `authentication`" in out, out


def test_no_warning_on_loopback_or_with_an_authenticator(tmp_path):
    out = _start_output({})  # the harness binds 127.0.0.1 only
    assert "is running now!" in out and WARNING not in out, out
    users = tmp_path / "users.csv"
    users.write_text("user_id,password,is_superuser\nalice,pw,false\n")
    config = ('authentication = [{mechanism = "password_based", backend = "built_in_database", '
              'bootstrap_file = "%s"}]\n' % users)
    out = _isolated_start_output(tmp_path, "[::]:1883", config)
    assert "is running now!" in out and WARNING not in out, out


# -- wildcard subscriptions and deny rules ----------------------------------------

DENY_READ_SECRET = '{deny, all, subscribe, ["secret/#"]}.\n{allow, all}.\n'


def _wildcard_reader(b, cid="reader", clean=True):
    r = Client(b, cid, protocol=5, clean=clean, connect_props=None if clean else {"SessionExpiryInterval": 60})
    r.connect()
    assert r.subscribe("#", 1) == [1]  # the filter is not covered by the deny rule: granted
    return r


def test_wildcard_subscriber_reads_denied_topics_by_default(make_broker, tmp_path):
    """EMQX's behaviour (issue #12312): the filter is checked once, at SUBSCRIBE."""
    b, _ = acl_broker(make_broker, tmp_path, DENY_READ_SECRET)
    r = _wildcard_reader(b)
    p = Client(b, "pub", protocol=5)
    p.connect()
    p.publish("secret/x", b"s", 1)
    assert r.wait_message().topic == "secret/x"


def test_check_on_delivery_keeps_denied_topics_from_wildcard_subscribers(make_broker, tmp_path):
    b, _ = acl_broker(make_broker, tmp_path, DENY_READ_SECRET, extra="check_on_delivery = true\n")
    p = Client(b, "pub", protocol=5)
    p.connect()
    p.publish("secret/retained", b"r", 1, retain=True)
    p.publish("ok/retained", b"r", 1, retain=True)
    r = _wildcard_reader(b)
    assert r.wait_message().topic == "ok/retained"  # retained messages are checked too
    before = metrics(b)["delivery.dropped.not_authorized"]
    for i in range(3):
        p.publish("secret/x", b"s%d" % i, 1)
        p.publish("ok/x", b"o%d" % i, 1)
    got = r.wait_messages(3)
    assert [(m.topic, m.payload) for m in got] == [("ok/x", b"o0"), ("ok/x", b"o1"), ("ok/x", b"o2")]
    r.expect_no_message(0.3)
    assert metrics(b)["delivery.dropped.not_authorized"] >= before + 3


def test_check_on_delivery_checks_queued_messages_when_sent(make_broker, tmp_path):
    """Queued while offline, then a rule denies the topic: the resumed session does not get it."""
    b, path = acl_broker(make_broker, tmp_path, "{allow, all}.\n", extra="check_on_delivery = true\n")
    r = _wildcard_reader(b, "offline-reader", clean=False)
    r.disconnect()
    p = Client(b, "pub", protocol=5)
    p.connect()
    p.publish("secret/q", b"queued", 1)
    p.publish("ok/q", b"queued", 1)
    path.write_text(DENY_READ_SECRET)
    ctl(b, "acl", "reload")
    r2 = Client(b, "offline-reader", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 60})
    assert r2.connect().session_present is True
    assert r2.wait_message().topic == "ok/q"
    r2.expect_no_message(0.3)


# -- the control socket -----------------------------------------------------------

def test_ctl_socket_refuses_another_uid(make_broker):
    """Even with the socket file opened up (mode 0666), another uid is refused by SO_PEERCRED."""
    b = make_broker()
    sock = socket_path(b)
    for d in (b.tmpdir, os.path.dirname(sock)):
        os.chmod(d, 0o711)  # mkdtemp's 0700 would stop the other uid before the daemon could
    os.chmod(sock, 0o666)
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", emqxctl_bin(), "--socket", sock]
    p = subprocess.run(as_nobody + ["status"], capture_output=True, text=True, timeout=20)
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert "uid 65534 may not control this daemon" in p.stderr, (p.stdout, p.stderr)
    p = subprocess.run(as_nobody + ["--json", "status"], capture_output=True, text=True, timeout=20)
    assert p.returncode == 1 and '"forbidden"' in p.stdout + p.stderr, (p.returncode, p.stdout, p.stderr)
    ctl(b, "status")  # root (the daemon's own uid) still gets in
