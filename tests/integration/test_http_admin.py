"""The HTTP API's authorization source, license and configs endpoints (EMQX
5.8's paths, fields and codes): the ACL file's rules read and replaced through
the API (a client is refused by the new rule at once; bad rules change
nothing), the license shown and uploaded (a bad one changes nothing, a good
one survives a restart), and the configuration read back as JSON with its
secrets redacted and PUT refused."""
import os
import stat

import pytest

from harness import Client, mqttbytes as mb
from harness.clients import RawClient
from harness.http_api import Api, shared_api_broker_fixtures
from test_ctl_common import QUIET_SYS, ctl_json, pytestmark  # noqa: F401
from test_license import make_key, make_license

ADMIN = ("adm-admin", "adm-admin-secret")
OPEN_RULES = "{allow, all}.\n"
DASHBOARD_PASSWORD = "adm-dashboard-pw-never-shown"


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    d = tmp_path_factory.mktemp("http-admin-files")
    acl = d / "acl.conf"
    acl.write_text(OPEN_RULES)
    os.chmod(acl, 0o640)
    key, pub = make_key(str(d))
    return {"dir": d, "acl": acl, "key": key, "pub": pub}


def admin_env(request):
    setup = request.getfixturevalue("setup")
    return dict(QUIET_SYS,
                EMQX_AUTHORIZATION__SOURCES='[{type = "file", path = "%s"}]' % setup["acl"],
                EMQX_LICENSE__PUBLIC_KEY_FILE=setup["pub"],
                EMQX_MQTT__MAX_INFLIGHT="17",
                EMQX_MQTT__SESSION_EXPIRY_INTERVAL="90m",
                EMQX_DASHBOARD__DEFAULT_PASSWORD=DASHBOARD_PASSWORD)


_broker, broker, api = shared_api_broker_fixtures("http-admin", [ADMIN], admin_env, ADMIN)


def suback_code(broker, client_id, topic):
    c = RawClient(broker, version=5)
    c.send(mb.connect(client_id, version=5))
    assert c.expect(mb.CONNACK).rc == 0
    c.send(mb.subscribe(1, [(topic, 0)], version=5))
    return c.expect(mb.SUBACK).reason_codes[0]


def put_rules(api, rules, **extra):
    return api.request("PUT", "/api/v5/authorization/sources/file", body=dict({"type": "file", "enable": True,
                                                                                 "rules": rules}, **extra))


# ---- authorization/sources ------------------------------------------------------------------------


def test_file_source_shows_the_acl_files_text(api, setup):
    put_rules(api, OPEN_RULES)
    r = api.get("/api/v5/authorization/sources/file")
    assert r.status == 200, r
    assert r.json() == {"type": "file", "enable": True, "rules": setup["acl"].read_text()}
    listed = api.get("/api/v5/authorization/sources")
    assert listed.status == 200 and listed.json() == {"sources": [r.json()]}, listed


def test_put_rules_refuses_a_client_at_once_and_keeps_the_file_mode(broker, api, setup):
    assert put_rules(api, OPEN_RULES).status == 204
    assert suback_code(broker, "adm-acl-before", "adm/secret/1") == 0
    # A client that subscribed before the change: its cached "allow" is emptied too.
    c = Client(broker, "adm-acl-cached")
    c.connect()
    c.subscribe("adm/secret/2")
    rules = '%% no secrets\n{deny, all, subscribe, ["adm/secret/#"]}.\n{allow, all}.\n'
    r = put_rules(api, rules)
    assert r.status == 204 and r.body == b"", r
    assert setup["acl"].read_text() == rules
    assert stat.S_IMODE(os.stat(setup["acl"]).st_mode) == 0o640
    assert not os.path.exists(str(setup["acl"]) + ".tmp")
    assert suback_code(broker, "adm-acl-after", "adm/secret/1") == 0x87
    c.subscribe("adm/secret/2", expect=[0x87])
    assert api.get("/api/v5/authorization/sources/file").json()["rules"] == rules
    put_rules(api, OPEN_RULES)
    assert suback_code(broker, "adm-acl-reopened", "adm/secret/1") == 0


