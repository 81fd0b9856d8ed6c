"""is_superuser for the built-in database's users (EMQX: a superuser skips
authorization): set over HTTP (authentication/:id/users) and with `emqxctl
users add|passwd --is_superuser`; a superuser publishes where the ACL denies
everyone else, and nothing a client chooses makes one (another user's name as
client id, the superuser's name with a wrong password or none); $SYS stays
the broker's; a slow hash (bcrypt) grants it too."""
import pytest

from harness import Api, Client, RawClient, shared_api_broker_fixtures
from harness import mqttbytes as mb
from test_ctl_common import QUIET_SYS, ctl, ctl_json, pytestmark, run_ctl  # noqa: F401

ADMIN = ("su-admin", "su-admin-secret")
USERS = "/api/v5/authentication/password_based:built_in_database/users"
# Everyone may subscribe to anything and publish under open/; nothing else.
# The PUBACK of an allowed publish nobody subscribes to (MQTT 5: 0x10 No matching subscribers).
NO_SUBSCRIBERS = 0x10
ACL = '{allow, all, subscribe, ["#"]}.\n{allow, all, publish, ["open/#"]}.\n{deny, all}.\n'


def config(acl_path, hash_config='password_hash_algorithm = "sha256"'):
    return ('authentication = [{mechanism = "password_based", backend = "built_in_database", '
            'user_id_type = "username", %s}]\n'
            '[mqtt]\nallow_anonymous = true\n'
            '[authorization]\nsources = [{type = "file", path = "%s"}]\n' % (hash_config, acl_path))


_broker, broker, api = shared_api_broker_fixtures("superuser", [ADMIN], QUIET_SYS, ADMIN,
                                                  config=config("{dir}/acl.conf"), files={"acl.conf": ACL})


def publish_rc(broker, client_id, username, password, topic):
    """The PUBACK reason code of a QoS 1 publish to `topic` (MQTT 5)."""
    r = RawClient(broker, version=5)
    r.connect(client_id, username=username, password=password)
    r.send(mb.publish(topic, b"from " + client_id.encode(), qos=1, pid=1, version=5))
    rc = r.expect(mb.PUBACK).rc
    r.close()
    return rc


def watcher(broker, topic):
    w = Client(broker, "su-watch-" + topic.replace("/", "-").replace("#", "all"), protocol=5)
    w.connect()
    w.subscribe(topic, qos=1)
    return w


def test_a_superuser_publishes_where_the_acl_denies(broker, api):
    assert api.post(USERS, {"user_id": "root", "password": "root-pw", "is_superuser": True}).json() == {
        "user_id": "root", "is_superuser": True}
    assert api.post(USERS, {"user_id": "plain", "password": "plain-pw"}).json() == {
        "user_id": "plain", "is_superuser": False}
    w = watcher(broker, "secret/#")
    assert publish_rc(broker, "su-plain", "plain", b"plain-pw", "secret/a") == 0x87  # not authorized
    w.expect_no_message(0.3)
    assert publish_rc(broker, "su-root", "root", b"root-pw", "secret/a") == 0
    assert w.wait_message().payload == b"from su-root"
    assert api.get(USERS + "/root").json() == {"user_id": "root", "is_superuser": True}


def test_nothing_the_client_chooses_makes_a_superuser(broker, api):
    api.post(USERS, {"user_id": "root2", "password": "root2-pw", "is_superuser": True})
    api.post(USERS, {"user_id": "plain2", "password": "plain2-pw"})
    w = watcher(broker, "secret2/#")
    # The superuser's name as client id, with another user's credentials.
    assert publish_rc(broker, "root2", "plain2", b"plain2-pw", "secret2/a") == 0x87
    # The superuser's name as client id, anonymous (allow_anonymous), or as an unknown user's name.
    assert publish_rc(broker, "root2", None, None, "secret2/a") == 0x87
    assert publish_rc(broker, "su-unknown", "Root2", None, "secret2/a") == 0x87
    # The superuser's name with a wrong password, or none: not even connected.
    for password in (b"wrong", None):
        r = RawClient(broker, version=5)
        r.send(mb.connect("su-guess", version=5, username="root2", password=password))
        assert r.expect(mb.CONNACK).rc == 0x86
    w.expect_no_message(0.3)


