"""Authorization (docs/security.md): the ACL file in EMQX's syntax, every rule
form, no_match, deny_action, the per-client cache and `emqxctl authz
cache-clean`, `emqxctl acl reload` (good and bad files), the shipped
etc/acl.conf, and 0x87 / 0x80 codes in MQTT 5 and 3.1.1."""
import os
import socket

import pytest

from harness import Client, RawClient, wait_until
from harness import mqttbytes as mb
from test_ctl_common import ctl, ctl_json, pytestmark, run_ctl, shutdown_counts  # noqa: F401

SHIPPED_ACL = os.path.join(os.path.dirname(__file__), "..", "..", "etc", "acl.conf")


def acl_broker(make_broker, tmp_path, rules, extra="", env=None):
    path = tmp_path / "acl.conf"
    path.write_text(rules)
    conf = '[authorization]\nsources = [{type = "file", path = "%s"}]\n%s' % (path, extra)
    return make_broker(config=conf, env=env), path


class Raw:
    """A raw MQTT connection, optionally from another loopback address."""

    def __init__(self, broker, client_id, version=5, username=None, source=None):
        self.version = version
        if source:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((source, 0))
            s.settimeout(5)
            s.connect((broker.host, broker.port))
            self.r = RawClient.__new__(RawClient)
            self.r.version, self.r.sock, self.r.buf, self.r.eof = version, s, bytearray(), False
            RawClient._all.append(self.r)
        else:
            self.r = RawClient(broker, version=version)
        self.r.send(mb.connect(client_id, version=version, username=username, password=None))
        assert self.r.expect(mb.CONNACK).rc == 0
        self.pid = 0

    def expect(self, ptype):
        """The next packet of `ptype`, skipping messages delivered meanwhile."""
        while True:
            p = self.r.read_packet(what=mb.NAMES[ptype])
            if p.type == mb.PUBLISH:
                continue
            assert p.type == ptype, "expected %s, got %r" % (mb.NAMES[ptype], p)
            return p

    def sub(self, topic):
        self.pid += 1
        self.r.send(mb.subscribe(self.pid, [(topic, 0)], version=self.version))
        return self.expect(mb.SUBACK).reason_codes[0]

    def pub(self, topic, qos=1):
        self.pid += 1
        self.r.send(mb.publish(topic, b"x", qos=qos, pid=self.pid, version=self.version))
        if qos == 0:
            return None
        return self.expect(mb.PUBACK if qos == 1 else mb.PUBREC).rc


def metrics(broker):
    return ctl_json(broker, "broker", "metrics")


EVERY_FORM = r'''
%% one rule per form; the last one denies the rest
{allow, {username, "alice"}, publish, ["alice/pub"]}.
{allow, {user, "al2"}, subscribe, ["al2/sub"]}.
{allow, {username, {re, "^re-"}}, subscribe, ["re/#"]}.
{allow, {clientid, "c-eq"}, subscribe, [{eq, "eq/#"}]}.
{allow, {clientid, {re, "^cre"}}, subscribe, ["cre/+"]}.
{allow, all, all, ["${clientid}/#", "%u/u1", "%c/c1", "${username}/u2"]}.
{allow, {ipaddr, "127.0.0.0/8"}, subscribe, ["ip/#"]}.
{allow, {ipaddrs, ["10.1.1.1", "127.0.0.2/32"]}, subscribe, ["ips/#"]}.
{allow, {'and', [{username, "bob"}, {ipaddr, "127.0.0.1"}]}, subscribe, ["and/#"]}.
{allow, {'or', [{username, "nobody"}, {clientid, "c-or"}]}, subscribe, ["or/#"]}.
{deny, all}.
'''


