"""The dashboard's login and users (EMQX 5.8's /login, /logout, /users and
`emqx ctl admins`): a login's bearer token on the rest of the API, its expiry
and revocation, the default password that must be changed before anything
else, the users endpoints and emqxctl admins on the same store, and failed
logins locking out one source address (127.0.0.x: every 127/8 address is
loopback, so a client socket bound to another one is another address)."""
import http.client
import json
import os
import stat
import time

import pytest

from harness import Api, start_api_broker, use_shared_broker, wait_until
from test_ctl_common import QUIET_SYS, ctl, pytestmark, run_ctl  # noqa: F401

KEY = ("login-admin", "login-admin-secret")
NEW_ADMIN_PASSWORD = "n3w-Admin-pass"
LOCK_ENV = {
    "EMQX_DASHBOARD__UNSUCCESSFUL_LOGIN_MAX_ATTEMPTS": "3",
    "EMQX_DASHBOARD__UNSUCCESSFUL_LOGIN_INTERVAL": "1m",
    "EMQX_DASHBOARD__UNSUCCESSFUL_LOGIN_LOCK_DURATION": "3s",
}


@pytest.fixture(scope="module")
def _broker(tmp_path_factory):
    env = dict(QUIET_SYS, EMQX_PROMETHEUS__ENABLE_BASIC_AUTH="true", **LOCK_ENV)
    b = start_api_broker(tmp_path_factory, "http-login", [KEY], env)
    yield b
    b.stop()


@pytest.fixture
def broker(request, _broker):
    return use_shared_broker(request, _broker)


def call(broker, method, path, body=None, token=None, source="127.0.0.1", headers=None):
    """One request from `source`, with `token` as its bearer when given."""
    h = dict(headers or {})
    if token is not None:
        h["Authorization"] = "Bearer " + token
    conn = http.client.HTTPConnection("127.0.0.1", broker.http_port, timeout=10, source_address=(source, 0))
    try:
        return Api(broker).request(method, path, body=body, headers=h, conn=conn)
    finally:
        conn.close()


def login(broker, username, password, source="127.0.0.1"):
    return call(broker, "POST", "/api/v5/login", {"username": username, "password": password}, source=source)


def token_of(broker, username, password):
    r = login(broker, username, password)
    assert r.status == 200, r
    return r.json()["token"]


def refused(r, status, code):
    assert (r.status, r.json()["code"]) == (status, code), r
    return r.json()["message"]


def add_user(broker, username, password, *rest):
    assert ctl(broker, "admins", "add", username, password, *rest) == "ok\n"


# ---- the default password ------------------------------------------------------------------------------


def test_the_default_users_first_login_may_only_change_its_password(broker):
    r = login(broker, "admin", "public")
    assert r.status == 200, r
    body = r.json()
    assert set(body) == {"token", "version", "license", "role"}
    assert body["license"] == {"edition": "opensource"} and body["role"] == "administrator"
    assert body["version"] and len(body["token"]) == 43
    token = body["token"]
    # It may log out.
    other = token_of(broker, "admin", "public")
    assert call(broker, "POST", "/api/v5/logout", {"username": "admin"}, token=other).status == 204
    refused(call(broker, "POST", "/api/v5/logout", {"username": "admin"}, token=other), 401, "BAD_TOKEN")
    for method, path, payload in (("GET", "/api/v5/nodes", None), ("GET", "/api/v5/users", None),
                                  ("POST", "/api/v5/users", {"username": "x", "password": "xyz12345"}),
                                  ("POST", "/api/v5/users/other/change_pwd", {"old_pwd": "a", "new_pwd": "b"})):
        message = refused(call(broker, method, path, payload, token=token), 403, "DEFAULT_CREDENTIALS_NOT_CHANGED")
        assert "/api/v5/users/admin/change_pwd" in message and "emqxctl admins passwd admin" in message
    change = "/api/v5/users/admin/change_pwd"
    message = refused(call(broker, "POST", change, {"old_pwd": "public", "new_pwd": "short"}, token=token),
                      400, "BAD_REQUEST")
    assert message == "The range of password length is 8~64"
    refused(call(broker, "POST", change, {"old_pwd": "wrong", "new_pwd": NEW_ADMIN_PASSWORD}, token=token),
            400, "ERROR_PWD_NOT_MATCH")
    r = call(broker, "POST", change, {"old_pwd": "public", "new_pwd": NEW_ADMIN_PASSWORD}, token=token)
    assert r.status == 204, r
    # The change revoked the token; the default password is gone; the new one has every right.
    refused(call(broker, "GET", "/api/v5/nodes", token=token), 401, "BAD_TOKEN")
    refused(login(broker, "admin", "public", source="127.0.0.4"), 401, "BAD_USERNAME_OR_PWD")
    full = token_of(broker, "admin", NEW_ADMIN_PASSWORD)
    assert call(broker, "GET", "/api/v5/nodes", token=full).status == 200
    assert broker.log_line("admin logged in from 127.0.0.1 with the default password")


