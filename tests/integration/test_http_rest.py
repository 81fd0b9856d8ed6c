"""The HTTP API's subscription and topic endpoints (EMQX 5.8's paths, fields
and codes): subscribe and unsubscribe a real client through the API and see
real publishes reach it or not, list subscriptions and routes with paging and
filters, and every refusal (bad bodies, unknown client, a viewer's POST)."""

from harness import Api, Client, MosquittoSub, mosquitto_pub, shared_api_broker_fixtures, wait_until
from test_ctl_common import QUIET_SYS, ctl_json, pytestmark  # noqa: F401

NODE = "emqx@127.0.0.1"
ADMIN = ("rest-admin", "rest-admin-secret")
VIEWER = ("rest-viewer", "rest-viewer-secret")


_broker, broker, api = shared_api_broker_fixtures("http-rest", [ADMIN, VIEWER + ("viewer",)], QUIET_SYS, ADMIN)


def connected(broker, client_id, **kw):
    c = Client(broker, client_id, **kw)
    c.connect()
    return c


def sub_topics(api, client_id):
    r = api.get("/api/v5/clients/%s/subscriptions" % client_id)
    assert r.status == 200, r
    return sorted(s["topic"] for s in r.json())


# ---- a client's subscriptions ----------------------------------------------------------------------


def test_subscribe_through_the_api_then_a_real_publish_reaches_the_client(broker, api):
    c = connected(broker, "rest-sub")
    r = api.post("/api/v5/clients/rest-sub/subscribe", {"topic": "rest/a/+", "qos": 1})
    assert r.status == 200, r
    assert r.json() == {"clientid": "rest-sub", "topic": "rest/a/+", "qos": 1, "nl": 0, "rap": 0, "rh": 0,
                        "node": NODE}
    mosquitto_pub(broker, "rest/a/1", "hello", qos=1)
    m = c.wait_message()
    assert (m.topic, m.payload, m.qos) == ("rest/a/1", b"hello", 1)
    listed = api.get("/api/v5/clients/rest-sub/subscriptions").json()
    assert listed == [{"clientid": "rest-sub", "topic": "rest/a/+", "qos": 1, "nl": 0, "rap": 0, "rh": 0,
                       "node": NODE, "durable": False}]
    assert [s["topic"] for s in ctl_json(broker, "subscriptions", "show", "rest-sub")["subscriptions"]] == ["rest/a/+"]

    gone = api.post("/api/v5/clients/rest-sub/unsubscribe", {"topic": "rest/a/+"})
    assert gone.status == 204 and gone.body == b"", gone
    assert sub_topics(api, "rest-sub") == []
    mosquitto_pub(broker, "rest/a/1", "after", qos=1)
    c.expect_no_message()
    # As EMQX: a filter the session does not have is no error.
    assert api.post("/api/v5/clients/rest-sub/unsubscribe", {"topic": "rest/a/+"}).status == 204


def test_subscription_options_are_the_sessions(broker, api):
    c = connected(broker, "rest-nl")
    r = api.post("/api/v5/clients/rest-nl/subscribe", {"topic": "rest/nl", "nl": 1, "rap": 1, "rh": 2})
    assert r.status == 200, r
    assert (r.json()["qos"], r.json()["nl"], r.json()["rap"], r.json()["rh"]) == (0, 1, 1, 2)
    c.publish("rest/nl", b"own")  # no local: not back to its publisher
    c.expect_no_message()
    mosquitto_pub(broker, "rest/nl", "other")
    assert c.wait_message().payload == b"other"
    shared = api.post("/api/v5/clients/rest-nl/subscribe", {"topic": "$share/g/rest/nl", "nl": 1})
    assert shared.status == 400 and "no_local" in shared.json()["message"], shared


def test_bulk_subscribe_and_unsubscribe(broker, api):
    c = connected(broker, "rest-bulk")
    r = api.post("/api/v5/clients/rest-bulk/subscribe/bulk", [{"topic": "bulk/1"}, {"topic": "bulk/2", "qos": 2}])
    assert r.status == 200, r
    assert [(s["topic"], s["qos"], s["node"]) for s in r.json()] == [("bulk/1", 0, NODE), ("bulk/2", 2, NODE)]
    mosquitto_pub(broker, "bulk/2", "two", qos=2)
    assert c.wait_message().payload == b"two"
    partly = api.post("/api/v5/clients/rest-bulk/subscribe/bulk", [{"topic": "bulk/3"}, {"topic": "bulk/#/x"}])
    assert partly.status == 200, partly
    assert [s["topic"] for s in partly.json()["succeed"]] == ["bulk/3"]
    assert partly.json()["failed"][0]["data"]["topic"] == "bulk/#/x"
    assert "invalid topic filter" in partly.json()["failed"][0]["reason"]
    assert sub_topics(api, "rest-bulk") == ["bulk/1", "bulk/2", "bulk/3"]
    gone = api.post("/api/v5/clients/rest-bulk/unsubscribe/bulk", [{"topic": "bulk/1"}, {"topic": "bulk/2"}])
    assert gone.status == 204, gone
    assert sub_topics(api, "rest-bulk") == ["bulk/3"]