def test_every_rule_form(make_broker, tmp_path):
    b, _ = acl_broker(make_broker, tmp_path, EVERY_FORM)
    alice = Raw(b, "a1", username="alice")
    assert alice.pub("alice/pub") == 0x10  # allowed (no subscribers)
    assert alice.pub("other") == 0x87
    assert Raw(b, "x", username="al2").sub("al2/sub") == 0
    assert Raw(b, "x", username="al3").sub("al2/sub") == 0x87
    assert Raw(b, "x", username="re-7").sub("re/a/b") == 0
    assert Raw(b, "x", username="no-re-7").sub("re/a/b") == 0x87
    eq = Raw(b, "c-eq")
    assert eq.sub("eq/#") == 0
    assert eq.sub("eq/a") == 0x87  # {eq, ...} is the filter itself, not a wildcard
    cre = Raw(b, "cre9")
    assert cre.sub("cre/x") == 0 and cre.sub("cre/x/y") == 0x87
    ph = Raw(b, "me", username="uu")
    assert ph.sub("me/a/b") == 0 and ph.sub("uu/u1") == 0 and ph.sub("me/c1") == 0 and ph.sub("uu/u2") == 0
    assert ph.sub("other/a") == 0x87 and ph.sub("uu/c1") == 0x87
    assert ph.pub("me/x") == 0x10
    anon = Raw(b, "anon")
    assert anon.sub("anon/x") == 0 and anon.sub("${username}/u2") == 0x87  # no username: no match
    assert Raw(b, "x").sub("ip/1") == 0
    assert Raw(b, "x", source="127.0.0.3").sub("ip/1") == 0  # 127.0.0.0/8
    assert Raw(b, "x").sub("ips/1") == 0x87
    assert Raw(b, "x", source="127.0.0.2").sub("ips/1") == 0
    assert Raw(b, "x", username="bob").sub("and/1") == 0
    assert Raw(b, "x", username="bob", source="127.0.0.2").sub("and/1") == 0x87
    assert Raw(b, "c-or").sub("or/1") == 0
    assert Raw(b, "c-and").sub("or/1") == 0x87
    m = metrics(b)
    assert m["authorization.deny"] >= 10 and m["authorization.allow"] >= 10, m


def test_v311_codes_and_dropped_publish(make_broker, tmp_path):
    b, _ = acl_broker(make_broker, tmp_path, '{deny, all, all, ["secret/#"]}.\n{allow, all}.\n')
    sub = Client(b, "watcher", protocol=5)
    sub.connect()
    sub.subscribe("#", qos=1)
    v3 = Raw(b, "v3", version=4)
    assert v3.sub("secret/x") == 0x80
    assert v3.sub("open/x") == 0
    assert v3.pub("secret/x", qos=1) == 0  # acknowledged, dropped
    assert v3.pub("open/x", qos=1) == 0
    assert sub.wait_message().topic == "open/x"
    sub.expect_no_message()
    v5 = Raw(b, "v5")
    assert v5.pub("secret/y", qos=2) == 0x87
    sub.expect_no_message()
    assert metrics(b)["authorization.deny"] == 3  # watcher's "#" was allowed


def test_no_match_deny(make_broker, tmp_path):
    b, _ = acl_broker(make_broker, tmp_path, '{allow, all, subscribe, ["ok/#"]}.\n',
                      extra='no_match = "deny"\n')
    c = Raw(b, "c")
    assert c.sub("ok/1") == 0
    assert c.sub("nope") == 0x87
    assert c.pub("ok/1") == 0x87  # the rule is for subscribe only


def test_no_match_allow_is_the_default(make_broker, tmp_path):
    b, _ = acl_broker(make_broker, tmp_path, '{deny, all, subscribe, ["no/#"]}.\n')
    c = Raw(b, "c")
    assert c.sub("no/1") == 0x87
    assert c.sub("yes/1") == 0


def test_deny_action_disconnect(make_broker, tmp_path):
    b, _ = acl_broker(make_broker, tmp_path, '{deny, all, publish, ["forbidden"]}.\n',
                      extra='deny_action = "disconnect"\n')
    c = Raw(b, "c")
    assert c.pub("fine") == 0x10
    c.r.send(mb.publish("forbidden", b"x", qos=1, pid=9, version=5))
    seen = c.r.expect_closed(allow=(mb.DISCONNECT,))
    assert seen and seen[0].rc == 0x87
    v3 = Raw(b, "c3", version=4)
    v3.r.send(mb.publish("forbidden", b"x", qos=0, version=4))
    v3.r.expect_closed()
    wait_until(lambda: shutdown_counts(b).get("not_authorized", 0) == 2, 5, what="2 not_authorized")


