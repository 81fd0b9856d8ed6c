"""The HTTP API's trace endpoints (EMQX 5.8's paths, fields and codes): a
named trace made through the API records a real client's packets, its log is
read back by position, it is listed, stopped and deleted; bad bodies are 400
with a reason, unknown names 404, a viewer may list but not start one."""
import io
import zipfile
from datetime import datetime, timedelta, timezone

import pytest

from harness import Client, shared_api_broker_fixtures, wait_until
from test_ctl_common import QUIET_SYS, ctl_json, pytestmark  # noqa: F401

ADMIN = ("tr-admin", "tr-admin-secret")
VIEWER = ("tr-viewer", "tr-viewer-secret")
NODE = "emqx@127.0.0.1"


_broker, broker, api = shared_api_broker_fixtures("http-trace", [ADMIN, VIEWER + ("viewer",)], QUIET_SYS, ADMIN)


def listed(api):
    r = api.get("/api/v5/trace")
    assert r.status == 200, r
    return {t["name"]: t for t in r.json()}


def read_log(api, name):
    """The whole log so far, read in small steps by position."""
    out, position = b"", 0
    for _ in range(10000):  # the log of one test is far shorter: a position that never advances fails
        r = api.get("/api/v5/trace/%s/log?bytes=200&position=%d" % (name, position))
        assert r.status == 200, r
        body = r.json()
        assert body["meta"]["bytes"] == 200 and len(body["items"].encode()) <= 200, body["meta"]
        if body["items"] == "":
            return out.decode()
        out += body["items"].encode()
        assert body["meta"]["position"] == position + len(body["items"].encode())
        position = body["meta"]["position"]
    raise AssertionError("the log of %s did not end" % name)


def test_a_trace_made_through_the_api_records_a_client_and_is_read_stopped_and_deleted(broker, api):
    end = (datetime.now(timezone.utc) + timedelta(minutes=5)).replace(microsecond=0)
    r = api.post("/api/v5/trace", {"name": "tr-client", "type": "clientid", "clientid": "tr-c1",
                                   "end_at": end.isoformat()})
    assert r.status == 200, r
    t = r.json()
    assert (t["name"], t["type"], t["clientid"], t["status"], t["formatter"]) == \
        ("tr-client", "clientid", "tr-c1", "running", "text"), t
    # The trace runs for whole seconds from when it was made.
    assert abs(datetime.fromisoformat(t["end_at"]) - end) < timedelta(seconds=1), t
    c = Client(broker, "tr-c1")
    c.connect()
    c.publish("tr/topic", b"traced payload", qos=1)
    wait_until(lambda: "Topic=tr/topic" in read_log(api, "tr-client"), 5, what="the publish in the trace log")
    assert "clientid=tr-c1" in read_log(api, "tr-client")
    shown = listed(api)["tr-client"]
    assert shown["status"] == "running" and shown["log_size"][NODE] > 0, shown
    # The same trace as emqxctl's.
    assert [x["name"] for x in ctl_json(broker, "traces", "list")["traces"]] == ["tr-client"]

    download = api.get("/api/v5/trace/tr-client/download")
    assert download.status == 200 and download.headers["content-type"] == "application/octet-stream", download
    assert 'filename="tr-client.zip"' in download.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(download.body)) as z:
        assert z.testzip() is None and z.namelist() == [NODE + "-tr-client.log"]
        zipped = z.read(NODE + "-tr-client.log").decode()
    assert "Topic=tr/topic" in zipped and zipped.startswith(read_log(api, "tr-client")[:100])

    stopped = api.request("PUT", "/api/v5/trace/tr-client/stop")
    assert (stopped.status, stopped.json()) == (200, {"enable": False, "name": "tr-client"}), stopped
    assert listed(api)["tr-client"]["status"] == "stopped"
    gone = api.delete("/api/v5/trace/tr-client")
    assert gone.status == 204, gone
    assert "tr-client" not in listed(api)
    for r in (api.delete("/api/v5/trace/tr-client"), api.request("PUT", "/api/v5/trace/tr-client/stop"),
              api.get("/api/v5/trace/tr-client/log"), api.get("/api/v5/trace/tr-client/download")):
        assert (r.status, r.json()) == (404, {"code": "NOT_FOUND", "message": "tr-client NOT FOUND"}), r


def test_a_name_in_use_is_409(api):
    body = {"name": "tr-twice", "type": "topic", "topic": "tr/#"}
    assert api.post("/api/v5/trace", body).status == 200
    r = api.post("/api/v5/trace", body)
    assert (r.status, r.json()["code"]) == (409, "ALREADY_EXISTS"), r
    assert api.delete("/api/v5/trace/tr-twice").status == 204


@pytest.mark.parametrize("body,reason", [
    ({"type": "clientid", "clientid": "x"}, "name and type"),
    ({"name": "tr-bad", "type": "rule", "clientid": "x"}, "type: expected clientid, topic or ip_address"),
    ({"name": "tr-bad", "type": "clientid"}, "clientid: a string is required"),
    ({"name": "tr-bad", "type": "topic", "topic": "a/#/b"}, "invalid topic filter"),
    ({"name": "tr-bad", "type": "ip_address", "ip_address": "nope"}, "invalid IP address"),
    ({"name": "bad name", "type": "clientid", "clientid": "x"}, "invalid trace name"),
    ({"name": "tr-bad", "type": "clientid", "clientid": "x", "end_at": "2001-01-01T00:00:00Z"},
     "end_at: must be in the future"),
    ({"name": "tr-bad", "type": "clientid", "clientid": "x", "end_at": "soon"}, "end_at: expected an RFC 3339"),
    ({"name": "tr-bad", "type": "clientid", "clientid": "x", "start_at": "2999-01-01T00:00:00Z"},
     "start_at: a trace that starts later is not supported"),
])
def test_bad_traces_are_400_with_a_reason_and_nothing_starts(api, body, reason):
    r = api.post("/api/v5/trace", body)
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST" and reason in r.json()["message"], r
    assert "tr-bad" not in listed(api)


def test_delete_every_trace(broker, api):
    for name in ("tr-all-1", "tr-all-2"):
        assert api.post("/api/v5/trace", {"name": name, "type": "clientid", "clientid": name}).status == 200
    assert api.delete("/api/v5/trace").status == 204
    assert listed(api) == {} and ctl_json(broker, "traces", "list")["traces"] == []


def test_log_query_refusals_and_roles(api):
    assert api.post("/api/v5/trace", {"name": "tr-roles", "type": "clientid", "clientid": "x"}).status == 200
    r = api.get("/api/v5/trace/tr-roles/log?position=-1")
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST", r
    r = api.get("/api/v5/trace/tr-roles/log?node=other@host")
    assert (r.status, r.json()["code"]) == (400, "NODE_ERROR"), r
    viewer = api.with_key(*VIEWER)
    assert "tr-roles" in listed(viewer)
    r = viewer.post("/api/v5/trace", {"name": "tr-viewer", "type": "clientid", "clientid": "x"})
    assert r.status == 403 and r.json()["code"] == "UNAUTHORIZED_ROLE", r
    r = viewer.request("PUT", "/api/v5/trace/tr-roles/stop")
    assert r.status == 403, r
    assert api.delete("/api/v5/trace/tr-roles").status == 204