def test_bad_rules_are_refused_naming_the_line_and_lose_nothing(broker, api, setup):
    good = '{deny, all, subscribe, ["adm/bad/#"]}.\n{allow, all}.\n'
    assert put_rules(api, good).status == 204
    r = put_rules(api, '{allow, all}.\n\n{deny, all, subscribe, ["adm/x/#"]\n')
    assert r.status == 400, r
    assert r.json()["code"] == "BAD_REQUEST" and "line 4, column 1" in r.json()["message"], r
    r = put_rules(api, '{allow, {clientid, {re, "("}}, all, ["t"]}.\n')
    assert r.status == 400 and "invalid regular expression" in r.json()["message"], r
    assert setup["acl"].read_text() == good
    assert suback_code(broker, "adm-bad-after", "adm/bad/1") == 0x87  # the rules in force stay
    for body, word in [({"type": "file", "enable": True}, "rules"),
                       ({"type": "file", "enable": True, "rules": 42}, "rules"),
                       ({"type": "http", "enable": True, "rules": good}, "type"),
                       ({"type": "file", "enable": "yes", "rules": good}, "enable"),
                       ({"type": "file", "enable": False, "rules": good}, "enable")]:
        r = api.request("PUT", "/api/v5/authorization/sources/file", body=body)
        assert r.status == 400 and r.json()["message"].startswith(word + ":"), (body, r)
    r = api.request("PUT", "/api/v5/authorization/sources/file", body="rules", headers={"Content-Type": "text/plain"})
    assert r.status == 415, r
    assert setup["acl"].read_text() == good
    put_rules(api, OPEN_RULES)


def test_other_source_types_are_not_found_or_bad(api):
    for t in ("http", "built_in_database", "redis"):
        r = api.get("/api/v5/authorization/sources/" + t)
        assert r.status == 404 and r.json()["code"] == "NOT_FOUND", r
        r = api.request("PUT", "/api/v5/authorization/sources/" + t, body={"type": t, "enable": True, "rules": ""})
        assert r.status == 404, (t, r)
    r = api.get("/api/v5/authorization/sources/nonsense")
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST", r