def test_cache_hits_and_cache_clean(make_broker, tmp_path):
    b, _ = acl_broker(make_broker, tmp_path, '{allow, all}.\n')
    one, two = Raw(b, "one"), Raw(b, "two")

    def hits():
        return metrics(b)["authorization.cache_hit"]

    assert one.pub("t") == 0x10 and two.pub("t") == 0x10
    h = hits()
    assert one.pub("t") == 0x10 and two.pub("t") == 0x10
    assert hits() == h + 2
    ctl(b, "authz", "cache-clean", "one")
    assert one.pub("t") == 0x10  # miss
    assert two.pub("t") == 0x10  # hit
    assert hits() == h + 3
    ctl(b, "authz", "cache-clean", "all")
    assert one.pub("t") == 0x10 and two.pub("t") == 0x10
    assert hits() == h + 3
    assert run_ctl(b, "authz", "cache-clean", "nobody").returncode != 0


def test_cache_disabled(make_broker, tmp_path):
    b, _ = acl_broker(make_broker, tmp_path, '{allow, all}.\n', extra="[authorization.cache]\nenable = false\n")
    c = Raw(b, "c")
    for _ in range(3):
        assert c.pub("t") == 0x10
    assert metrics(b)["authorization.cache_hit"] == 0


def test_acl_reload_good_and_bad(make_broker, tmp_path):
    b, path = acl_broker(make_broker, tmp_path, '{deny, all, subscribe, ["x/#"]}.\n')
    c = Raw(b, "c")
    assert c.sub("x/1") == 0x87
    path.write_text('{allow, all, subscribe, ["x/#"]}.\n{deny, all, subscribe, ["y/#"]}.\n')
    out = ctl_json(b, "acl", "reload")
    assert out["rules"] == 2
    assert c.sub("x/1") == 0  # the reload also emptied the cache
    assert c.sub("y/1") == 0x87
    path.write_text('{allow, all, subscribe, ["y/#"]}.\n\n{deny, all, subscribe, ["x/#"]\n')
    p = run_ctl(b, "acl", "reload")
    assert p.returncode != 0
    assert "line 4, column 1" in p.stdout + p.stderr, p.stdout + p.stderr
    assert c.sub("y/1") == 0x87 and c.sub("x/2") == 0  # the old rules stay
    path.write_text('{allow, {clientid, 42}, all, ["t"]}.\n')
    p = run_ctl(b, "acl", "reload")
    assert "line 1, column 20" in p.stdout + p.stderr, p.stdout + p.stderr


def test_bad_acl_file_fails_the_start(tmp_path):
    from harness import Broker
    path = tmp_path / "acl.conf"
    path.write_text('{allow, all}.\n{permit, all}.\n')
    b = Broker(config='[authorization]\nsources = [{type = "file", path = "%s"}]\n' % path)
    with pytest.raises(AssertionError):
        b.start()
    assert "line 2, column 2" in b.log() and "expected allow or deny" in b.log()
    b.stop()


def test_shipped_acl_conf(make_broker, tmp_path):
    with open(SHIPPED_ACL) as f:
        b, _ = acl_broker(make_broker, tmp_path, f.read())
    local = Raw(b, "local")
    assert local.sub("$SYS/#") == 0 and local.sub("#") == 0
    remote = Raw(b, "remote", source="127.0.0.2")
    assert remote.sub("$SYS/#") == 0x87 and remote.sub("#") == 0x87
    assert remote.sub("a/#") == 0 and remote.pub("a") == 0  # (it has a subscriber: itself)
    dash = Raw(b, "dash", username="dashboard", source="127.0.0.2")
    assert dash.sub("$SYS/brokers") == 0


def test_shared_subscription_is_checked_on_its_topic(make_broker, tmp_path):
    b, _ = acl_broker(make_broker, tmp_path, '{deny, all, subscribe, ["hidden/#"]}.\n')
    c = Raw(b, "c")
    assert c.sub("$share/g/hidden/x") == 0x87
    assert c.sub("$share/g/open/x") == 0


def test_no_sources_allows_everything(broker):
    c = Raw(broker, "c")
    assert c.sub("#") == 0 and c.sub("$SYS/#") == 0 and c.pub("anything") == 0
