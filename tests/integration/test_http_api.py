"""The HTTP API (EMQX 5's REST API on dashboard.listeners.http): /status,
API keys (bootstrap file, emqxctl api_keys, /api/v5/api_key), and the
endpoints built so far, each refused without a key, with EMQX's paths,
fields, paging and codes, and compared with what emqxctl says."""
import json
import os
import re
import subprocess

import pytest

from harness import Api, Broker, Client, RawClient, shared_api_broker_fixtures, wait_until
from harness import mqttbytes as mb
from harness.http_api import basic
from test_ctl_common import QUIET_SYS, ctl, ctl_json, pytestmark, run_ctl  # noqa: F401

HTTP_DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "http-api.md")
NODE = "emqx@127.0.0.1"
ADMIN = ("boot-admin", "boot-admin-secret")
VIEWER = ("boot-viewer", "boot-viewer-secret")


_broker, broker, api = shared_api_broker_fixtures("http-api", [ADMIN, (), VIEWER + ("viewer",)], QUIET_SYS, ADMIN)  # (): a blank line


def curl(broker, path, *args):
    """curl's answer: (status, body)."""
    p = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", *args, "http://127.0.0.1:%d%s" % (broker.http_port, path)],
                       capture_output=True, text=True, timeout=20)
    body, _, code = p.stdout.rpartition("\n")
    return int(code), body


def test_no_cors_by_default(api):
    """dashboard.cors is false: no Access-Control-Allow-Origin, no preflight (test_http_cors.py has it on)."""
    origin = {"Origin": "http://dashboard.example:8080"}
    assert "access-control-allow-origin" not in api.get("/api/v5/nodes", headers=origin).headers
    assert Api(api.broker).request("OPTIONS", "/api/v5/nodes", headers=origin).status == 405


# ---- /status ----------------------------------------------------------------------------------


def test_status_needs_no_key_and_says_what_emqx_says(broker):
    anon = Api(broker)
    for path in ("/status", "/api/v5/status"):
        r = anon.get(path)
        assert r.status == 200, r
        assert r.text == "Node %s is started\nemqx is running" % NODE
        assert r.headers["content-type"] == "text/plain"
        assert r.headers["retry-after"] == "15"
    j = anon.get("/status?format=json")
    assert j.status == 200 and j.headers["content-type"] == "application/json"
    assert j.json() == {"node_name": NODE, "rel_vsn": j.json()["rel_vsn"], "broker_status": "started",
                        "app_status": "running"}
    assert j.json()["rel_vsn"].startswith("v")
    assert curl(broker, "/status") == (200, "Node %s is started\nemqx is running" % NODE)


# ---- refusals ---------------------------------------------------------------------------------


def test_a_request_without_a_key_is_refused_with_how_to_make_one(broker):
    r = Api(broker).get("/api/v5/nodes")
    assert r.status == 401, r
    assert r.json()["code"] == "AUTHORIZATION_HEADER_ERROR"
    assert "emqxctl api_keys add --name" in r.json()["message"]
    assert r.headers["www-authenticate"] == 'Basic Realm="emqx-dashboard"'
    bearer = Api(broker).get("/api/v5/nodes", headers={"Authorization": "Bearer abc"})
    assert bearer.status == 401 and bearer.json()["code"] == "BAD_TOKEN"


def test_a_wrong_secret_or_unknown_key_is_refused(broker):
    for key, secret in ((ADMIN[0], "wrong"), ("nobody", ADMIN[1]), (ADMIN[0], "")):
        r = Api(broker, key, secret).get("/api/v5/clients")
        assert r.status == 401, (key, r)
        assert r.json()["code"] == "BAD_API_KEY_OR_SECRET"
        assert "Check api_key/api_secret" in r.json()["message"]
        assert "emqxctl api_keys add" in r.json()["message"]
    code, body = curl(broker, "/api/v5/clients", "-u", "%s:nope" % ADMIN[0])
    assert code == 401 and json.loads(body)["code"] == "BAD_API_KEY_OR_SECRET"