def test_no_file_source_is_not_found(make_broker, tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text(":".join(ADMIN) + "\n")
    b = make_broker(env={"EMQX_API_KEY__BOOTSTRAP_FILE": str(keys)}, http=True)
    api = Api(b, *ADMIN)
    assert api.get("/api/v5/authorization/sources").json() == {"sources": []}
    r = api.get("/api/v5/authorization/sources/file")
    assert r.status == 404 and r.json()["code"] == "NOT_FOUND", r
    assert put_rules(api, OPEN_RULES).status == 404


# ---- license ---------------------------------------------------------------------------------------

LICENSE_FIELDS = {"customer", "customer_type", "deployment", "email", "expiry", "expiry_at", "issued_at",
                  "max_connections", "start_at", "type"}


def test_license_shows_emqx_fields_of_the_license_in_force(broker, api):
    r = api.get("/api/v5/license")
    assert r.status == 200, r
    shown = r.json()
    assert set(shown) == LICENSE_FIELDS, shown
    info = ctl_json(broker, "license", "info")
    assert shown == {k: info[k] for k in LICENSE_FIELDS}


def test_upload_valid_license_applies_it(broker, api, setup):
    text = open(make_license(str(setup["dir"]), setup["key"], name="up.lic", customer="Upload Co",
                             max_connections=55)).read()
    r = api.post("/api/v5/license", {"key": text})
    assert r.status == 200, r
    shown = r.json()
    assert shown["customer"] == "Upload Co" and shown["max_connections"] == 55, shown
    assert shown["type"] == "official" and shown["expiry"] is False and shown["expiry_at"] == "2099-12-31", shown
    assert shown["issued_at"] == shown["start_at"] == "2024-01-01" and shown["email"] == "ops@acme.example"
    assert api.get("/api/v5/license").json() == shown
    assert ctl_json(broker, "license", "info")["customer"] == "Upload Co"


def test_upload_invalid_license_keeps_the_old_one(api, setup):
    before = api.get("/api/v5/license").json()
    d = str(setup["dir"])
    tampered = open(make_license(d, setup["key"], name="bad.lic", tamper=True, customer="Tampered")).read()
    expired = open(make_license(d, setup["key"], name="old.lic", customer="Old", customer_type="trial",
                                issued_at="2020-01-01", expiry_at="2020-12-31")).read()
    for key, words in [(tampered, "signature"), (expired, "expired"), ("not a license", "invalid license"),
                       ("file://" + d + "/up.lic", "file://"), ("", "key")]:
        r = api.post("/api/v5/license", {"key": key})
        assert r.status == 400 and r.json()["code"] == "BAD_REQUEST", (key[:40], r)
        assert words in r.json()["message"], (words, r)
        assert api.get("/api/v5/license").json() == before
    assert api.post("/api/v5/license", {"key": 7}).status == 400
    assert api.post("/api/v5/license", {}).status == 400
    assert api.post("/api/v5/license", "x", headers={"Content-Type": "text/plain"}).status == 415


def test_uploaded_license_survives_a_restart(make_broker, tmp_path):
    key, pub = make_key(str(tmp_path))
    keys = tmp_path / "keys.txt"
    keys.write_text(":".join(ADMIN) + "\n")
    env = {"EMQX_API_KEY__BOOTSTRAP_FILE": str(keys), "EMQX_LICENSE__PUBLIC_KEY_FILE": pub}
    data = str(tmp_path / "data")
    first = make_broker(env=env, data_dir=data, http=True)
    text = open(make_license(str(tmp_path), key, customer="Lasting Co")).read()
    assert Api(first, *ADMIN).post("/api/v5/license", {"key": text}).status == 200
    first.stop()
    second = make_broker(env=env, data_dir=data, http=True)
    assert Api(second, *ADMIN).get("/api/v5/license").json()["customer"] == "Lasting Co"


# ---- configs ---------------------------------------------------------------------------------------


def test_configs_answer_the_configuration_in_force(api):
    r = api.get("/api/v5/configs")
    assert r.status == 200, r
    conf = r.json()
    assert conf["mqtt"]["max_inflight"] == 17 and conf["mqtt"]["session_expiry_interval"] == "1h30m"
    assert conf["listeners"]["tcp"]["default"]["bind"] == "127.0.0.1:%d" % api.broker.port
    assert conf["authorization"]["sources"][0]["type"] == "file"
    assert conf["node"]["cookie"] == "******" and conf["dashboard"]["default_password"] == "******"
    assert DASHBOARD_PASSWORD not in r.text
    one = api.get("/api/v5/configs?key=mqtt")
    assert one.status == 200 and one.json() == {"mqtt": conf["mqtt"]}, one
    root = api.get("/api/v5/configs/mqtt")
    assert root.status == 200 and root.json() == conf["mqtt"], root
    assert api.get("/api/v5/configs/dashboard").json()["default_password"] == "******"


def test_configs_unknown_root_and_changes_are_refused(api):
    r = api.get("/api/v5/configs/nonsense")
    assert r.status == 404 and r.json()["code"] == "NOT_FOUND", r
    r = api.get("/api/v5/configs?key=nonsense")
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST" and "mqtt" in r.json()["message"], r
    for path in ("/api/v5/configs", "/api/v5/configs/mqtt"):
        r = api.request("PUT", path, body={"mqtt": {"max_inflight": 1}})
        assert r.status == 405 and r.json()["code"] == "METHOD_NOT_ALLOWED", r
        assert "read-only" in r.json()["message"] and r.headers["allow"] == "GET", r
    assert api.get("/api/v5/configs/mqtt").json()["max_inflight"] == 17


# ---- refused without a key ---------------------------------------------------------------------------


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v5/authorization/sources"), ("GET", "/api/v5/authorization/sources/file"),
    ("PUT", "/api/v5/authorization/sources/file"), ("GET", "/api/v5/license"), ("POST", "/api/v5/license"),
    ("GET", "/api/v5/configs"), ("GET", "/api/v5/configs/mqtt"), ("PUT", "/api/v5/configs")])
def test_refused_without_a_key(broker, api, setup, method, path):
    before = setup["acl"].read_text()
    r = Api(broker).request(method, path, body={"type": "file", "enable": True, "rules": "{deny, all}.\n",
                                                "key": "x"})
    assert r.status == 401, r
    assert setup["acl"].read_text() == before
