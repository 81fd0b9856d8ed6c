"""Authentication (docs/security.md): the built-in database with every hash
algorithm (users managed by the real emqxctl), bootstrap files, the client-id
allowlist, anonymous on/off, refusal codes in MQTT 5 and 3.1.1 with their
counted shutdown reasons, flapping detection and `emqxctl banned`."""
import hashlib
import json
import os
import subprocess

import pytest

from harness import Client, RawClient, wait_until
from harness import mqttbytes as mb
from test_ctl_common import ctl, ctl_json, pytestmark, run_ctl, shutdown_counts  # noqa: F401


def builtin(algo="sha256", extra="", more=""):
    return ('authentication = [{mechanism = "password_based", backend = "built_in_database", '
            'user_id_type = "username", password_hash_algorithm = "%s"%s}]\n%s' % (algo, extra, more))


def connect_rc(broker, client_id, username=None, password=None, version=5, source=None):
    """CONNECT over a raw socket; returns the CONNACK's return/reason code."""
    r = RawClient(broker, version=version)
    r.send(mb.connect(client_id, version=version, username=username, password=password))
    ack = r.expect(mb.CONNACK)
    return ack.rc


def wait_count(broker, reason, n):
    wait_until(lambda: shutdown_counts(broker).get(reason, 0) == n, 5,
               what="shutdown_count %s == %d (now %r)" % (reason, n, shutdown_counts(broker)))


def metrics(broker):
    return ctl_json(broker, "broker", "metrics")


ALGOS = [
    ("plain", ""),
    ("sha256", ', salt_position = "prefix"'),
    ("sha256", ', salt_position = "suffix"'),
    ("sha512", ', salt_position = "suffix"'),
    ("pbkdf2", ', mac_fun = "sha256", iterations = 1000'),
    ("pbkdf2", ', mac_fun = "sha512", iterations = 10'),
    ("bcrypt", ", salt_rounds = 4"),
]


@pytest.mark.parametrize("algo,extra", ALGOS, ids=["plain", "sha256-prefix", "sha256-suffix", "sha512",
                                                   "pbkdf2-sha256", "pbkdf2-sha512", "bcrypt"])
def test_user_added_with_emqxctl_needs_the_right_password(make_broker, algo, extra):
    # Durable storage off: users live in users.json, which this test reads
    # (with it on they live in RocksDB: test_users_durable.py).
    b = make_broker(config=builtin(algo, extra), env={"EMQX_DURABLE__ENABLE": "false"})
    ctl(b, "users", "add", "alice", "s3cret-pw")
    assert connect_rc(b, "ok-5", "alice", "s3cret-pw") == 0
    assert connect_rc(b, "ok-4", "alice", "s3cret-pw", version=4) == 0
    assert connect_rc(b, "bad-5", "alice", "wrong") == 0x86
    assert connect_rc(b, "bad-4", "alice", "wrong", version=4) == 4
    wait_count(b, "bad_username_or_password", 2)
    m = metrics(b)
    assert m["authentication.success"] == 2 and m["authentication.failure"] == 2, m
    users = os.path.join(b.tmpdir, "data", "auth", "users.json")
    with open(users) as f:
        stored = json.load(f)["users"]
    assert [u["user_id"] for u in stored] == ["alice"]
    if algo != "plain":
        assert "s3cret-pw" not in json.dumps(stored)
    if algo == "bcrypt":
        assert stored[0]["password_hash"].startswith("$2b$04$")
    assert "s3cret-pw" not in b.log()


def test_passwd_del_list_and_mosquitto_clients(make_broker):
    b = make_broker(config=builtin("sha256"))
    ctl(b, "users", "add", "bob", "one")
    ctl(b, "users", "add", "carol", "two")
    assert [u["user_id"] for u in ctl_json(b, "users", "list")["users"]] == ["bob", "carol"]
    assert run_ctl(b, "users", "add", "bob", "again").returncode != 0  # exists
    ctl(b, "users", "passwd", "bob", "three")
    assert connect_rc(b, "x1", "bob", "one") == 0x86
    assert connect_rc(b, "x2", "bob", "three") == 0
    # mosquitto_pub with -u/-P
    base = ["mosquitto_pub", "-h", b.host, "-p", str(b.port), "-t", "t", "-m", "m", "-V", "mqttv311"]
    assert subprocess.run(base + ["-u", "carol", "-P", "two"], capture_output=True, timeout=10).returncode == 0
    p = subprocess.run(base + ["-u", "carol", "-P", "nope"], capture_output=True, timeout=10)
    assert p.returncode != 0 and b"bad user name or password" in (p.stderr + p.stdout).lower()
    ctl(b, "users", "del", "carol")
    assert run_ctl(b, "users", "del", "carol").returncode != 0
    # An unknown user: every authenticator ignores; not anonymous: not authorized.
    assert connect_rc(b, "x3", "carol", "two") == 0x87
    assert connect_rc(b, "x4", "carol", "two", version=4) == 5
    wait_count(b, "not_authorized", 2)
    # Users survive a restart (the file in the data dir).
    assert [u["user_id"] for u in ctl_json(b, "users", "list")["users"]] == ["bob"]


