"""Built-in database users live in the durable store when durable storage is on
(column family `users`, docs/storage.md): `emqxctl users add|passwd|del`
survive a restart and `kill -9` once answered, no users.json is written, the
password is not stored; a users.json left by a run with durable.enable = false
is imported once and renamed (docs/security.md)."""
import os

from harness import RawClient
from harness import mqttbytes as mb
from test_durable import ctl_json, pytestmark, store_dir  # noqa: F401

CONFIG = ('authentication = [{mechanism = "password_based", backend = "built_in_database", '
          'password_hash_algorithm = "sha256"}]\n')
OFF = {"EMQX_DURABLE__ENABLE": "false"}


def rc_of(broker, client_id, username, password):
    r = RawClient(broker, version=5)
    r.send(mb.connect(client_id, version=5, username=username, password=password))
    return r.expect(mb.CONNACK).rc


def users_file(data_dir):
    return os.path.join(data_dir, "auth", "users.json")


def store_holds(data_dir, needle):
    for root, _, files in os.walk(store_dir(data_dir)):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                if needle in f.read():
                    return True
    return False


def test_users_survive_restart_and_kill9_in_the_durable_store(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data, config=CONFIG)
    ctl_json(data, "users", "add", "alice", "s3cret-pw")
    ctl_json(data, "users", "add", "bob", "bob-pw")
    ctl_json(data, "users", "passwd", "bob", "bob-pw2")
    ctl_json(data, "users", "add", "carol", "carol-pw")
    ctl_json(data, "users", "del", "carol")
    assert b1.kill9() == -9  # right after the answers: they were committed before them

    b2 = make_broker(data_dir=data, config=CONFIG)
    assert [u["user_id"] for u in ctl_json(data, "users", "list")["users"]] == ["alice", "bob"]
    assert rc_of(b2, "a", "alice", "s3cret-pw") == 0
    assert rc_of(b2, "b", "bob", "bob-pw2") == 0
    assert rc_of(b2, "b", "bob", "bob-pw") == 0x86
    assert rc_of(b2, "c", "carol", "carol-pw") == 0x87  # unknown now: not authorized
    assert not os.path.exists(users_file(data))
    b2.stop()
    assert store_holds(data, b"alice")  # the check below looks in the right place
    assert not store_holds(data, b"s3cret-pw")


def test_users_json_is_imported_once(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data, config=CONFIG, env=OFF)
    ctl_json(data, "users", "add", "old", "old-pw")
    b1.stop()
    assert os.path.exists(users_file(data))

    b2 = make_broker(data_dir=data, config=CONFIG)
    assert rc_of(b2, "o", "old", "old-pw") == 0
    assert not os.path.exists(users_file(data))
    assert os.path.exists(users_file(data) + ".imported")
    ctl_json(data, "users", "passwd", "old", "new-pw")
    b2.stop()

    b3 = make_broker(data_dir=data, config=CONFIG)  # the store's users, not the old file's
    assert rc_of(b3, "o", "old", "new-pw") == 0
    assert rc_of(b3, "o", "old", "old-pw") == 0x86
