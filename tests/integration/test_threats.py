"""Threat-model tests (issue 16, item 6): attacks a hostile client tries, against the real daemon.

Each test makes the attack and shows that the defence holds; every "nothing arrives" check
comes after an allowed control message has arrived through the same path, so a broken
setup cannot make a test pass by itself.

1. Topic aliases never reach what the plain topic may not: the alias is resolved to its
   topic before the ACL check (emqxd/protocol/channel_publish.cpp `Channel::onPublish`,
   then `publishAllowed` in channel_authz.cpp); an unknown alias is a Protocol Error
   (DISCONNECT 0x82, as EMQX's process_alias), alias 0 / above the maximum 0x94 (the
   plain cases are in test_mqtt5.py); aliases live on the connection (`Channel::aliases_`).
2. Shared-subscription prefixes never widen a filter: the ACL checks `$share/<g>/<f>` and
   `$queue/<f>` as `<f>` (emqxd/authz/authz.cpp, `Authorizer::decide`); malformed shares are
   refused by common/topic/topic.cpp `parseShared` (v5: DISCONNECT 0x8F from
   emqxd/protocol/channel_subscribe.cpp `fatalSubscribeError`; 3.1.1: SUBACK 0x80, where
   EMQX closes the connection).
3. Taking over another client's id: takeover by client id is MQTT/EMQX behaviour (the old
   connection gets DISCONNECT 0x8E, emqxd/protocol/channel_connect.cpp); what protects an
   id is authentication before takeover (`Channel::onConnect`: bans and the authentication
   chain run before `admitted`) and binding the id to a credential with
   `user_id_type = "clientid"` (emqxd/auth/security.cpp). As in EMQX (emqx-docs PR #3725),
   a user with valid credentials of his own may take over another user's client id and
   resume its session with its subscriptions; publishing stays authorized per message.
4. Topics / strings with NUL or invalid UTF-8 are malformed: common/mqtt/byte_reader.h
   `isValidMqttUtf8` (through `readUtf8` in common/mqtt/decoder_internal.h, used by
   decode_packets.cpp and decode_connect.cpp); a bad CONNECT is refused by
   `Channel::protocolError` (emqxd/protocol/channel.cpp). Structural malformations
   (overruns, flags, reserved types...) are in test_malformed.py, not repeated here.
5. Passwords never in logs, traces or emqxctl output: the trace prints `Password=******`
   (common/trace/trace_format.cpp), users are stored hashed (emqxd/auth/password_hash.cpp,
   user_store.cpp / rocksdb_user_store.cpp), and no log line formats a password.

The control socket's refusal of another uid (SO_PEERCRED), and the attacks on
authorization placeholders, $SYS and wills, are in test_security.py.
"""
import json
import os
import struct

import pytest

from harness import Broker, Client, RawClient, use_shared_broker, wait_until
from harness import mqttbytes as mb
from test_ctl_common import ctl, ctl_json, pytestmark  # noqa: F401

QUIET = 0.4  # the "nothing else arrives" window, after a control message has arrived


# -- shared brokers (one per configuration, for the whole module) -----------------------------

def _start(name, config=None, env=None, users=()):
    """A broker; `users`: (user id, password) pairs added to its built-in database."""
    b = Broker(config=config, env=env, name=name)
    b.start()
    for user_id, password in users:
        ctl(b, "users", "add", user_id, password)
    return b


# Classes 1 and 2. "watcher*" sees everything, "insider" may publish under secret/ (so that
# class 2 has something secret to leak); nobody else may publish or subscribe under secret/,
# and "#" itself may not be subscribed (EMQX's {eq, "#"} idiom).
THREAT_ACL = r'''
{allow, {clientid, {re, "^watcher"}}, subscribe, ["#"]}.
{allow, {clientid, "insider"}, publish, ["secret/#"]}.
{deny, all, all, ["secret/#"]}.
{deny, all, subscribe, [{eq, "#"}]}.
{allow, all}.
'''


@pytest.fixture(scope="module")
def _acl_broker(tmp_path_factory):
    path = tmp_path_factory.mktemp("threats-acl") / "acl.conf"
    path.write_text(THREAT_ACL)
    b = _start("threats-acl", config='[authorization]\nsources = [{type = "file", path = "%s"}]\n' % path)
    yield b
    b.stop()