def test_emqxctl_admins_passwd_resets_the_default_password_and_it_survives_a_restart(make_broker, tmp_path):
    data = tmp_path / "data"
    env = dict(QUIET_SYS, EMQX_DASHBOARD__DEFAULT_USERNAME="boss", EMQX_DASHBOARD__DEFAULT_PASSWORD="fresh-install")
    b = make_broker(env=env, http=True, data_dir=str(data), name="login-restart")
    assert login(b, "admin", "public").status == 401  # the keys name the default user
    token = token_of(b, "boss", "fresh-install")
    refused(call(b, "GET", "/api/v5/clients", token=token), 403, "DEFAULT_CREDENTIALS_NOT_CHANGED")
    assert ctl(None, "--socket", str(data / "emqxd.sock"), "admins", "passwd", "boss", "Str0ng-pass") == "ok\n"
    refused(call(b, "GET", "/api/v5/clients", token=token), 401, "BAD_TOKEN")
    assert call(b, "GET", "/api/v5/clients", token=token_of(b, "boss", "Str0ng-pass")).status == 200
    b.stop()
    kept = (data / "admins.json").read_text()
    assert "Str0ng-pass" not in kept and "fresh-install" not in kept
    assert stat.S_IMODE(os.stat(data / "admins.json").st_mode) == 0o600
    b = make_broker(env=env, http=True, data_dir=str(data), name="login-restart-2")
    refused(login(b, "boss", "fresh-install"), 401, "BAD_USERNAME_OR_PWD")
    assert call(b, "GET", "/api/v5/nodes", token=token_of(b, "boss", "Str0ng-pass")).status == 200


# ---- login, tokens, logout ------------------------------------------------------------------------------


def test_a_login_token_works_on_every_route_until_logout(broker):
    add_user(broker, "ops", "0ps-password", "the ops team")
    refused(login(broker, "ops", "wrong-password", source="127.0.0.5"), 401, "BAD_USERNAME_OR_PWD")
    refused(login(broker, "nobody", "0ps-password", source="127.0.0.5"), 401, "BAD_USERNAME_OR_PWD")
    refused(call(broker, "POST", "/api/v5/login", {"username": "ops"}, source="127.0.0.5"), 400, "BAD_REQUEST")
    r = call(broker, "POST", "/api/v5/login", "username=ops", headers={"Content-Type": "text/plain"})
    assert r.status == 415, r
    token = token_of(broker, "ops", "0ps-password")
    for path in ("/api/v5/nodes", "/api/v5/clients", "/api/v5/api_key", "/api/v5/users", "/api/v5/prometheus/stats"):
        assert call(broker, "GET", path, token=token).status == 200, path
    refused(call(broker, "GET", "/api/v5/prometheus/stats"), 401, "AUTHORIZATION_HEADER_ERROR")
    refused(call(broker, "GET", "/api/v5/nodes", token=token + "x"), 401, "BAD_TOKEN")
    refused(call(broker, "POST", "/api/v5/logout", {"username": "admin"}, token=token), 401,
            "WRONG_TOKEN_OR_USERNAME")
    assert call(broker, "POST", "/api/v5/logout", {"username": "ops"}, token=token).status == 204
    refused(call(broker, "GET", "/api/v5/nodes", token=token), 401, "BAD_TOKEN")
    # API keys still work beside tokens.
    assert Api(broker, *KEY).get("/api/v5/users").status == 200


