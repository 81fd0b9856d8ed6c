"""The HTTP API's retainer and banned endpoints (EMQX 5.8's paths, fields and
codes): retained messages published by real clients are listed, shown with
their payload in base64 and deleted (and a later subscriber then gets none);
a client id banned through the API cannot connect, and can once the ban is
lifted; bad input is 400 with a reason, unknown ones 404, a viewer may read
but not change."""
import base64
import urllib.parse
from datetime import datetime, timedelta, timezone

import pytest

from harness import Client, mosquitto_pub, shared_api_broker_fixtures
from test_ctl_common import QUIET_SYS, ctl, ctl_json, pytestmark  # noqa: F401

ADMIN = ("rb-admin", "rb-admin-secret")
VIEWER = ("rb-viewer", "rb-viewer-secret")


_broker, broker, api = shared_api_broker_fixtures("http-retainer-banned", [ADMIN, VIEWER + ("viewer",)], QUIET_SYS, ADMIN)


def message_path(topic):
    return "/api/v5/mqtt/retainer/message/" + urllib.parse.quote(topic, safe="")


def parse_time(text):
    return datetime.fromisoformat(text)


# ---- retainer ---------------------------------------------------------------------------------


def test_retained_messages_are_listed_paged_and_filtered(broker, api):
    for i in range(3):
        mosquitto_pub(broker, "rb/list/%d" % i, "v%d" % i, qos=1, retain=True, client_id="rb-pub-%d" % i)
    mosquitto_pub(broker, "rb/other", "o", retain=True, client_id="rb-pub-o")
    r = api.get("/api/v5/mqtt/retainer/messages?topic=" + urllib.parse.quote("rb/list/+") + "&limit=2")
    assert r.status == 200, r
    page = r.json()
    assert page["meta"] == {"page": 1, "limit": 2, "count": 3, "hasnext": True}, page
    first = page["data"][0]
    assert (first["topic"], first["qos"], first["from_clientid"], first["from_username"]) == \
        ("rb/list/0", 1, "rb-pub-0", ""), first
    assert len(first["msgid"]) == 32 and "payload" not in first, first
    assert abs(parse_time(first["publish_at"]) - datetime.now(timezone.utc)) < timedelta(minutes=1), first
    second = api.get("/api/v5/mqtt/retainer/messages?topic=" + urllib.parse.quote("rb/list/+") + "&limit=2&page=2")
    assert [m["topic"] for m in second.json()["data"]] == ["rb/list/2"], second
    everything = api.get("/api/v5/mqtt/retainer/messages?limit=10000").json()
    topics = [m["topic"] for m in everything["data"]]
    assert {"rb/list/0", "rb/list/1", "rb/list/2", "rb/other"} <= set(topics) and topics == sorted(topics)
    assert everything["meta"]["count"] == ctl_json(broker, "retainer", "info")["count"]
    # The same handler as emqxctl's.
    assert "Retained(topic=rb/other," in ctl(broker, "retainer", "messages", "rb/#")


def test_one_retained_message_with_its_payload_in_base64(broker, api):
    c = Client(broker, "rb-binary-pub")
    c.connect()
    c.publish("rb/one/bin", b"\x00\xffbinary", qos=1, retain=True)
    r = api.get(message_path("rb/one/bin"))
    assert r.status == 200, r
    m = r.json()
    assert (m["topic"], m["qos"], m["from_clientid"]) == ("rb/one/bin", 1, "rb-binary-pub"), m
    assert base64.b64decode(m["payload"]) == b"\x00\xffbinary"
    listed = api.get("/api/v5/mqtt/retainer/messages?topic=rb/one/bin").json()["data"]
    assert [x["msgid"] for x in listed] == [m["msgid"]]
    missing = api.get(message_path("rb/one/none"))
    assert (missing.status, missing.json()) == (404, {"code": "NOT_FOUND",
                                                      "message": "Viewed message doesn't exist"}), missing


def test_delete_one_retained_message_then_a_new_subscriber_gets_none(broker, api):
    mosquitto_pub(broker, "rb/del/a", "gone soon", retain=True)
    mosquitto_pub(broker, "rb/del/b", "stays", retain=True)
    r = api.delete(message_path("rb/del/a"))
    assert r.status == 204 and r.body == b"", r
    again = api.delete(message_path("rb/del/a"))
    assert again.status == 404 and again.json()["code"] == "NOT_FOUND", again
    c = Client(broker, "rb-del-sub")
    c.connect()
    c.subscribe("rb/del/#")
    m = c.wait_message()
    assert (m.topic, m.payload) == ("rb/del/b", b"stays")
    c.expect_no_message()


def test_retainer_refusals(broker, api):
    r = api.get("/api/v5/mqtt/retainer/messages?topic=" + urllib.parse.quote("a/#/b"))
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST" and "a/#/b" in r.json()["message"], r
    r = api.get("/api/v5/mqtt/retainer/messages?limit=0")
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST", r
    r = api.get(message_path("rb/+"))
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST", r
    viewer = api.with_key(*VIEWER)
    assert viewer.get("/api/v5/mqtt/retainer/messages").status == 200
    mosquitto_pub(broker, "rb/viewer", "kept", retain=True)
    r = viewer.delete(message_path("rb/viewer"))
    assert r.status == 403 and r.json()["code"] == "UNAUTHORIZED_ROLE", r
    assert api.get(message_path("rb/viewer")).status == 200