@pytest.fixture
def acl_broker(request, _acl_broker):
    return use_shared_broker(request, _acl_broker)


@pytest.fixture(scope="module")
def _plain_broker():
    b = _start("threats-plain")
    yield b
    b.stop()


@pytest.fixture
def plain_broker(request, _plain_broker):
    return use_shared_broker(request, _plain_broker)


def builtin(id_type="username"):
    return ('authentication = [{mechanism = "password_based", backend = "built_in_database", '
            'user_id_type = "%s", password_hash_algorithm = "sha256"}]\n' % id_type)


# Class 3: users may only use topics under their own username.
USER_ACL = r'''
{allow, all, all, ["${username}/#"]}.
{deny, all}.
'''


@pytest.fixture(scope="module")
def _user_broker(tmp_path_factory):
    path = tmp_path_factory.mktemp("threats-users") / "acl.conf"
    path.write_text(USER_ACL)
    b = _start("threats-users", config=builtin("username")
               + '[authorization]\nsources = [{type = "file", path = "%s"}]\n' % path,
               users=[("alice", "alice-pw"), ("bob", "bob-pw")])
    yield b
    b.stop()


@pytest.fixture
def user_broker(request, _user_broker):
    return use_shared_broker(request, _user_broker)


# -- a raw subscriber that records every PUBLISH byte for byte ------------------------------

class Watcher(RawClient):
    """A raw client whose PUBLISH packets keep their topic as bytes (a topic that is not
    UTF-8 must be seen, not crash the reader); everything else is decoded as usual."""

    def _decode(self, ptype, flags, body, raw):
        if ptype != mb.PUBLISH:
            return super()._decode(ptype, flags, body, raw)
        p = mb.Packet(ptype, flags, body, raw)
        (n,) = struct.unpack_from("!H", body, 0)
        p.topic = body[2:2 + n]
        i = 2 + n
        if p.qos:
            (p.pid,) = struct.unpack_from("!H", body, i)
            i += 2
        if self.version == 5:
            plen, i = mb.decode_varint(body, i)
            i += plen
        p.payload = body[i:]
        return p

    def until(self, payload, timeout=5.0):
        """Every PUBLISH up to and including the one carrying `payload`, as (topic, payload)."""
        seen = []
        while True:
            p = self.read_packet(timeout, what="PUBLISH %r (seen so far: %r)" % (payload, seen))
            if p.type != mb.PUBLISH:
                continue
            seen.append((p.topic, p.payload))
            if p.payload == payload:
                return seen


def watcher(broker, client_id, filt="#", version=5, username=None, password=None):
    w = Watcher(broker, version)
    w.connect(client_id, username=username, password=password)
    w.subscribe(filt, 0)
    return w


def raw(broker, client_id, version=5, **kw):
    r = RawClient(broker, version)
    ack = r.connect(client_id, **kw)
    return r, ack


def puback(r, pid):
    p = r.expect(mb.PUBACK)
    assert p.pid == pid, p
    return p.rc


# == 1. topic aliases ==========================================================================

def test_alias_remapped_to_a_denied_topic_is_checked_on_that_topic(acl_broker):
    w = watcher(acl_broker, "watcher-alias")
    a, ack = raw(acl_broker, "alias-attacker")
    assert ack.props.get("topic_alias_maximum", 0) >= 1, ack
    # The allowed path works, with and without the alias.
    a.publish("ok/t", b"ctl-1", qos=1, pid=1, props={"topic_alias": 1})
    assert puback(a, 1) == 0
    a.publish("", b"ctl-2", qos=1, pid=2, props={"topic_alias": 1})
    assert puback(a, 2) == 0
    assert w.until(b"ctl-2") == [(b"ok/t", b"ctl-1"), (b"ok/t", b"ctl-2")]
    # Re-map alias 1 to the denied topic: denied itself, and so is every use of the alias.
    a.publish("secret/x", b"leak-1", qos=1, pid=3, props={"topic_alias": 1})
    assert puback(a, 3) == 0x87
    a.publish("", b"leak-2", qos=1, pid=4, props={"topic_alias": 1})
    assert puback(a, 4) == 0x87, "alias 1 must now stand for secret/x, and be denied as such"
    a.publish("", b"leak-3", qos=0, props={"topic_alias": 1})
    a.publish("", b"leak-4", qos=2, pid=5, props={"topic_alias": 1})
    rec = a.expect(mb.PUBREC)
    assert (rec.pid, rec.rc) == (5, 0x87), rec
    # Back to the allowed topic through the same alias: delivered, and nothing before it.
    a.publish("ok/t", b"ctl-3", qos=1, pid=6, props={"topic_alias": 1})
    assert puback(a, 6) == 0
    assert w.until(b"ctl-3") == [(b"ok/t", b"ctl-3")]
    w.expect_no_packet(QUIET)
    m = ctl_json(acl_broker, "broker", "metrics")
    assert m["packets.publish.dropped"] >= 4, m


