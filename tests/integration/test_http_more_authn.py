"""The HTTP API's authentication/:id/users endpoints for the built-in database
(EMQX 5.8's paths, fields and codes), on a broker that authenticates against
it: a user made over HTTP can connect with its password, a changed password
is the one that works, a deleted user is refused; the list is paged; bad
input is 400 with a reason, an unknown user or authenticator 404, no
credentials 401."""
import pytest

from harness import Api, Broker, RawClient, use_shared_broker
from harness import mqttbytes as mb
from test_ctl_common import QUIET_SYS, ctl_json, pytestmark  # noqa: F401

ADMIN = ("authn-admin", "authn-admin-secret")
USERS = "/api/v5/authentication/password_based:built_in_database/users"
CONFIG = ('authentication = [{mechanism = "password_based", backend = "built_in_database", '
          'user_id_type = "username", password_hash_algorithm = "sha256"}]\n')


@pytest.fixture(scope="module")
def _broker(tmp_path_factory):
    keys = tmp_path_factory.mktemp("http-more-authn") / "api_keys.txt"
    keys.write_text(":".join(ADMIN) + "\n")
    b = Broker(env=dict(QUIET_SYS, EMQX_API_KEY__BOOTSTRAP_FILE=str(keys)), config=CONFIG, name="http-more-authn",
               http=True)
    b.start()
    yield b
    b.stop()


@pytest.fixture
def broker(request, _broker):
    return use_shared_broker(request, _broker)


@pytest.fixture
def api(broker):
    return Api(broker, *ADMIN)


def connect_rc(broker, username, password):
    r = RawClient(broker, version=5)
    r.send(mb.connect("authn-" + username, version=5, username=username, password=password))
    return r.expect(mb.CONNACK).rc


def test_a_user_made_over_http_connects_until_changed_and_deleted(broker, api):
    r = api.post(USERS, {"user_id": "alice", "password": "first-pw"})
    assert r.status == 201 and r.json() == {"user_id": "alice", "is_superuser": False}, r
    assert connect_rc(broker, "alice", b"first-pw") == 0
    assert connect_rc(broker, "alice", b"wrong") == 0x86
    assert api.get(USERS + "/alice").json() == {"user_id": "alice", "is_superuser": False}
    # The same store emqxctl reads.
    assert {"user_id": "alice", "is_superuser": False} in ctl_json(broker, "users", "list")["users"]
    r = api.request("PUT", USERS + "/alice", body={"password": "second-pw"})
    assert r.status == 200 and r.json() == {"user_id": "alice", "is_superuser": False}, r
    assert connect_rc(broker, "alice", b"second-pw") == 0
    assert connect_rc(broker, "alice", b"first-pw") == 0x86
    assert api.post(USERS, {"user_id": "alice", "password": "x"}).json()["code"] == "ALREADY_EXISTS"
    assert connect_rc(broker, "alice", b"second-pw") == 0  # the refused add changed nothing
    r = api.delete(USERS + "/alice")
    assert r.status == 204, r
    assert connect_rc(broker, "alice", b"second-pw") == 0x87  # no such user: not authorized
    assert api.get(USERS + "/alice").status == 404


def test_users_are_listed_paged_and_filtered(api):
    for i in range(3):
        assert api.post(USERS, {"user_id": "page-%d" % i, "password": "pw-%d" % i}).status == 201
    r = api.get(USERS + "?like_user_id=page-&limit=2")
    assert r.status == 200, r
    assert r.json()["meta"] == {"page": 1, "limit": 2, "count": 3, "hasnext": True}, r
    assert [u["user_id"] for u in r.json()["data"]] == ["page-0", "page-1"]
    r = api.get(USERS + "?like_user_id=page-&limit=2&page=2")
    assert [u["user_id"] for u in r.json()["data"]] == ["page-2"], r
    assert api.get(USERS + "?limit=0").status == 400


@pytest.mark.parametrize("body, reason", [
    ({"password": "pw"}, "user_id"),
    ({"user_id": "bob"}, "password"),
    ({"user_id": 7, "password": "pw"}, "user_id"),
    ({"user_id": "bob", "password": "pw", "is_superuser": "yes"}, "is_superuser"),
])
def test_a_bad_new_user_is_400_and_not_made(broker, api, body, reason):
    r = api.post(USERS, body)
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST" and reason in r.json()["message"], r
    assert "bob" not in [u["user_id"] for u in ctl_json(broker, "users", "list")["users"]]


def test_unknown_user_or_authenticator_is_404(api):
    assert api.get(USERS + "/nobody").json() == {"code": "NOT_FOUND", "message": "User not found"}
    assert api.delete(USERS + "/nobody").status == 404
    assert api.request("PUT", USERS + "/nobody", body={"password": "pw"}).status == 404
    for path in ("/api/v5/authentication/password_based:http/users", "/api/v5/authentication/jwt/users/x"):
        r = api.get(path)
        assert r.status == 404 and r.json()["code"] == "NOT_FOUND", r


@pytest.mark.parametrize("method, path, body", [
    ("GET", USERS, None),
    ("POST", USERS, {"user_id": "eve", "password": "pw"}),
    ("GET", USERS + "/eve", None),
    ("PUT", USERS + "/eve", {"password": "pw"}),
    ("DELETE", USERS + "/eve", None),
])
def test_no_credentials_is_401(broker, method, path, body):
    r = Api(broker).request(method, path, body=body)
    assert r.status == 401 and r.json()["code"] == "AUTHORIZATION_HEADER_ERROR", r