def test_bootstrap_keys_work_and_a_viewer_only_reads(broker, api):
    assert api.get("/api/v5/nodes").status == 200
    viewer = Api(broker, *VIEWER)
    assert viewer.get("/api/v5/clients").status == 200
    r = viewer.delete("/api/v5/clients/anyone")
    assert r.status == 403, r
    assert r.json() == {"code": "UNAUTHORIZED_ROLE",
                        "message": "This API Key don't have permission to access this resource"}
    assert viewer.post("/api/v5/api_key", {"name": "sneaky"}).status == 403
    keys = {k["name"]: k for k in api.get("/api/v5/api_key").json()}
    boot = [k for k in keys.values() if k["name"].startswith("from_bootstrap_file_")]
    assert sorted(k["api_key"] for k in boot) == sorted([ADMIN[0], VIEWER[0]])
    assert {k["role"] for k in boot} == {"administrator", "viewer"}


def test_unknown_paths_and_methods(api):
    r = api.get("/api/v5/nothing-here")
    assert r.status == 404 and r.json()["code"] == "NOT_FOUND"
    r = api.request("PUT", "/api/v5/clients")
    assert r.status == 405 and r.json()["code"] == "METHOD_NOT_ALLOWED"
    assert r.headers["allow"] == "GET"


# ---- api keys -----------------------------------------------------------------------------------


def test_api_keys_made_and_deleted_with_emqxctl(broker, api):
    made = ctl_json(broker, "api_keys", "add", "--name", "ctl-key", "--desc", "from the shell")
    assert made["name"] == "ctl-key" and made["desc"] == "from the shell" and made["role"] == "administrator"
    assert made["enable"] is True and made["expired_at"] == "infinity" and made["expired"] is False
    assert re.fullmatch(r"[0-9a-f]{16}", made["api_key"]) and len(made["api_secret"]) == 43
    code, body = curl(broker, "/api/v5/nodes", "-u", "%s:%s" % (made["api_key"], made["api_secret"]))
    assert code == 200 and json.loads(body)[0]["node"] == NODE
    listed = {k["name"]: k for k in ctl_json(broker, "api_keys", "list")}
    assert "api_secret" not in listed["ctl-key"]
    rest = {k["name"]: k for k in api.get("/api/v5/api_key").json()}
    assert rest["ctl-key"] == listed["ctl-key"]  # the same handler answers both
    assert "ctl-key" in ctl(broker, "api_keys", "list")
    p = run_ctl(broker, "api_keys", "add", "--name", "ctl-key")
    assert p.returncode != 0 and "name_already_existed" in p.stderr
    assert ctl_json(broker, "api_keys", "del", "--name", "ctl-key") == {"result": "ok", "name": "ctl-key"}
    gone = Api(broker, made["api_key"], made["api_secret"]).get("/api/v5/nodes")
    assert gone.status == 401 and gone.json()["code"] == "BAD_API_KEY_OR_SECRET"
    p = run_ctl(broker, "api_keys", "del", "--name", "ctl-key")
    assert p.returncode == 1 and "Name NOT FOUND" in p.stderr