def test_alias_never_set_on_this_connection_is_a_protocol_error(acl_broker):
    w = watcher(acl_broker, "watcher-alias2")
    # Another connection (and this same client, earlier) set aliases 1 and 2...
    other, _ = raw(acl_broker, "alias-owner")
    other.publish("ok/owner", b"ctl-owner", qos=1, pid=1, props={"topic_alias": 2})
    assert puback(other, 1) == 0
    a, _ = raw(acl_broker, "alias-guesser", clean=False, props={"session_expiry_interval": 60})
    a.publish("ok/guess", b"ctl-guess", qos=1, pid=1, props={"topic_alias": 1})
    assert puback(a, 1) == 0
    assert w.until(b"ctl-guess") == [(b"ok/owner", b"ctl-owner"), (b"ok/guess", b"ctl-guess")]
    # ...alias 2 was never set by this connection: not the other client's, not a guess.
    a.publish("", b"leak-other", qos=1, pid=2, props={"topic_alias": 2})
    seen = a.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x82], seen
    # A new connection of the same client id (session resumed) starts with no alias (MQTT 5
    # 3.3.2.3.4: aliases live and die with the network connection).
    a2, ack = raw(acl_broker, "alias-guesser", clean=False, props={"session_expiry_interval": 60})
    assert ack.session_present
    a2.publish("", b"leak-reconnect", qos=1, pid=1, props={"topic_alias": 1})
    seen = a2.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x82], seen
    # The other client's connection and its alias are untouched.
    other.publish("", b"ctl-after", qos=1, pid=2, props={"topic_alias": 2})
    assert puback(other, 2) == 0
    assert w.until(b"ctl-after") == [(b"ok/owner", b"ctl-after")]
    w.expect_no_packet(QUIET)


# == 2. shared-subscription prefixes ===========================================================

DENIED_SHARES = [
    "$share/g/secret/#",
    "$share/g/secret/x",
    "$queue/secret/#",
    "$share/g/#",          # "#" is denied with {eq, "#"}: the share prefix must not hide it
    "$queue/#",
    "$share/secret/#",     # a group named like the denied tree, filter "#"
]


@pytest.mark.parametrize("version", [5, 4])
def test_share_prefix_does_not_widen_a_denied_filter(acl_broker, version):
    denied = 0x87 if version == 5 else 0x80
    w = watcher(acl_broker, "watcher-share%d" % version)
    a, _ = raw(acl_broker, "share-attacker%d" % version, version=version)
    # The plain filters are denied (the rules work)...
    for pid, f in enumerate(["secret/#", "#"], 1):
        a.subscribe(f, 0, pid=pid, expect=[denied])
    # ...and so are their shared forms, alone or next to an allowed filter.
    for pid, f in enumerate(DENIED_SHARES, 10):
        a.subscribe(f, 0, pid=pid, expect=[denied])
    a.send(mb.subscribe(30, [("$share/g/secret/#", 0), ("$share/g/open/#", 0)], version))
    ack = a.expect(mb.SUBACK)
    assert ack.reason_codes == [denied, 0], ack
    ins, _ = raw(acl_broker, "insider")
    ins.publish("secret/x", b"leak-secret", qos=1, pid=1)
    assert puback(ins, 1) == 0  # routed (the watcher has it)
    ins.publish("open/1", b"ctl-open", qos=1, pid=2)
    assert puback(ins, 2) == 0
    assert w.until(b"ctl-open") == [(b"secret/x", b"leak-secret"), (b"open/1", b"ctl-open")]
    got = a.expect(mb.PUBLISH)
    assert (got.topic, got.payload) == ("open/1", b"ctl-open"), got
    a.expect_no_packet(QUIET)


