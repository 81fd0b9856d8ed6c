"""GET /api/v5/clients/:clientid/mqueue_messages and inflight_messages, and
PUT /api/v5/clients/:clientid/keepalive (EMQX 5.8's paths, fields and codes),
with `emqxctl clients mqueue|inflight|keepalive` on the same handlers: an
offline persistent session's queue listed in order and walked page by page
exactly once; the inflight window of a paho subscriber that stopped reading
(it never acknowledges); payload as base64, plain or none and the payload
budget; a keepalive shortened at run time disconnects a silent client with
keepalive_timeout; bad input 400, unknown client 404, no credentials 401."""
import base64

import pytest

from harness import Api, Client, RawClient, shared_api_broker_fixtures, wait_until
from harness import mqttbytes as mb
from test_ctl_common import QUIET_SYS, ctl_json, pytestmark  # noqa: F401

ADMIN = ("views-admin", "views-admin-secret")
INFLIGHT_MAX = 4
_broker, broker, api = shared_api_broker_fixtures(
    "http-session-views", [ADMIN], dict(QUIET_SYS, EMQX_MQTT__MAX_INFLIGHT=str(INFLIGHT_MAX)), ADMIN)


def mqueue_path(client_id):
    return "/api/v5/clients/%s/mqueue_messages" % client_id


def inflight_path(client_id):
    return "/api/v5/clients/%s/inflight_messages" % client_id


def publish_all(broker, topic_prefix, payloads, client_id):
    p = Client(broker, client_id, protocol=5)
    p.connect()
    for i, payload in enumerate(payloads):
        p.publish("%s/%d" % (topic_prefix, i), payload, qos=1)
    p.disconnect()


def wait_length(api, path, n):
    def full():
        r = api.get(path + "?payload=none&limit=10000")
        return r.status == 200 and len(r.json()["data"]) == n
    wait_until(full, 5, what="%d messages at %s" % (n, path))


def offline_session_with(broker, api, client_id, payloads):
    """A persistent QoS 1 subscriber, gone, with `payloads` queued for it."""
    sub = Client(broker, client_id, protocol=5, clean=False, connect_props={"SessionExpiryInterval": 300})
    sub.connect()
    sub.subscribe(client_id + "/#", qos=1)
    sub.disconnect()
    publish_all(broker, client_id, payloads, client_id + "-pub")
    wait_length(api, mqueue_path(client_id), len(payloads))


def walk(api, path, limit):
    """Every message, a page of `limit` at a time from position none; the pages' metas."""
    seen, metas, position = [], [], "none"
    for _ in range(100):
        r = api.get("%s?limit=%d&position=%s" % (path, limit, position))
        assert r.status == 200, r
        page = r.json()
        metas.append(page["meta"])
        if not page["data"]:
            assert page["meta"]["position"] == position  # the cursor stays where it was
            return seen, metas
        assert len(page["data"]) <= limit
        seen += page["data"]
        position = page["meta"]["position"]
    raise AssertionError("the walk did not end")


def test_an_offline_sessions_queue_is_listed_in_order(broker, api):
    payloads = [b"queued-%d" % i for i in range(10)]
    offline_session_with(broker, api, "views-offline", payloads)
    r = api.get(mqueue_path("views-offline"))
    assert r.status == 200, r
    data, meta = r.json()["data"], r.json()["meta"]
    assert [m["topic"] for m in data] == ["views-offline/%d" % i for i in range(10)]
    assert [base64.b64decode(m["payload"]) for m in data] == payloads
    for m in data:
        assert m["qos"] == 1 and m["from_clientid"] == "views-offline-pub" and m["mqueue_priority"] == 0, m
        assert isinstance(m["publish_at"], int) and len(m["msgid"]) == 32, m
    places = [int(m["inserted_at"]) for m in data]
    assert places == sorted(places) and len(set(places)) == 10
    assert len({m["msgid"] for m in data}) == 10
    assert meta == {"start": "%d_0" % places[0], "position": "%d_0" % places[-1]}