def test_unknown_client_is_clientid_not_found(api):
    for method, path, body in (
            ("GET", "/api/v5/clients/nobody/subscriptions", None),
            ("POST", "/api/v5/clients/nobody/subscribe", {"topic": "t"}),
            ("POST", "/api/v5/clients/nobody/subscribe/bulk", [{"topic": "t"}]),
            ("POST", "/api/v5/clients/nobody/unsubscribe", {"topic": "t"}),
            ("POST", "/api/v5/clients/nobody/unsubscribe/bulk", [{"topic": "t"}])):
        r = api.request(method, path, body=body)
        assert r.status == 404, (path, r)
        assert r.json() == {"code": "CLIENTID_NOT_FOUND", "message": "Client ID not found"}, path


def test_bad_bodies_are_refused_with_a_reason(broker, api):
    connected(broker, "rest-bad")
    path = "/api/v5/clients/rest-bad/"
    for suffix, body, words in (
            ("subscribe", {"qos": 1}, "topic"),
            ("subscribe", {"topic": ""}, "topic"),
            ("subscribe", {"topic": 7}, "topic"),
            ("subscribe", {"topic": "t", "qos": 3}, "qos"),
            ("subscribe", {"topic": "t", "qos": "1"}, "qos"),
            ("subscribe", {"topic": "t", "rh": 3}, "rh"),
            ("subscribe", {"topic": "t/#/x"}, "invalid topic filter"),
            ("subscribe", "{not json", "JSON object"),
            ("subscribe", [{"topic": "t"}], "JSON object"),
            ("subscribe/bulk", {"topic": "t"}, "JSON array"),
            ("subscribe/bulk", [{"topic": "t"}, {"qos": 1}], "topic"),
            ("unsubscribe", {}, "topic"),
            ("unsubscribe/bulk", [{"topic": "t"}, 5], "object")):
        r = api.post(path + suffix, body, headers={"Content-Type": "application/json"})
        assert r.status == 400, (suffix, body, r)
        assert r.json()["code"] == "BAD_REQUEST" and words in r.json()["message"], (suffix, body, r)
    plain = api.post(path + "subscribe", "topic=t", headers={"Content-Type": "text/plain"})
    assert plain.status == 415 and plain.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert sub_topics(api, "rest-bad") == []


def test_a_viewer_reads_but_may_not_subscribe(broker, api):
    connected(broker, "rest-view")
    viewer = Api(broker, *VIEWER)
    assert viewer.get("/api/v5/clients/rest-view/subscriptions").status == 200
    assert viewer.get("/api/v5/subscriptions").status == 200
    assert viewer.get("/api/v5/topics").status == 200
    for suffix, body in (("subscribe", {"topic": "v"}), ("subscribe/bulk", [{"topic": "v"}]),
                         ("unsubscribe", {"topic": "v"}), ("unsubscribe/bulk", [{"topic": "v"}])):
        r = viewer.post("/api/v5/clients/rest-view/" + suffix, body)
        assert r.status == 403 and r.json()["code"] == "UNAUTHORIZED_ROLE", (suffix, r)
    assert sub_topics(api, "rest-view") == []


# ---- /subscriptions -------------------------------------------------------------------------------