@pytest.mark.parametrize("version", [5, 4])
@pytest.mark.parametrize("filt", ["$share//x", "$share/g", "$share/g/", "$share/g+/x", "$share/g#/x",
                                  "$queue/", "$share/g/$share/h/x", "$queue/$share/g/x"])
def test_malformed_share_is_refused(acl_broker, version, filt):
    w = watcher(acl_broker, "watcher-bad%d" % version)
    a, _ = raw(acl_broker, "bad-share%d" % version, version=version)
    a.send(mb.subscribe(1, [(filt, 0)], version))
    if version == 5:
        # As EMQX: a filter that can never be valid ends the connection (0x8F).
        seen = a.expect_closed(allow=(mb.DISCONNECT,))
        assert [p.rc for p in seen] == [0x8F], (filt, seen)
    else:
        # 3.1.1 cannot say why: SUBACK 0x80 (EMQX closes the connection instead).
        ack = a.expect(mb.SUBACK)
        assert ack.reason_codes == [0x80], (filt, ack)
    ins, _ = raw(acl_broker, "insider")
    ins.publish("x", b"leak-x", qos=1, pid=1)
    ins.publish("g/x", b"leak-gx", qos=1, pid=2)
    ins.publish("open/1", b"ctl-open", qos=1, pid=3)
    assert [puback(ins, i) for i in (1, 2, 3)] == [0, 0, 0]
    assert [p for _, p in w.until(b"ctl-open")] == [b"leak-x", b"leak-gx", b"ctl-open"]
    if version == 4:
        a.expect_no_packet(QUIET)  # still connected, and subscribed to nothing


# == 3. taking over another client's id ========================================================

def test_takeover_without_authentication_is_emqx_behaviour(plain_broker):
    """No authentication (the default): the client id is the only identity. A second
    connection with the same id takes the session over, as in EMQX: the first gets
    DISCONNECT 0x8E, the second resumes the session and gets its messages."""
    victim, _ = raw(plain_broker, "victim-1", clean=False, props={"session_expiry_interval": 300})
    victim.subscribe("victim/inbox", 1)
    thief, ack = raw(plain_broker, "victim-1", clean=False, props={"session_expiry_interval": 300})
    assert ack.rc == 0 and ack.session_present, ack
    seen = victim.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x8E], seen
    pub = Client(plain_broker, "victim-pub", protocol=5)
    pub.connect()
    pub.publish("victim/inbox", b"for-victim", qos=1)
    got = thief.expect(mb.PUBLISH)
    assert (got.topic, got.payload) == ("victim/inbox", b"for-victim"), got


def test_another_user_may_take_over_a_client_id_but_not_publish_as_its_owner(user_broker):
    """Authentication by username: the client id is not bound to the user (EMQX's default
    too). bob, with his own valid password, takes over alice's client id: alice is
    disconnected (0x8E) and bob resumes her session, subscriptions included (authorized
    when alice made them). What bob publishes is still checked against bob."""
    alice, _ = raw(user_broker, "alice-phone", clean=False, props={"session_expiry_interval": 300},
                   username="alice", password="alice-pw")
    alice.subscribe("alice/inbox", 1)
    bob0, _ = raw(user_broker, "bob-own", username="bob", password="bob-pw")
    bob0.subscribe("alice/inbox", 1, expect=[0x87])  # the ACL does keep bob out of alice/
    bob, ack = raw(user_broker, "alice-phone", clean=False, props={"session_expiry_interval": 300},
                   username="bob", password="bob-pw")
    assert ack.rc == 0 and ack.session_present, ack
    seen = alice.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x8E], seen
    laptop, _ = raw(user_broker, "alice-laptop", username="alice", password="alice-pw")
    laptop.publish("alice/inbox", b"for-alice", qos=1, pid=1)
    assert puback(laptop, 1) == 0
    got = bob.expect(mb.PUBLISH)
    assert (got.topic, got.payload) == ("alice/inbox", b"for-alice"), got
    bob.send(mb.ack(mb.PUBACK, got.pid, 5))
    # Publishing under alice's client id does not make bob alice.
    bob.publish("alice/inbox", b"forged", qos=1, pid=7)
    assert puback(bob, 7) == 0x87
    bob.publish("bob/x", b"own", qos=1, pid=8)
    assert puback(bob, 8) == 0x10  # allowed (no subscriber)