def test_users_survive_a_restart(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b = make_broker(config=builtin("pbkdf2"), data_dir=data)
    ctl(None, "--socket", os.path.join(data, "emqxd.sock"), "users", "add", "dave", "pw")
    b.stop()
    b2 = make_broker(config=builtin("pbkdf2"), data_dir=data)
    assert connect_rc(b2, "d", "dave", "pw") == 0


def test_users_commands_need_a_built_in_database(broker):
    p = run_ctl(broker, "users", "list")
    assert p.returncode != 0 and "built_in_database" in (p.stdout + p.stderr)


def test_bootstrap_csv_and_json(make_broker, tmp_path):
    csv = tmp_path / "users.csv"
    csv.write_text("user_id,password,is_superuser\nu1,p1,false\nu2,p2,true\n")
    b = make_broker(config=builtin("sha256", ', bootstrap_file = "%s"' % csv))
    assert connect_rc(b, "a", "u1", "p1") == 0
    assert connect_rc(b, "b", "u2", "p2") == 0
    assert connect_rc(b, "c", "u2", "p1") == 0x86
    b.stop()
    salt = "abcd"
    js = tmp_path / "users.json"
    js.write_text(json.dumps([{"user_id": "h1", "password_hash": hashlib.sha256((salt + "hp").encode()).hexdigest(),
                               "salt": salt, "is_superuser": False}]))
    b2 = make_broker(config=builtin("sha256", ', salt_position = "prefix", bootstrap_type = "hash", '
                                              'bootstrap_file = "%s"' % js))
    assert connect_rc(b2, "h", "h1", "hp") == 0
    assert connect_rc(b2, "h", "h1", "xx") == 0x86
    assert [u["user_id"] for u in ctl_json(b2, "users", "list")["users"]] == ["h1"]


def test_bad_bootstrap_file_fails_the_start(tmp_path):
    from harness import Broker
    bad = tmp_path / "bad.csv"
    bad.write_text("user_id,password\nonly-one-field\n")
    b = Broker(config=builtin("sha256", ', bootstrap_file = "%s"' % bad))
    with pytest.raises(AssertionError):
        b.start()
    assert "line 2" in b.log()
    b.stop()


def test_clientid_allowlist(make_broker):
    b = make_broker(config='authentication = [{mechanism = "clientid_allowlist", clientids = ["good-1", "good-2"]}]\n')
    assert connect_rc(b, "good-1") == 0
    assert connect_rc(b, "good-2", version=4) == 0
    assert connect_rc(b, "evil") == 0x87
    assert connect_rc(b, "evil", version=4) == 5
    wait_count(b, "not_authorized", 2)


def test_anonymous_on_and_off(make_broker):
    open_broker = make_broker()  # no authentication chain: everyone is let in, counted anonymous
    before = metrics(open_broker)["client.auth.anonymous"]
    assert connect_rc(open_broker, "anon") == 0
    assert metrics(open_broker)["client.auth.anonymous"] == before + 1
    closed = make_broker(config=builtin())
    assert connect_rc(closed, "anon") == 0x87
    assert connect_rc(closed, "anon", version=4) == 5
    allowed = make_broker(config=builtin(), env={"EMQX_MQTT__ALLOW_ANONYMOUS": "true"})
    assert connect_rc(allowed, "anon") == 0
    ctl(allowed, "users", "add", "eve", "pw")
    assert connect_rc(allowed, "eve-bad", "eve", "wrong") == 0x86  # a known user still needs the password


def test_flapping_bans_then_banned_del(make_broker):
    b = make_broker(config=builtin(more='[flapping_detect]\nenable = true\nmax_count = 3\nwindow_time = "1m"\n'
                                        'ban_time = "1h"\n'))
    ctl(b, "users", "add", "frank", "pw")
    for _ in range(3):
        assert connect_rc(b, "flappy", "frank", "wrong") == 0x86
    # Banned now, even with the right password: 0x8A (5) / 5 (3.1.1).
    assert connect_rc(b, "flappy", "frank", "pw") == 0x8A
    assert connect_rc(b, "other", "frank", "pw", version=4) == 5  # the address is banned too
    wait_count(b, "banned", 2)
    bans = {(e["as"], e["who"]) for e in ctl_json(b, "banned", "list")["banned"]}
    assert bans == {("clientid", "flappy"), ("peerhost", "127.0.0.1")}, bans
    ctl(b, "banned", "del", "peerhost", "127.0.0.1")
    assert connect_rc(b, "other", "frank", "pw") == 0
    assert connect_rc(b, "flappy", "frank", "pw") == 0x8A
    ctl(b, "banned", "del", "clientid", "flappy")
    assert connect_rc(b, "flappy", "frank", "pw") == 0


def test_banned_add_and_del(broker):
    ctl(broker, "banned", "add", "clientid", "evil", "--reason", "spam")
    ctl(broker, "banned", "add", "username", "mallory")
    assert connect_rc(broker, "evil") == 0x8A
    assert connect_rc(broker, "evil", version=4) == 5
    assert connect_rc(broker, "fine", "mallory", "x") == 0x8A
    assert connect_rc(broker, "fine", "nobody", "x") == 0
    wait_count(broker, "banned", 3)
    listed = ctl_json(broker, "banned", "list")["banned"]
    assert {"as": "clientid", "who": "evil", "reason": "spam"}.items() <= listed[0].items(), listed
    ctl(broker, "banned", "del", "clientid", "evil")
    assert connect_rc(broker, "evil") == 0
    assert run_ctl(broker, "banned", "del", "clientid", "evil").returncode != 0
    assert run_ctl(broker, "banned", "add", "nonsense", "x").returncode != 0
    # A ban with a duration ends by itself.
    ctl(broker, "banned", "add", "clientid", "brief", "--duration", "1")
    assert connect_rc(broker, "brief") == 0x8A
    wait_until(lambda: connect_rc(broker, "brief") == 0, 5, what="the 1 s ban to end")


def test_paho_client_refused_with_bad_password(make_broker):
    b = make_broker(config=builtin())
    ctl(b, "users", "add", "gina", "pw")
    Client(b, "g1", protocol=5, username="gina", password="pw").connect()
    Client(b, "g2", protocol=5, username="gina", password="no").connect(expect_rc=0x86)
    Client(b, "g3", protocol=4, username="gina", password="no").connect(expect_rc=4)