def test_paging_walks_the_queue_exactly_once(broker, api):
    payloads = [b"walk-%d" % i for i in range(7)]
    offline_session_with(broker, api, "views-walk", payloads)
    for limit in (1, 3, 7, 100):
        seen, metas = walk(api, mqueue_path("views-walk"), limit)
        assert [base64.b64decode(m["payload"]) for m in seen] == payloads, limit
        assert len({m["inserted_at"] for m in seen}) == 7
        assert all(meta["start"] == metas[0]["start"] for meta in metas)


def test_payload_plain_none_and_the_budget(broker, api):
    payloads = [b"0123456789" for _ in range(5)]
    offline_session_with(broker, api, "views-fmt", payloads)
    path = mqueue_path("views-fmt")
    plain = api.get(path + "?payload=plain").json()["data"]
    assert [m["payload"] for m in plain] == ["0123456789"] * 5
    none = api.get(path + "?payload=none").json()["data"]
    assert len(none) == 5 and all("payload" not in m for m in none)
    # 10 bytes each: the first always, then while the page holds at most 25 bytes.
    r = api.get(path + "?payload=plain&max_payload_bytes=25")
    assert len(r.json()["data"]) == 2, r
    # The next page starts with the first one left out, not after it.
    nxt = api.get(path + "?payload=plain&max_payload_bytes=1KB&position=" + r.json()["meta"]["position"])
    assert len(nxt.json()["data"]) == 3, nxt
    assert len(api.get(path + "?payload=plain&max_payload_bytes=1").json()["data"]) == 1


def test_a_payload_that_is_no_utf8_cannot_be_plain(broker, api):
    offline_session_with(broker, api, "views-binary", [b"\xff\xfe\x00bin"])
    r = api.get(mqueue_path("views-binary") + "?payload=plain")
    assert r.status == 400 and r.json()["code"] == "INVALID_PARAMETER", r
    r = api.get(mqueue_path("views-binary"))
    assert base64.b64decode(r.json()["data"][0]["payload"]) == b"\xff\xfe\x00bin"


def test_the_inflight_window_of_a_subscriber_that_never_acks(broker, api):
    sub = Client(broker, "views-noack", protocol=5)
    sub.connect()
    sub.subscribe("views-noack/#", qos=1)
    sub.stop_loop()  # the socket stays open; nothing is read or acknowledged any more
    payloads = [b"unacked-%d" % i for i in range(INFLIGHT_MAX + 2)]
    publish_all(broker, "views-noack", payloads, "views-noack-pub")
    wait_length(api, mqueue_path("views-noack"), 2)
    r = api.get(inflight_path("views-noack"))
    assert r.status == 200, r
    inflight = r.json()["data"]
    assert [base64.b64decode(m["payload"]) for m in inflight] == payloads[:INFLIGHT_MAX]
    assert all(m["qos"] == 1 and "mqueue_priority" not in m for m in inflight)
    assert r.json()["meta"] == {"start": inflight[0]["inserted_at"], "position": inflight[-1]["inserted_at"]}
    seen, _ = walk(api, inflight_path("views-noack"), 1)
    assert seen == inflight
    queued = api.get(mqueue_path("views-noack")).json()["data"]
    assert [base64.b64decode(m["payload"]) for m in queued] == payloads[INFLIGHT_MAX:]


def test_an_empty_queue_and_window(broker, api):
    c = Client(broker, "views-empty", protocol=5)
    c.connect()
    for path in (mqueue_path("views-empty"), inflight_path("views-empty")):
        r = api.get(path)
        assert r.status == 200 and r.json() == {"data": [], "meta": {"start": "none", "position": "none"}}, r


def test_emqxctl_answers_what_the_api_answers(broker, api):
    offline_session_with(broker, api, "views-ctl", [b"a", b"b", b"c"])
    page = ctl_json(broker, "clients", "mqueue", "views-ctl", "--limit", "2", "--payload", "plain")
    r = api.get(mqueue_path("views-ctl") + "?limit=2&payload=plain").json()
    assert page["messages"] == r["data"] and page["position"] == r["meta"]["position"]
    rest = ctl_json(broker, "clients", "mqueue", "views-ctl", "--position", page["position"], "--payload", "plain")
    assert [m["payload"] for m in rest["messages"]] == ["c"]
    assert ctl_json(broker, "clients", "inflight", "views-ctl")["messages"] == []