@pytest.mark.parametrize("who", ["wrong-password", "unknown-user", "no-username"])
def test_refused_connect_does_not_kick_the_owner(user_broker, who):
    cid = "alice-refuse-" + who
    alice, _ = raw(user_broker, cid, clean=False, props={"session_expiry_interval": 300},
                   username="alice", password="alice-pw")
    alice.subscribe("alice/in", 1)
    creds = {"wrong-password": ("alice", "guess"), "unknown-user": ("mallory", "x"),
             "no-username": (None, None)}[who]
    r = RawClient(user_broker, 5)
    r.send(mb.connect(cid, 5, clean=False, username=creds[0], password=creds[1]))
    seen = r.expect_closed(allow=(mb.CONNACK,))
    want = 0x86 if who == "wrong-password" else 0x87
    assert [p.rc for p in seen] == [want], seen
    # alice is still connected, with her session: a message published now reaches her.
    laptop, _ = raw(user_broker, "alice-laptop-" + who, username="alice", password="alice-pw")
    laptop.publish("alice/in", b"still-yours", qos=1, pid=1)
    assert puback(laptop, 1) == 0
    got = alice.expect(mb.PUBLISH)
    assert got.payload == b"still-yours", got


@pytest.fixture(scope="module")
def _clientid_broker():
    b = _start("threats-clientid", config=builtin("clientid"), users=[("alice-dev", "alice-pw"), ("bob-dev", "bob-pw")])
    yield b
    b.stop()


@pytest.fixture
def clientid_broker(request, _clientid_broker):
    return use_shared_broker(request, _clientid_broker)


def test_clientid_as_user_id_binds_the_id_to_its_password(clientid_broker):
    """The configuration that closes the takeover: user_id_type = "clientid" makes the
    client id the credential's name, so only its password opens it."""
    alice, _ = raw(clientid_broker, "alice-dev", clean=False, props={"session_expiry_interval": 300},
                   username="alice", password="alice-pw")
    alice.subscribe("a/in", 1)
    assert raw(clientid_broker, "bob-dev", username="bob", password="bob-pw")[1].rc == 0  # bob's own id
    for username in ("bob", "alice", None):
        r = RawClient(clientid_broker, 5)
        r.send(mb.connect("alice-dev", 5, clean=False, username=username, password="bob-pw"))
        seen = r.expect_closed(allow=(mb.CONNACK,))
        assert [p.rc for p in seen] == [0x86], (username, seen)
    r4 = RawClient(clientid_broker, 4)
    r4.send(mb.connect("alice-dev", 4, clean=False, username="bob", password="bob-pw"))
    seen = r4.expect_closed(allow=(mb.CONNACK,))
    assert [p.rc for p in seen] == [4], seen
    pub, _ = raw(clientid_broker, "bob-dev", username="bob", password="bob-pw")
    pub.publish("a/in", b"still-yours", qos=1, pid=1)
    assert puback(pub, 1) == 0
    got = alice.expect(mb.PUBLISH)
    assert got.payload == b"still-yours", got


# == 4. NUL and invalid UTF-8 ==================================================================

BAD_STRINGS = {
    "nul": b"a\x00b",
    "ff-byte": b"a\xffb",
    "overlong-slash": b"\xc0\xaf",
    "surrogate": b"a/\xed\xa0\x80",
    "truncated": b"a/\xc3",
    "above-10ffff": b"\xf4\x90\x80\x80",
    "lone-continuation": b"a\x80",
}


def _refused_malformed(r, version):
    """v5: DISCONNECT 0x81 then close; 3.1.1: close without a word (a PUBACK/SUBACK fails)."""
    seen = r.expect_closed(allow=(mb.DISCONNECT,) if version == 5 else ())
    if version == 5:
        assert [p.rc for p in seen] == [0x81], seen


