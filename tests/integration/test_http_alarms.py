"""GET and DELETE /api/v5/alarms (EMQX 5.8's emqx_mgmt_api_alarms), the alarms
emqxd raises by itself (license_quota from a test license's max_connections,
the memory alarms at a 0% watermark), their $SYS topics seen by mosquitto_sub,
and GET /api/v5/cluster."""
import json

import pytest

from harness import Api, Client, MosquittoSub, start_api_broker, use_shared_broker, wait_until
from test_ctl_common import QUIET_SYS, ctl, pytestmark  # noqa: F401
from test_license import make_key, make_license

NODE = "emqx@127.0.0.1"
ADMIN = ("alarm-admin", "alarm-admin-secret")
VIEWER = ("alarm-viewer", "alarm-viewer-secret", "viewer")
ALARMS = "/api/v5/alarms"


@pytest.fixture(scope="module")
def _broker(tmp_path_factory):
    """A license key to sign licenses with, and a cluster name of its own."""
    d = tmp_path_factory.mktemp("alarm-lic")
    key, pub = make_key(str(d))
    b = start_api_broker(tmp_path_factory, "alarms", [ADMIN, VIEWER],
                         dict(QUIET_SYS, EMQX_LICENSE__PUBLIC_KEY_FILE=pub, EMQX_CLUSTER__NAME="alarmcl"))
    b.license_dir, b.license_key = str(d), key
    yield b
    b.stop()


@pytest.fixture
def broker(request, _broker):
    return use_shared_broker(request, _broker)


def alarms(broker, query=""):
    r = Api(broker, *ADMIN).get(ALARMS + query)
    assert r.status == 200, r
    return r.json()


def named(page, name):
    return next((a for a in page["data"] if a["name"] == name), None)


def sys_event(sub, operation):
    """The next line of `sub` (format %t|%C|%p) on .../alarms/<operation>: (content type, payload)."""
    while True:
        topic, content_type, payload = sub.wait_line().split("|", 2)
        if topic == "$SYS/brokers/%s/alarms/%s" % (NODE, operation):
            return content_type, json.loads(payload)


def test_license_quota_is_raised_over_the_high_watermark_and_cleared_under_the_low(broker):
    lic = make_license(broker.license_dir, broker.license_key, name="ten.lic", max_connections=10)
    ctl(broker, "license", "reload", lic)
    sub = MosquittoSub(broker, "$SYS/brokers/+/alarms/#", protocol=5, extra=["-F", "%t|%C|%p"])
    sub.wait_subscribed()
    # 80% of 10: raised once more than 8 are connected (the subscriber is one).
    clients = [Client(broker, "quota-%d" % i, protocol=4) for i in range(8)]
    for c in clients[:7]:
        c.connect()
    assert named(alarms(broker), "license_quota") is None
    clients[7].connect()
    on = wait_until(lambda: named(alarms(broker), "license_quota"), 10, what="license_quota activated")
    assert on["node"] == NODE and on["details"] == {"high_watermark": "80"}, on
    assert on["message"] == "License: live connection number exceeds 80%", on
    assert on["activate_at"].startswith("20") and isinstance(on["duration"], int), on
    assert "deactivate_at" not in on, on
    content_type, event = sys_event(sub, "activate")
    assert content_type == "application/json"
    assert event["name"] == "license_quota" and event["activated"] is True, event
    assert event["deactivate_at"] == "infinity" and isinstance(event["activate_at"], int), event
    assert event["message"] == on["message"] and event["details"] == on["details"], event
    # 75% of 10: cleared once fewer than 7.5 are connected.
    clients[7].disconnect()
    clients[6].disconnect()
    wait_until(lambda: named(alarms(broker), "license_quota") is None, 10, what="license_quota deactivated")
    off = named(alarms(broker, "?activated=false"), "license_quota")
    assert off and off["deactivate_at"] >= off["activate_at"] and off["duration"] >= 0, off
    assert off["message"] == on["message"] and off["activate_at"] == on["activate_at"], off
    _, event = sys_event(sub, "deactivate")
    assert event["name"] == "license_quota" and event["activated"] is False, event
    assert isinstance(event["deactivate_at"], int) and event["deactivate_at"] >= event["activate_at"], event
    # DELETE forgets the deactivated ones.
    assert Api(broker, *ADMIN).delete(ALARMS).status == 204
    assert alarms(broker, "?activated=false")["data"] == []


def test_pages_and_bad_queries(broker):
    page = alarms(broker, "?activated=false&page=1&limit=5")
    assert page["meta"]["page"] == 1 and page["meta"]["limit"] == 5 and page["meta"]["hasnext"] is False, page
    api = Api(broker, *ADMIN)
    for query in ("?page=0", "?limit=0", "?limit=10001", "?page=x", "?activated=yes", "?activated="):
        r = api.get(ALARMS + query)
        assert r.status == 400 and r.json()["code"] == "BAD_REQUEST", (query, r)
    assert "activated" in api.get(ALARMS + "?activated=1").json()["message"]


def test_auth_is_refused_and_a_viewer_may_only_read(broker):
    for method in ("GET", "DELETE"):
        none = Api(broker).request(method, ALARMS)
        assert none.status == 401 and none.json()["code"] == "AUTHORIZATION_HEADER_ERROR", (method, none)
        wrong = Api(broker, ADMIN[0], "wrong").request(method, ALARMS)
        assert wrong.status == 401 and wrong.json()["code"] == "BAD_API_KEY_OR_SECRET", (method, wrong)
    viewer = Api(broker, *VIEWER[:2])
    assert viewer.get(ALARMS).status == 200
    refused = viewer.delete(ALARMS)
    assert refused.status == 403 and refused.json()["code"] == "UNAUTHORIZED_ROLE", refused
    assert Api(broker, *ADMIN).request("PUT", ALARMS, body={}).status == 405


def test_cluster_names_this_node(broker):
    r = Api(broker, *ADMIN).get("/api/v5/cluster")
    assert r.status == 200, r
    assert r.json() == {"name": "alarmcl", "nodes": [NODE], "self": NODE}
    assert Api(broker).get("/api/v5/cluster").status == 401
    assert Api(broker, *ADMIN).request("POST", "/api/v5/cluster", body={}).status == 405


def test_memory_alarms_fire_at_a_zero_watermark(make_broker, tmp_path):
    keys = tmp_path / "api_keys.txt"
    keys.write_text(":".join(ADMIN) + "\n")
    b = make_broker(env=dict(QUIET_SYS, EMQX_API_KEY__BOOTSTRAP_FILE=str(keys),
                             EMQX_SYSMON__OS__SYSMEM_HIGH_WATERMARK="0%",
                             EMQX_SYSMON__OS__PROCMEM_HIGH_WATERMARK="0.001%"), http=True)
    page = wait_until(lambda: (lambda p: p if len(p["data"]) == 2 else None)(alarms(b)), 10,
                      what="both memory alarms")
    system = named(page, "high_system_memory_usage")
    assert 0 < system["details"]["usage"] <= 100 and system["details"]["high_watermark"] == 0, system
    assert system["message"] == "%.2f%% mem usage" % system["details"]["usage"], system
    process = named(page, "high_process_memory_usage")
    assert 0.001 < process["details"]["usage"] < 100, process
    assert process["message"] == "Process memory usage is higher than 0.001%", process


def test_default_watermarks_raise_nothing_on_a_quiet_broker(broker):
    # The default 5% of the host's memory is far above an idle emqxd's.
    assert named(alarms(broker), "high_process_memory_usage") is None