def test_delete_all_retained_messages(broker, api):
    mosquitto_pub(broker, "rb/all/1", "x", retain=True)
    assert api.delete("/api/v5/mqtt/retainer/messages").status == 204
    assert api.get("/api/v5/mqtt/retainer/messages").json()["data"] == []
    assert ctl_json(broker, "retainer", "info")["count"] == 0


# ---- banned -----------------------------------------------------------------------------------


def ban(api, body):
    return api.post("/api/v5/banned", body)


def test_a_client_id_banned_through_the_api_cannot_connect_until_the_ban_is_lifted(broker, api):
    r = ban(api, {"as": "clientid", "who": "rb-evil", "reason": "spam"})
    assert r.status == 200, r
    b = r.json()
    assert (b["as"], b["who"], b["by"], b["reason"], b["until"]) == ("clientid", "rb-evil", "mgmt_api", "spam",
                                                                     "infinity"), b
    assert abs(parse_time(b["at"]) - datetime.now(timezone.utc)) < timedelta(minutes=1), b
    Client(broker, "rb-evil").connect(expect_rc=0x8A)
    assert ("clientid", "rb-evil") in {(e["as"], e["who"]) for e in ctl_json(broker, "banned", "list")["banned"]}

    gone = api.delete("/api/v5/banned/clientid/rb-evil")
    assert gone.status == 204 and gone.body == b"", gone
    Client(broker, "rb-evil").connect()
    again = api.delete("/api/v5/banned/clientid/rb-evil")
    assert (again.status, again.json()) == (404, {"code": "NOT_FOUND", "message": "clientid: rb-evil not found"})


def test_bans_are_listed_paged_and_filtered_with_their_times(broker, api):
    until = (datetime.now(timezone.utc) + timedelta(hours=1)).replace(microsecond=0)
    for who in ("rb-l1", "rb-l2", "rb-l3"):
        assert ban(api, {"as": "username", "who": who, "by": "ops", "until": until.isoformat()}).status == 200
    r = api.get("/api/v5/banned?username=rb-l2")
    assert r.status == 200, r
    [b] = r.json()["data"]
    assert (b["who"], b["by"]) == ("rb-l2", "ops") and parse_time(b["until"]) == until, b
    page = api.get("/api/v5/banned?limit=2").json()
    assert page["meta"]["limit"] == 2 and page["meta"]["count"] >= 3 and page["meta"]["hasnext"], page
    # A username ban refuses that username's CONNECT.
    Client(broker, "rb-anyone", username="rb-l1", password="x").connect(expect_rc=0x8A)
    r = api.get("/api/v5/banned?username=rb-l1&clientid=x")
    assert (r.status, r.json()["code"], r.json()["message"]) == (400, "BAD_REQUEST", "too_many_filters"), r


def test_an_existing_ban_is_not_replaced(broker, api):
    assert ban(api, {"as": "peerhost", "who": "10.1.2.3", "reason": "first"}).status == 200
    r = ban(api, {"as": "peerhost", "who": "10.1.2.3", "reason": "second"})
    assert r.status == 400 and r.json()["code"] == "ALREADY_EXISTS" and '"first"' in r.json()["message"], r


@pytest.mark.parametrize("body,message", [
    ({"as": "clientid_re", "who": "x"}, "as: expected clientid, username or peerhost, got clientid_re"),
    ({"as": "clientid"}, "who: a string is required"),
    ({"as": "peerhost", "who": "not-an-ip"}, "who: not an IP address: not-an-ip"),
    ({"as": "clientid", "who": "rb-past", "until": "2001-01-01T00:00:00Z"},
     "already_expired: until is not in the future"),
])
def test_bad_bans_are_400_with_a_reason_and_nothing_is_banned(broker, api, body, message):
    before = ctl_json(broker, "banned", "list")["banned"]
    r = ban(api, body)
    assert (r.status, r.json()) == (400, {"code": "BAD_REQUEST", "message": message}), r
    assert ctl_json(broker, "banned", "list")["banned"] == before


def test_banned_refusals_and_roles(broker, api):
    r = api.delete("/api/v5/banned/clientid_re/x")
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST", r
    viewer = api.with_key(*VIEWER)
    assert viewer.get("/api/v5/banned").status == 200
    r = viewer.post("/api/v5/banned", {"as": "clientid", "who": "rb-by-viewer"})
    assert r.status == 403 and r.json()["code"] == "UNAUTHORIZED_ROLE", r
    Client(broker, "rb-by-viewer").connect()


def test_delete_all_bans(broker, api):
    assert ban(api, {"as": "clientid", "who": "rb-clear"}).status == 200
    assert api.delete("/api/v5/banned").status == 204
    assert api.get("/api/v5/banned").json()["data"] == []
    Client(broker, "rb-clear").connect()