def _control(broker, w, tag):
    """A good message through the same broker reaches the watcher, and nothing before it."""
    c, _ = raw(broker, "good-" + tag)
    c.publish("good/" + tag, b"ctl-" + tag.encode(), qos=1, pid=1)
    assert puback(c, 1) == 0
    assert w.until(b"ctl-" + tag.encode()) == [(b"good/" + tag.encode(), b"ctl-" + tag.encode())]
    w.expect_no_packet(QUIET)


@pytest.mark.parametrize("version", [5, 4])
def test_publish_topic_with_nul_or_bad_utf8_is_malformed(plain_broker, version):
    w = watcher(plain_broker, "utf-watch-pub%d" % version)
    for name, bad in BAD_STRINGS.items():
        r, _ = raw(plain_broker, "bad-pub-%s-%d" % (name, version), version=version)
        r.publish(bad, b"leak-" + name.encode(), qos=1, pid=1)
        _refused_malformed(r, version)
    _control(plain_broker, w, "pub%d" % version)


@pytest.mark.parametrize("version", [5, 4])
def test_subscribe_filter_with_nul_or_bad_utf8_is_malformed(plain_broker, version):
    w = watcher(plain_broker, "utf-watch-sub%d" % version)
    for name, bad in BAD_STRINGS.items():
        for filt in (bad, bad + b"/#"):
            r, _ = raw(plain_broker, "bad-sub-%s-%d" % (name, version), version=version)
            r.send(mb.subscribe(1, [(filt, 1)], version))
            _refused_malformed(r, version)
    # (and nothing it might have matched was granted: the control shows the broker serving)
    _control(plain_broker, w, "sub%d" % version)


CONNECT_FIELDS = ["client_id", "username", "will_topic"]


@pytest.mark.parametrize("version", [5, 4])
@pytest.mark.parametrize("field", CONNECT_FIELDS)
def test_connect_with_nul_or_bad_utf8_is_refused(plain_broker, version, field):
    w = watcher(plain_broker, "utf-watch-conn-%s-%d" % (field, version))
    for name, bad in BAD_STRINGS.items():
        # A will on a good topic: had the CONNECT been taken, the abrupt close below would
        # publish it to the watcher.
        kw = {"client_id": "bad-conn-%s-%d" % (name, version),
              "will": {"topic": "will/%s" % name, "payload": b"leak-will-" + name.encode()}}
        if field == "client_id":
            kw["client_id"] = bad
        elif field == "username":
            kw["username"] = bad
        else:
            kw["will"]["topic"] = bad
        r = RawClient(plain_broker, version)
        r.send(mb.connect(version=version, **kw))
        seen = r.expect_closed(allow=(mb.CONNACK,))
        # v5: 0x81 Malformed Packet; 3.1.1: 0x01, EMQX's compat(connack, 16#81).
        assert [p.rc for p in seen] == [0x81 if version == 5 else 0x01], (name, seen)
    _control(plain_broker, w, "conn-%s-%d" % (field, version))


# == 5. passwords never shown ==================================================================

PASSWORD = "Pw-7f3a9c-DoNotLeak"
NEW_PASSWORD = "Pw-new-41b2e8-DoNotLeak"
WRONG_PASSWORD = "Wrong-8e1d44-DoNotLeak"
SECRETS = [PASSWORD, NEW_PASSWORD, WRONG_PASSWORD]
CID = "pw-client"          # connects with the right password (traced)
BAD_CID = "pw-client-bad"  # with the wrong one (traced)


def _leaks(text, where):
    """The secrets (as text, and as hex, should anything dump raw bytes) found in `text`."""
    low = text.lower()
    found = []
    for s in SECRETS:
        if s in text or s.encode().hex() in low:
            found.append("%s in %s" % (s, where))
    return found


def _read_all(path):
    with open(path, "rb") as f:
        return f.read().decode("latin-1")


def _wait_file(path, *needles):
    """The file's text once it holds every needle (files are written asynchronously)."""
    def check():
        text = _read_all(path) if os.path.exists(path) else ""
        return text if all(n in text for n in needles) else None
    return wait_until(check, 5, what="%s to hold %r" % (path, needles))


