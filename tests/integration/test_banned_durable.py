"""Banned clients are kept in the durable store (docs/storage.md, column family
`banned`): `emqxctl banned add|del` and flapping bans survive a graceful
restart and `kill -9` on the same data dir; a ban that ended while the broker
was down is gone after the restart; with durable.enable = false they live in
memory only (docs/security.md)."""
import time

from harness import RawClient
from harness import mqttbytes as mb
from test_durable import commit_marker, ctl_json, loaded, pytestmark  # noqa: F401


def rc_of(broker, client_id, username=None, password=None, version=5):
    r = RawClient(broker, version=version)
    r.send(mb.connect(client_id, version=version, username=username, password=password))
    return r.expect(mb.CONNACK).rc


def bans(data_dir):
    return {(e["as"], e["who"]): e for e in ctl_json(data_dir, "banned", "list")["banned"]}


def test_banned_add_and_del_survive_graceful_restarts(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data)
    assert loaded(b1, "banned clients")[0] == 0
    ctl_json(data, "banned", "add", "clientid", "evil", "--reason", "spam")
    ctl_json(data, "banned", "add", "username", "mallory", "--duration", "3600")
    assert rc_of(b1, "evil") == 0x8A
    b1.stop()

    b2 = make_broker(data_dir=data)
    assert loaded(b2, "banned clients")[0] == 2
    assert rc_of(b2, "evil") == 0x8A
    assert rc_of(b2, "fine", "mallory", "x", version=4) == 5
    listed = bans(data)
    assert set(listed) == {("clientid", "evil"), ("username", "mallory")}, listed
    assert listed[("clientid", "evil")]["reason"] == "spam"
    assert listed[("clientid", "evil")]["until"] == "infinity"
    assert listed[("username", "mallory")]["by"] == "emqxctl"
    ctl_json(data, "banned", "del", "clientid", "evil")
    b2.stop()

    b3 = make_broker(data_dir=data)
    assert loaded(b3, "banned clients")[0] == 1
    assert rc_of(b3, "evil") == 0
    assert set(bans(data)) == {("username", "mallory")}


def test_banned_add_is_committed_when_emqxctl_answers(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data, env={"EMQX_DURABLE__FSYNC": "batch"})
    ctl_json(data, "banned", "add", "peerhost", "10.9.8.7")
    assert b1.kill9() == -9  # straight after the answer: nothing else had time to commit it
    b2 = make_broker(data_dir=data)
    assert set(bans(data)) == {("peerhost", "10.9.8.7")}


def test_flapping_ban_survives_kill9_once_committed(make_broker, tmp_path):
    data = str(tmp_path / "data")
    config = ('authentication = [{mechanism = "password_based", backend = "built_in_database", '
              'password_hash_algorithm = "sha256"}]\n'
              '[mqtt]\nallow_anonymous = true\n[flapping_detect]\nenable = true\nmax_count = 3\nwindow_time = "1m"\nban_time = "1h"\n')
    b1 = make_broker(data_dir=data, config=config)
    ctl_json(data, "users", "add", "frank", "pw")
    for _ in range(3):
        assert rc_of(b1, "flappy", "frank", "wrong") == 0x86
    assert rc_of(b1, "flappy", "frank", "pw") == 0x8A
    ctl_json(data, "banned", "del", "peerhost", "127.0.0.1")  # so that the marker may connect
    commit_marker(b1)  # acknowledged after its commit: the ban, written before it, is committed too
    assert b1.kill9() == -9

    b2 = make_broker(data_dir=data, config=config)
    assert loaded(b2, "banned clients")[0] == 1
    listed = bans(data)
    assert set(listed) == {("clientid", "flappy")}, listed
    assert listed[("clientid", "flappy")]["by"] == "flapping_detect"
    assert rc_of(b2, "flappy", "frank", "pw") == 0x8A
    assert rc_of(b2, "other", "frank", "pw") == 0


def test_ban_that_ended_while_down_is_gone_after_restart(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data)
    ctl_json(data, "banned", "add", "clientid", "brief", "--duration", "2")
    ctl_json(data, "banned", "add", "clientid", "long", "--duration", "3600")
    until_ms = bans(data)[("clientid", "brief")]["until"]
    assert rc_of(b1, "brief") == 0x8A
    b1.stop()
    # Start again only once the ban has ended (a deadline, not a guess).
    deadline = time.monotonic() + 10
    while time.time() * 1000 <= until_ms:
        assert time.monotonic() < deadline, "the ban did not end"
        time.sleep(0.05)

    b2 = make_broker(data_dir=data)
    assert loaded(b2, "banned clients")[0] == 1
    assert set(bans(data)) == {("clientid", "long")}
    assert rc_of(b2, "brief") == 0


def test_bans_are_memory_only_without_durable_storage(make_broker, tmp_path):
    data = str(tmp_path / "data")
    env = {"EMQX_DURABLE__ENABLE": "false"}
    b1 = make_broker(data_dir=data, env=env)
    ctl_json(data, "banned", "add", "clientid", "evil")
    assert rc_of(b1, "evil") == 0x8A
    b1.stop()
    b2 = make_broker(data_dir=data, env=env)
    assert bans(data) == {}
    assert rc_of(b2, "evil") == 0