def test_api_keys_made_and_deleted_over_rest(broker, api):
    r = api.post("/api/v5/api_key", {"name": "rest-key", "desc": "d", "role": "viewer"})
    assert r.status == 200, r
    made = r.json()
    assert made["name"] == "rest-key" and made["role"] == "viewer" and made["api_secret"]
    mine = Api(broker, made["api_key"], made["api_secret"])
    assert mine.get("/api/v5/clients").status == 200
    one = api.get("/api/v5/api_key/rest-key")
    assert one.status == 200 and one.json()["api_key"] == made["api_key"] and "api_secret" not in one.json()
    for body, words in (({"name": "1bad"}, "Name should be"), ({"name": "rest-key"}, "name_already_existed"),
                        ({"desc": "no name"}, "name"), ({"name": "x", "role": "root"}, "invalid role"),
                        ({"name": "x", "enable": False}, "enable")):
        bad = api.post("/api/v5/api_key", body)
        assert bad.status == 400 and bad.json()["code"] == "BAD_REQUEST" and words in bad.json()["message"], (body, bad)
    text = api.request("POST", "/api/v5/api_key", body='{"name":"t"}', headers={"Content-Type": "text/plain"})
    assert text.status == 415 and text.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert api.post("/api/v5/api_key", "not json").status == 415
    notjson = api.request("POST", "/api/v5/api_key", body="{", headers={"Content-Type": "application/json"})
    assert notjson.status == 400
    assert api.delete("/api/v5/api_key/rest-key").status == 204
    assert mine.get("/api/v5/clients").status == 401
    for r in (api.get("/api/v5/api_key/rest-key"), api.delete("/api/v5/api_key/rest-key")):
        assert r.status == 404 and r.json() == {"code": "NOT_FOUND", "message": "Name NOT FOUND"}