def test_a_viewers_token_only_reads(broker):
    r = Api(broker, *KEY).post("/api/v5/users", {"username": "watcher", "password": "w4tch-only", "role": "viewer"})
    assert r.status == 200, r
    token = token_of(broker, "watcher", "w4tch-only")
    assert call(broker, "GET", "/api/v5/clients", token=token).status == 200
    refused(call(broker, "DELETE", "/api/v5/clients/anyone", token=token), 403, "UNAUTHORIZED_ROLE")
    refused(call(broker, "POST", "/api/v5/users", {"username": "x", "password": "xyz12345"}, token=token),
            403, "UNAUTHORIZED_ROLE")


def test_a_token_expires_after_its_last_use(make_broker):
    env = dict(QUIET_SYS, EMQX_DASHBOARD__TOKEN_EXPIRED_TIME="2s", EMQX_DASHBOARD__DEFAULT_PASSWORD="f1rst-pass")
    b = make_broker(env=env, http=True, name="login-expiry")
    assert ctl(b, "admins", "passwd", "admin", "s3cond-pass") == "ok\n"
    token = token_of(b, "admin", "s3cond-pass")
    # Used every 0.3 s for 3 s, longer than its 2 s: each use moves the expiry on (as EMQX).
    end = time.monotonic() + 3
    while time.monotonic() < end:
        assert call(b, "GET", "/api/v5/nodes", token=token).status == 200
        time.sleep(0.3)
    last_use = time.monotonic()
    # Unused: the condition is the clock passing the expiry (2 s after the last use).
    wait_until(lambda: time.monotonic() > last_use + 2.2, 5, what="the token's expiry")
    message = refused(call(b, "GET", "/api/v5/nodes", token=token), 401, "TOKEN_TIME_OUT")
    assert "POST /api/v5/login" in message
    refused(call(b, "GET", "/api/v5/nodes", token=token), 401, "BAD_TOKEN")


# ---- users -------------------------------------------------------------------------------------------------


def test_users_endpoints_add_list_update_and_delete(broker):
    api = Api(broker, *KEY)
    for body, message in (
            ({"username": "bad-name", "password": "g00d-pass"},
             "Bad Username. Only upper and lower case letters, numbers and underscores are supported"),
            ({"username": "newbie", "password": "12345678"}, "Bad password. At least two different kind"),
            ({"username": "newbie", "password": "g00d-pass", "role": "root"}, "Role does not exist"),
            ({"username": "newbie"}, "Username or password undefined"),
            ({"username": "newbie", "password": 12345678}, "password: expected a string")):
        assert refused(api.post("/api/v5/users", body), 400, "BAD_REQUEST").startswith(message), body
    r = api.post("/api/v5/users", {"username": "newbie", "password": "g00d-pass", "description": "new"})
    assert r.status == 200, r
    assert r.json() == {"username": "newbie", "description": "new", "role": "administrator", "backend": "local"}
    assert refused(api.post("/api/v5/users", {"username": "newbie", "password": "g00d-pass"}),
                   400, "BAD_REQUEST") == "username_already_exists"
    listed = {u["username"]: u for u in api.get("/api/v5/users").json()}
    assert listed["newbie"]["description"] == "new" and "admin" in listed
    assert all("password" not in json.dumps(u) for u in listed.values())

    token = token_of(broker, "newbie", "g00d-pass")
    r = api.request("PUT", "/api/v5/users/newbie", body={"description": "renamed"})
    assert r.status == 200 and r.json()["description"] == "renamed", r
    assert call(broker, "GET", "/api/v5/nodes", token=token).status == 200  # same role: the token lives
    r = api.request("PUT", "/api/v5/users/newbie", body={"role": "viewer"})
    assert r.status == 200 and r.json() == {"username": "newbie", "description": "renamed", "role": "viewer",
                                            "backend": "local"}, r
    refused(call(broker, "GET", "/api/v5/nodes", token=token), 401, "BAD_TOKEN")  # a new role: log in again
    refused(api.request("PUT", "/api/v5/users/ghost", body={"description": "x"}), 404, "USER_NOT_FOUND")
    refused(api.request("PUT", "/api/v5/users/newbie", body={"role": "god"}), 400, "BAD_REQUEST")

    refused(api.post("/api/v5/users/ghost/change_pwd", {"old_pwd": "a", "new_pwd": "b"}), 404, "USER_NOT_FOUND")
    refused(api.post("/api/v5/users/newbie/change_pwd", {"old_pwd": "g00d-pass"}), 400, "BAD_REQUEST")
    assert refused(api.delete("/api/v5/users/admin"), 400, "NOT_ALLOWED") == 'Cannot delete user "admin"'
    add_user(broker, "selfish", "s3lfish-pass")
    selfish = token_of(broker, "selfish", "s3lfish-pass")
    assert refused(call(broker, "DELETE", "/api/v5/users/selfish", token=selfish), 400,
                   "NOT_ALLOWED") == "Cannot delete self"
    assert call(broker, "DELETE", "/api/v5/users/newbie", token=selfish).status == 204
    refused(api.delete("/api/v5/users/newbie"), 404, "USER_NOT_FOUND")
    assert "newbie" not in {u["username"] for u in api.get("/api/v5/users").json()}
    refused(login(broker, "newbie", "g00d-pass", source="127.0.0.6"), 401, "BAD_USERNAME_OR_PWD")