def test_a_demoted_superuser_is_refused_once_it_connects_again(broker, api):
    api.post(USERS, {"user_id": "root3", "password": "root3-pw", "is_superuser": True})
    assert publish_rc(broker, "su-root3", "root3", b"root3-pw", "secret3/a") == NO_SUBSCRIBERS
    r = api.request("PUT", USERS + "/root3", body={"password": "root3-pw", "is_superuser": False})
    assert r.status == 200 and r.json() == {"user_id": "root3", "is_superuser": False}, r
    assert publish_rc(broker, "su-root3", "root3", b"root3-pw", "secret3/a") == 0x87
    # A password change alone keeps the flag.
    api.request("PUT", USERS + "/root3", body={"password": "root3-pw", "is_superuser": True})
    assert api.request("PUT", USERS + "/root3", body={"password": "new-pw"}).json()["is_superuser"] is True


def test_emqxctl_sets_the_flag(broker):
    ctl(broker, "users", "add", "root4", "root4-pw", "--is_superuser", "true")
    assert {"user_id": "root4", "is_superuser": True} in ctl_json(broker, "users", "list")["users"]
    assert publish_rc(broker, "su-root4", "root4", b"root4-pw", "secret4/a") == NO_SUBSCRIBERS
    ctl(broker, "users", "passwd", "root4", "root4-pw", "--is_superuser", "false")
    assert publish_rc(broker, "su-root4", "root4", b"root4-pw", "secret4/a") == 0x87
    p = run_ctl(broker, "users", "add", "root5", "pw", "--is_superuser", "yes")
    assert p.returncode == 2 and "is_superuser" in p.stderr, p  # a bad argument: usage
    assert "root5" not in [u["user_id"] for u in ctl_json(broker, "users", "list")["users"]]


def test_sys_stays_the_brokers(broker, api):
    api.post(USERS, {"user_id": "root6", "password": "root6-pw", "is_superuser": True})
    assert publish_rc(broker, "su-root6", "root6", b"root6-pw", "$SYS/forged") == 0x87
    assert publish_rc(broker, "su-root6", "root6", b"root6-pw", "secret6/a") == NO_SUBSCRIBERS


def test_a_superuser_checked_off_the_worker(make_broker, tmp_path):
    (tmp_path / "acl.conf").write_text(ACL)
    b = make_broker(config=config(tmp_path / "acl.conf", 'password_hash_algorithm = "bcrypt", salt_rounds = 5'))
    ctl(b, "users", "add", "slowroot", "pw", "--is_superuser", "true")
    ctl(b, "users", "add", "slowplain", "pw")
    assert publish_rc(b, "su-slow-plain", "slowplain", b"pw", "secret/slow") == 0x87
    assert publish_rc(b, "su-slow-root", "slowroot", b"pw", "secret/slow") == NO_SUBSCRIBERS


@pytest.mark.parametrize("method, path, body", [
    ("POST", USERS, {"user_id": "x", "password": "pw", "is_superuser": True}),
    ("PUT", USERS + "/root", {"password": "pw", "is_superuser": True}),
])
def test_no_credentials_is_401(broker, method, path, body):
    r = Api(broker).request(method, path, body=body)
    assert r.status == 401, r


def test_a_bad_flag_is_400(api):
    r = api.post(USERS, {"user_id": "bad", "password": "pw", "is_superuser": 1})
    assert r.status == 400 and "is_superuser" in r.json()["message"], r
    r = api.request("PUT", USERS + "/nobody-here", body={"password": "pw", "is_superuser": True})
    assert r.status == 404, r