def test_subscriptions_paged_and_filtered(broker, api):
    a = connected(broker, "lst-a")
    a.subscribe("lst/x/+", qos=1)
    a.subscribe("$share/grp/lst/y", qos=0)
    b = connected(broker, "lst-b", protocol=4)
    b.subscribe("lst/x/+", qos=2)
    b.subscribe("lst/z/#", qos=0)

    def rows(query):
        r = api.get("/api/v5/subscriptions?" + query)
        assert r.status == 200, (query, r)
        return r.json()

    def pairs(query):
        return sorted((s["clientid"], s["topic"]) for s in rows(query)["data"] if s["clientid"].startswith("lst-"))

    page = rows("clientid=lst-a&limit=1")
    assert page["meta"] == {"page": 1, "limit": 1, "count": 2, "hasnext": True}
    assert page["data"][0] == {"clientid": "lst-a", "topic": "$share/grp/lst/y", "qos": 0, "nl": 0, "rap": 0,
                               "rh": 0, "node": NODE, "durable": False}
    assert rows("clientid=lst-a&limit=1&page=2")["meta"] == {"page": 2, "limit": 1, "count": 2, "hasnext": False}
    assert pairs("topic=lst/x/%2B") == [("lst-a", "lst/x/+"), ("lst-b", "lst/x/+")]
    assert pairs("topic=lst/y") == []  # a shared subscription only with its share_group
    assert pairs("share_group=grp") == [("lst-a", "$share/grp/lst/y")]
    assert pairs("share_group=grp&topic=lst/y") == [("lst-a", "$share/grp/lst/y")]
    assert pairs("qos=2") == [("lst-b", "lst/x/+")]
    assert pairs("match_topic=lst/%23") == [("lst-a", "$share/grp/lst/y"), ("lst-a", "lst/x/+"),
                                            ("lst-b", "lst/x/+"), ("lst-b", "lst/z/#")]
    assert pairs("match_topic=lst/x/%2B") == [("lst-a", "lst/x/+"), ("lst-b", "lst/x/+")]
    assert pairs("node=" + NODE + "&clientid=lst-b") == [("lst-b", "lst/x/+"), ("lst-b", "lst/z/#")]
    assert pairs("node=other@h") == []
    for query, code, words in (("match_topic=a/%23/b", "INVALID_PARAMETER", "match_topic_invalid"),
                               ("match_topic=%24share/g/a", "INVALID_PARAMETER", "match_topic_invalid"),
                               ("qos=3", "BAD_REQUEST", "qos"), ("limit=0", "BAD_REQUEST", "limit")):
        bad = api.get("/api/v5/subscriptions?" + query)
        assert bad.status == 400 and bad.json()["code"] == code and words in bad.json()["message"], (query, bad)


# ---- /topics --------------------------------------------------------------------------------------


def test_topics_are_the_routes(broker, api):
    a = connected(broker, "tp-a")
    a.subscribe("tp/1")
    a.subscribe("tp/2/#")
    a.subscribe("$share/tg/tp/1")
    b = connected(broker, "tp-b")
    b.subscribe("tp/1")  # one route for two subscribers

    def topics(query=""):
        r = api.get("/api/v5/topics?" + query)
        assert r.status == 200, (query, r)
        return r.json()

    mine = sorted(t["topic"] for t in topics("limit=10000")["data"] if "tp/" in t["topic"])
    assert mine == ["$share/tg/tp/1", "tp/1", "tp/2/#"]
    assert all(t["node"] == NODE for t in topics()["data"])
    assert topics("topic=tp/1") == {"data": [{"topic": "tp/1", "node": NODE}],
                                    "meta": {"page": 1, "limit": 100, "count": 1, "hasnext": False}}
    assert topics("topic=%24share/tg/tp/1")["data"] == [{"topic": "$share/tg/tp/1", "node": NODE}]
    assert topics("topic=tp/1&node=other@h")["data"] == []
    total = topics()["meta"]["count"]
    first = topics("limit=1")
    assert first["meta"] == {"page": 1, "limit": 1, "count": total, "hasnext": total > 1}
    assert api.get("/api/v5/topics?page=0").status == 400

    one = api.get("/api/v5/topics/tp%2F1")
    assert one.status == 200, one
    assert sorted(t["topic"] for t in one.json()) == ["$share/tg/tp/1", "tp/1"]
    missing = api.get("/api/v5/topics/tp%2Fnone")
    assert missing.status == 404
    assert missing.json() == {"code": "TOPIC_NOT_FOUND", "message": "Topic not found"}
    b.unsubscribe("tp/1")
    a.unsubscribe("tp/1")
    wait_until(lambda: [t["topic"] for t in api.get("/api/v5/topics/tp%2F1").json()] == ["$share/tg/tp/1"], 5,
               what="tp/1's direct route gone")


def test_a_subscription_made_by_the_api_reaches_a_mosquitto_client_s_session(broker, api):
    sub = MosquittoSub(broker, "mq/own", client_id="rest-mosq").wait_subscribed()
    try:
        assert api.post("/api/v5/clients/rest-mosq/subscribe", {"topic": "mq/api", "qos": 1}).status == 200
        mosquitto_pub(broker, "mq/api", "via-api", qos=1)
        assert sub.wait_line() == "mq/api via-api"
    finally:
        sub.stop()