def test_a_key_made_at_run_time_survives_a_restart(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b = make_broker(http=True, data_dir=data, name="keys-1")
    made = json.loads(ctl(None, "--socket", os.path.join(data, "emqxd.sock"), "--json", "api_keys", "add", "--name",
                          "lasting"))
    b.stop()
    with open(os.path.join(data, "api_keys.json")) as f:
        kept = f.read()
    assert made["api_key"] in kept and made["api_secret"] not in kept
    b2 = make_broker(http=True, data_dir=data, name="keys-2")
    assert Api(b2, made["api_key"], made["api_secret"]).get("/api/v5/nodes").status == 200


def test_a_bad_bootstrap_line_stops_the_start_naming_it(tmp_path):
    keys = tmp_path / "keys.txt"
    keys.write_text("good:secret\nno-colon-here\n")
    b = Broker(env={"EMQX_API_KEY__BOOTSTRAP_FILE": str(keys)}, name="bad-keys", http=True)
    with pytest.raises(AssertionError):
        b.start()
    try:
        assert b.proc.wait(10) == 1
        assert "%s:2: expected key:secret or key:secret:role" % keys in b.log()
    finally:
        b.stop()


# ---- nodes, stats, metrics ------------------------------------------------------------------------


def test_nodes_as_emqx_lists_them(broker, api):
    nodes = api.get("/api/v5/nodes")
    assert nodes.status == 200
    [n] = nodes.json()
    assert n["node"] == NODE and n["node_status"] == "running" and n["role"] == "core"
    for key in ("version", "uptime", "connections", "live_connections", "cluster_sessions", "load1", "load5",
                "load15", "max_fds", "process_available", "process_used", "edition", "log_path"):
        assert key in n, key
    assert n["version"] == ctl_json(broker, "broker")["version"]
    one = api.get("/api/v5/nodes/" + NODE)
    assert one.status == 200 and one.json()["node"] == NODE
    missing = api.get("/api/v5/nodes/other@10.0.0.9")
    assert missing.status == 404
    assert missing.json() == {"code": "NOT_FOUND", "message": "Node not found: other@10.0.0.9"}
    assert api.get("/api/v5/nodes/other@10.0.0.9/stats").status == 404
    assert "messages.received" in api.get("/api/v5/nodes/%s/metrics" % NODE).json()
    assert "topics.count" in api.get("/api/v5/nodes/%s/stats" % NODE).json()


def test_stats_and_metrics_agree_with_emqxctl(broker, api):
    c = Client(broker, "stats-1", protocol=4)
    c.connect()
    c.subscribe("stats/+/x")
    per_node = api.get("/api/v5/stats")
    assert per_node.status == 200
    [s] = per_node.json()
    assert s["node"] == NODE
    agg = api.get("/api/v5/stats?aggregate=true").json()
    assert "node" not in agg
    shell = ctl_json(broker, "broker", "stats")
    for key in ("topics.count", "subscriptions.count", "live_connections.count", "sessions.count"):
        assert s[key] == agg[key] == shell[key], key
    bad = api.get("/api/v5/stats?aggregate=maybe")
    assert bad.status == 400 and bad.json()["code"] == "BAD_REQUEST" and "aggregate" in bad.json()["message"]
    [m] = api.get("/api/v5/metrics").json()
    assert m["node"] == NODE and "messages.received" in m and "packets.connect.received" in m
    assert api.get("/api/v5/metrics?node=other@h").json() == []
    assert api.get("/api/v5/metrics?aggregate=true").json()["packets.subscribe.received"] >= 1
    assert api.get("/api/v5/metrics?aggregate=1").status == 400


def test_listeners(broker, api):
    r = api.get("/api/v5/listeners")
    assert r.status == 200
    [tcp] = [l for l in r.json() if l["id"] == "tcp:default"]
    assert tcp["type"] == "tcp" and tcp["name"] == "default" and tcp["enable"] is True
    assert tcp["bind"] == "127.0.0.1:%d" % broker.port
    assert tcp["status"]["running"] is True
    assert tcp["node_status"] == [{"node": NODE, "status": tcp["status"]}]
    shell = [l for l in ctl_json(broker, "listeners")["listeners"] if l["id"] == "tcp:default"][0]
    assert tcp["status"]["max_connections"] == shell["max_conns"]
    assert [l["id"] for l in api.get("/api/v5/listeners?type=tcp").json()] == ["tcp:default"]
    assert api.get("/api/v5/listeners?type=ws").json() == []
    bad = api.get("/api/v5/listeners?type=quic")
    assert bad.status == 400 and bad.json()["code"] == "BAD_REQUEST"


# ---- clients ------------------------------------------------------------------------------------


def test_clients_paged_as_emqx_pages(broker, api):
    for i in range(5):
        Client(broker, "page-%d" % i, protocol=4, username="pu-%d" % i).connect()
    r = api.get("/api/v5/clients?like_clientid=page-&limit=2")
    assert r.status == 200, r
    assert r.json()["meta"] == {"page": 1, "limit": 2, "count": 5, "hasnext": True}
    assert [c["clientid"] for c in r.json()["data"]] == ["page-0", "page-1"]
    last = api.get("/api/v5/clients?like_clientid=page-&limit=2&page=3").json()
    assert last["meta"] == {"page": 3, "limit": 2, "count": 5, "hasnext": False}
    assert [c["clientid"] for c in last["data"]] == ["page-4"]
    default = api.get("/api/v5/clients?like_clientid=page-").json()["meta"]
    assert default == {"page": 1, "limit": 100, "count": 5, "hasnext": False}
    for query, words in (("page=0", "page"), ("page=x", "page"), ("limit=0", "limit"), ("limit=10001", "limit"),
                         ("conn_state=asleep", "conn_state"), ("ip_address=1.2.3", "ip_address"),
                         ("proto_ver=5", "not available yet")):
        bad = api.get("/api/v5/clients?" + query)
        assert bad.status == 400, (query, bad)
        assert bad.json()["code"] == "BAD_REQUEST" and words in bad.json()["message"], (query, bad)


def test_clients_filters(broker, api):
    for i in range(3):
        Client(broker, "flt-%d" % i, protocol=4, username="fu-%d" % i).connect()
    off = Client(broker, "flt-off", protocol=5, clean=False, username="fu-off",
                 connect_props={"SessionExpiryInterval": 300})
    off.connect()
    off.disconnect()

    def ids(query):
        r = api.get("/api/v5/clients?like_clientid=flt-&" + query)
        assert r.status == 200, r
        return [c["clientid"] for c in r.json()["data"]]
    wait_until(lambda: ids("conn_state=disconnected") == ["flt-off"], 5, what="flt-off offline")
    assert ids("clientid=flt-2&clientid=flt-0") == ["flt-0", "flt-2"]
    assert ids("username=fu-1") == ["flt-1"]
    assert ids("like_username=fu-o") == ["flt-off"]
    assert ids("conn_state=connected") == ["flt-0", "flt-1", "flt-2"]
    assert ids("ip_address=127.0.0.1") == ["flt-0", "flt-1", "flt-2"]  # an offline session has no address
    assert ids("node=" + NODE) == ["flt-0", "flt-1", "flt-2", "flt-off"]
    assert ids("node=other@h") == []


def test_one_client_with_emqx_fields(broker, api):
    c = Client(broker, "show/me", protocol=5, username="su")
    c.connect()
    c.subscribe("show/+")
    r = api.get("/api/v5/clients/show%2Fme")
    assert r.status == 200, r
    j = r.json()
    assert j["clientid"] == "show/me" and j["username"] == "su" and j["node"] == NODE
    assert j["ip_address"] == "127.0.0.1" and isinstance(j["port"], int)
    assert j["proto_name"] == "MQTT" and j["proto_ver"] == 5 and j["connected"] is True
    assert j["listener"] == "tcp:default" and j["keepalive"] == 60
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$", j["connected_at"])
    shell = ctl_json(broker, "clients", "show", "show/me")["client"]
    assert j["subscriptions_cnt"] == shell["subscriptions"] == 1
    assert j["inflight_max"] == 32 and j["mqueue_max"] == 1000
    missing = api.get("/api/v5/clients/nobody-here")
    assert missing.status == 404
    assert missing.json() == {"code": "CLIENTID_NOT_FOUND", "message": "Client ID not found"}
    assert api.get("/api/v5/clients/bad%zz").status == 400


def test_delete_kicks_a_real_client(broker, api):
    raw = RawClient(broker, 5)
    raw.connect("kick-me")
    sub = Client(broker, "kick-me-not", protocol=4)
    sub.connect()
    r = api.delete("/api/v5/clients/kick-me")
    assert r.status == 204 and r.body == b""
    seen = raw.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x98], seen  # kicked
    assert sub.is_connected()
    wait_until(lambda: api.get("/api/v5/clients/kick-me").status == 404, 5, what="kick-me gone")
    again = api.delete("/api/v5/clients/kick-me")
    assert again.status == 404 and again.json()["code"] == "CLIENTID_NOT_FOUND"
    # mosquitto_sub (MQTT 5: a 3.1.1 one reconnects after a second) is kicked the same way: it exits.
    p = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-i", "kick-mosq", "-t", "k/#",
                          "-V", "5"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: api.get("/api/v5/clients/kick-mosq").status == 200, 5, what="mosquitto_sub connected")
        assert api.delete("/api/v5/clients/kick-mosq").status == 204
        p.wait(10)
        wait_until(lambda: api.get("/api/v5/clients/kick-mosq").status == 404, 5, what="kick-mosq gone")
    finally:
        p.kill()
        p.wait(5)


# ---- the document ---------------------------------------------------------------------------------


def test_swagger_lists_every_route_and_the_doc_names_them(broker):
    r = Api(broker).get("/api-docs/swagger.json")
    assert r.status == 200, r
    doc = r.json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path, method in (("/status", "get"), ("/api/v5/nodes", "get"), ("/api/v5/nodes/{node}", "get"),
                         ("/api/v5/stats", "get"), ("/api/v5/metrics", "get"), ("/api/v5/listeners", "get"),
                         ("/api/v5/clients", "get"), ("/api/v5/clients/{clientid}", "get"),
                         ("/api/v5/clients/{clientid}", "delete"), ("/api/v5/api_key", "get"),
                         ("/api/v5/api_key", "post"), ("/api/v5/api_key/{name}", "delete")):
        assert method in paths.get(path, {}), (method, path)
    assert paths["/api/v5/clients"]["get"]["security"] == [{"basicAuth": []}]
    assert paths["/status"]["get"]["security"] == []
    with open(HTTP_DOC) as f:
        text = f.read()
    for path, methods in paths.items():
        for method in methods:
            assert "%s %s" % (method.upper(), path) in text, "docs/http-api.md does not list %s %s" % (method, path)