@pytest.mark.parametrize("query", [
    "position=abc", "position=12", "position=-1_0", "position=1_x", "limit=0", "limit=10001", "limit=x",
    "payload=xml", "max_payload_bytes=0", "max_payload_bytes=lots",
])
def test_bad_mqueue_queries_are_400(broker, api, query):
    Client(broker, "views-bad", protocol=5).connect()
    r = api.get(mqueue_path("views-bad") + "?" + query)
    assert r.status == 400 and r.json()["code"] == "INVALID_PARAMETER", (query, r)


@pytest.mark.parametrize("query", ["position=1_0", "position=4294967296", "position=x", "limit=0"])
def test_bad_inflight_queries_are_400(broker, api, query):
    Client(broker, "views-bad-inflight", protocol=5).connect()
    r = api.get(inflight_path("views-bad-inflight") + "?" + query)
    assert r.status == 400 and r.json()["code"] == "INVALID_PARAMETER", (query, r)


@pytest.mark.parametrize("path", [mqueue_path("views-nobody"), inflight_path("views-nobody")])
def test_an_unknown_client_is_404(api, path):
    r = api.get(path)
    assert r.status == 404 and r.json()["code"] == "CLIENTID_NOT_FOUND", r


@pytest.mark.parametrize("method, path", [
    ("GET", mqueue_path("x")), ("GET", inflight_path("x")), ("PUT", "/api/v5/clients/x/keepalive"),
])
def test_no_credentials_is_401(broker, method, path):
    r = Api(broker).request(method, path, body={"interval": 5} if method == "PUT" else None)
    assert r.status == 401, r


def test_a_shortened_keepalive_disconnects_a_silent_client(broker, api):
    r = RawClient(broker, 5)
    r.connect("views-ka", keepalive=60)
    resp = api.request("PUT", "/api/v5/clients/views-ka/keepalive", body={"interval": 1})
    assert resp.status == 200 and resp.json()["keepalive"] == 1 and resp.json()["clientid"] == "views-ka", resp
    # The client sends nothing: 1 s x keepalive_multiplier (1.5) after its last packet, it is gone.
    d = r.expect(mb.DISCONNECT, timeout=4.0)
    assert d.rc == 0x8D, d  # Keep Alive timeout
    r.expect_closed(timeout=1.0)


def test_emqxctl_sets_the_keepalive_too(broker):
    r = RawClient(broker, 5)
    r.connect("views-ka-ctl", keepalive=60)
    assert ctl_json(broker, "clients", "keepalive", "views-ka-ctl", "300")["client"]["keepalive"] == 300
    r.expect_no_packet(0.2)


@pytest.mark.parametrize("body, reason", [
    ({}, "Interval Not Found"), ({"interval": 65536}, "interval"), ({"interval": -1}, "interval"),
    ({"interval": "5"}, "interval"),
])
def test_a_bad_keepalive_is_400(broker, api, body, reason):
    Client(broker, "views-ka-bad", protocol=5).connect()
    r = api.request("PUT", "/api/v5/clients/views-ka-bad/keepalive", body=body)
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST" and reason in r.json()["message"], r


def test_keepalive_of_an_unknown_or_offline_client_is_404(broker, api):
    r = api.request("PUT", "/api/v5/clients/views-ka-nobody/keepalive", body={"interval": 5})
    assert r.status == 404 and r.json()["code"] == "CLIENTID_NOT_FOUND", r
    c = Client(broker, "views-ka-gone", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 300})
    c.connect()
    c.disconnect()
    r = api.request("PUT", "/api/v5/clients/views-ka-gone/keepalive", body={"interval": 5})
    assert r.status == 404 and r.json()["code"] == "CLIENTID_NOT_FOUND", r