def test_passwords_never_in_logs_traces_or_ctl_output(make_broker, tmp_path):
    b = make_broker(config=builtin("username"), env={
        "EMQX_LOG__CONSOLE__LEVEL": "debug", "EMQX_LOG__FILE__LEVEL": "debug"})
    outputs = {}
    outputs["users add"] = ctl(b, "users", "add", "pw-user", PASSWORD)
    ctl(b, "users", "add", "sys-watch", "sys-watch-pw")
    trace_file = tmp_path / "good.trace"
    ctl(b, "trace", "start", "client", CID, str(trace_file))
    ctl(b, "trace", "start", "client", BAD_CID, str(tmp_path / "bad.trace"))
    sys_w = Client(b, "sys-watch", protocol=5, username="sys-watch", password="sys-watch-pw")
    sys_w.connect()
    sys_w.subscribe("$SYS/brokers/+/clients/#", 0)

    # Right password (v5 and 3.1.1), wrong password (both), then a password change.
    good = Client(b, CID, protocol=5, username="pw-user", password=PASSWORD)
    good.connect()
    good.subscribe("pw-user/t", 1)
    for v, want in ((5, 0x86), (4, 4)):
        r = RawClient(b, v)
        r.send(mb.connect(BAD_CID, v, username="pw-user", password=WRONG_PASSWORD))
        assert [p.rc for p in r.expect_closed(allow=(mb.CONNACK,))] == [want]
    outputs["users passwd"] = ctl(b, "users", "passwd", "pw-user", NEW_PASSWORD)
    r = RawClient(b, 4)
    r.connect(CID + "4", username="pw-user", password=NEW_PASSWORD)
    r.send(mb.disconnect(4))
    r.expect_closed()

    # Control: each place does record the client (its username is there; the password is not).
    for args in (["clients", "show", CID], ["clients", "list"], ["users", "list"], ["trace", "list"],
                 ["broker", "metrics"]):
        outputs[" ".join(args)] = ctl(b, *args)
        outputs["--json " + " ".join(args)] = ctl(b, "--json", *args)
    assert "pw-user" in outputs["clients show " + CID] and "pw-user" in outputs["--json clients list"], outputs
    assert [u["user_id"] for u in json.loads(outputs["--json users list"])["users"]] == ["pw-user", "sys-watch"]
    sys_events = []
    while True:
        m = sys_w.wait_message()
        sys_events.append(m)
        if m.topic.endswith("/clients/%s4/disconnected" % CID):
            break
    assert any(m.topic.endswith("/clients/%s/connected" % CID) and b"pw-user" in m.payload for m in sys_events), \
        sys_events
    text = _wait_file(trace_file, "Username=pw-user", "Password=******")
    bad_trace = _wait_file(tmp_path / "bad.trace", "Proto=MQTT v5, ClientId=%s" % BAD_CID,
                           "Proto=MQTT v4, ClientId=%s" % BAD_CID, "Password=******")
    log_file = os.path.join(b.tmpdir, "data", "log", "emqx.log")
    # Both logs are written (at debug). emqxd logs nothing per connection even at debug
    # (connections show in traces, checked above), so the control is the trace's start line.
    started = "trace CLI-%s started" % CID
    wait_until(lambda: started in b.log() and os.path.exists(log_file) and started in _read_all(log_file),
               5, what="both logs to hold %r" % started)

    leaks = []
    for name, out in outputs.items():
        leaks += _leaks(out, "emqxctl " + name)
    leaks += _leaks(text, "trace file")
    leaks += _leaks(bad_trace, "trace file of the refused client")
    for m in sys_events:
        leaks += _leaks(m.payload.decode("latin-1"), "$SYS " + m.topic)
    good.disconnect()
    sys_w.disconnect()
    ctl(b, "trace", "stop", "client", CID)
    ctl(b, "trace", "stop", "client", BAD_CID)
    leaks += _leaks(b.log(), "broker console log")
    # Every file the broker wrote: log file, users (durable store), sessions. The store
    # does hold the user (its id is found), not the password.
    user_found = False
    for root, _, files in os.walk(os.path.join(b.tmpdir, "data")):
        for f in files:
            p = os.path.join(root, f)
            if os.path.isfile(p):
                data = _read_all(p)
                leaks += _leaks(data, p)
                user_found = user_found or ("pw-user" in data and "log" != os.path.basename(root))
    assert user_found, "the user store was not found under the data dir: the scan proves nothing"
    assert not leaks, leaks