def test_emqxctl_admins_add_passwd_del_on_the_same_users(broker):
    add_user(broker, "night", "n1ght-shift", "night shift", "viewer")
    user = next(u for u in Api(broker, *KEY).get("/api/v5/users").json() if u["username"] == "night")
    assert user == {"username": "night", "description": "night shift", "role": "viewer", "backend": "local"}
    p = run_ctl(broker, "admins", "add", "night", "n1ght-shift")
    assert p.returncode == 1 and "username_already_exists" in p.stderr, p
    p = run_ctl(broker, "admins", "add", "day", "short")  # a bad argument: emqxctl's usage exit code
    assert p.returncode == 2 and "The range of password length is 8~64" in p.stderr, p
    token = token_of(broker, "night", "n1ght-shift")
    p = run_ctl(broker, "admins", "passwd", "night", "nopunct")
    assert p.returncode == 2 and "8~64" in p.stderr, p
    assert ctl(broker, "admins", "passwd", "night", "n1ght-again") == "ok\n"
    refused(call(broker, "GET", "/api/v5/clients", token=token), 401, "BAD_TOKEN")
    token = token_of(broker, "night", "n1ght-again")
    assert ctl(broker, "admins", "del", "night") == "ok\n"
    refused(call(broker, "GET", "/api/v5/clients", token=token), 401, "BAD_TOKEN")
    p = run_ctl(broker, "admins", "del", "night")
    assert p.returncode == 1 and "username_not_found" in p.stderr, p
    p = run_ctl(broker, "admins", "passwd", "night", "n1ght-again")
    assert p.returncode == 1 and "username_not_found" in p.stderr, p


# ---- lock-out ----------------------------------------------------------------------------------------------


def test_failed_logins_lock_out_the_address_and_no_other(broker):
    add_user(broker, "target", "t4rget-pass")
    for _ in range(3):  # unsuccessful_login_max_attempts = 3
        refused(login(broker, "target", "guess-1234", source="127.0.0.3"), 401, "BAD_USERNAME_OR_PWD")
    # Locked: even the right password is refused, with when to retry.
    r = login(broker, "target", "t4rget-pass", source="127.0.0.3")
    refused(r, 401, "LOGIN_LOCKED")
    assert 1 <= int(r.headers["retry-after"]) <= 3, r.headers
    refused(login(broker, "target", "t4rget-pass", source="127.0.0.3"), 401, "LOGIN_LOCKED")
    # Another address is not locked out.
    assert login(broker, "target", "t4rget-pass", source="127.0.0.2").status == 200
    assert broker.log_line("from 127.0.0.3 failed; 3 failures within 60000 ms: the address is locked out")
    assert broker.log_line("from 127.0.0.3 refused: the address is locked out for")
    assert broker.log_line("(2 refused so far)")
    # Once unsuccessful_login_lock_duration (3 s) has passed, the address may log in again.
    wait_until(lambda: login(broker, "target", "t4rget-pass", source="127.0.0.3").status == 200, 10,
               interval=0.5, what="the lock-out of 127.0.0.3 to end")
