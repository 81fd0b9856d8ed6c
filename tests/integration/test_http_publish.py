"""POST /api/v5/publish and /publish/bulk (EMQX 5.8's paths, bodies and
codes): messages published through the API reach real subscribers (paho with
MQTT 5 properties, mosquitto_sub), are retained for later subscribers, are
queued for an offline persistent session, and are counted as a client's; 202
when nobody matched; 400 for bad input with nothing published; the API key's
role decides who may publish."""
import base64
import re

import pytest

from harness import Api, Client, MosquittoSub, shared_api_broker_fixtures
from test_ctl_common import QUIET_SYS, ctl_json, pytestmark  # noqa: F401

ADMIN = ("pub-admin", "pub-admin-secret")
VIEWER = ("pub-viewer", "pub-viewer-secret")
PUBLISHER = ("pub-publisher", "pub-publisher-secret")
MAX_PACKET = 4096


_broker, broker, api = shared_api_broker_fixtures(
    "http-publish", [ADMIN, VIEWER + ("viewer",), PUBLISHER + ("publisher",)],
    dict(QUIET_SYS, EMQX_MQTT__MAX_PACKET_SIZE=str(MAX_PACKET)), ADMIN)


def subscriber(broker, client_id, topic, qos=0, **kw):
    c = Client(broker, client_id, **kw)
    c.connect()
    c.subscribe(topic, qos)
    return c


def assert_message_id(body):
    assert re.fullmatch(r"[0-9A-F]{32}", body["id"]), body


NO_MATCH = {"reason_code": 16, "message": "no_matching_subscribers"}


# ---- delivery ---------------------------------------------------------------------------------


def test_publish_reaches_an_mqtt5_subscriber_with_its_properties(broker, api):
    c = subscriber(broker, "pub-props", "api/props", qos=1)
    r = api.post("/api/v5/publish", {
        "topic": "api/props", "payload": "hello", "qos": 1,
        "properties": {"payload_format_indicator": 1, "message_expiry_interval": 300,
                       "response_topic": "api/reply", "correlation_data": "corr-1",
                       "content_type": "text/plain", "user_properties": {"k1": "v1", "k2": "v2"}}})
    assert r.status == 200, r
    assert_message_id(r.json())
    m = c.wait_message()
    assert (m.topic, m.payload, m.qos, m.retain) == ("api/props", b"hello", 1, False)
    p = m.properties
    assert p.PayloadFormatIndicator == 1
    assert 0 < p.MessageExpiryInterval <= 300
    assert p.ResponseTopic == "api/reply"
    assert p.CorrelationData == b"corr-1"
    assert p.ContentType == "text/plain"
    assert sorted(p.UserProperty) == [("k1", "v1"), ("k2", "v2")]


def test_base64_payload_reaches_mosquitto_sub_decoded_and_ids_differ(broker, api):
    sub = MosquittoSub(broker, "api/b64").wait_subscribed()
    first = api.post("/api/v5/publish", {"topic": "api/b64", "payload": base64.b64encode(b"bytes here").decode(),
                                         "payload_encoding": "base64"})
    assert first.status == 200, first
    assert sub.wait_line() == "api/b64 bytes here"
    second = api.post("/api/v5/publish", {"topic": "api/b64", "payload": "plain"})
    assert second.status == 200 and second.json()["id"] != first.json()["id"], (first, second)
    assert sub.wait_line() == "api/b64 plain"


def test_nobody_subscribed_is_202_and_counted_as_dropped(broker, api):
    before = ctl_json(broker, "broker", "metrics")
    r = api.post("/api/v5/publish", {"topic": "api/nobody", "payload": "x"})
    assert (r.status, r.json()) == (202, NO_MATCH), r
    after = ctl_json(broker, "broker", "metrics")
    assert after["messages.publish"] == before["messages.publish"] + 1
    assert after["messages.dropped.no_subscribers"] == before["messages.dropped.no_subscribers"] + 1


def test_retained_message_reaches_a_later_subscriber(broker, api):
    r = api.post("/api/v5/publish", {"topic": "api/retained", "payload": "kept", "retain": True, "qos": 1})
    assert (r.status, r.json()) == (202, NO_MATCH), r
    late = Client(broker, "pub-late")
    late.connect()
    late.subscribe("api/retained", 1)
    m = late.wait_message()
    assert (m.topic, m.payload, m.retain) == ("api/retained", b"kept", True)
    # An empty retained payload clears it, as from a client.
    assert api.post("/api/v5/publish", {"topic": "api/retained", "payload": "", "retain": True}).status in (200, 202)
    later = Client(broker, "pub-later")
    later.connect()
    later.subscribe("api/retained", 1)
    later.expect_no_message()


def test_qos1_is_queued_for_an_offline_persistent_session(broker, api):
    c = Client(broker, "pub-offline", clean=False, connect_props={"SessionExpiryInterval": 300})
    c.connect()
    c.subscribe("api/offline", 1)
    c.disconnect()
    r = api.post("/api/v5/publish", {"topic": "api/offline", "payload": "while away", "qos": 1})
    assert r.status == 200, r  # the offline session matched
    back = Client(broker, "pub-offline", clean=False, connect_props={"SessionExpiryInterval": 300})
    assert back.connect().session_present
    m = back.wait_message()
    assert (m.topic, m.payload, m.qos) == ("api/offline", b"while away", 1)


def test_bulk_publishes_in_order_and_answers_each(broker, api):
    c = subscriber(broker, "pub-bulk", "api/bulk/+", qos=1)
    bodies = [{"topic": "api/bulk/1", "payload": "m%d" % i, "qos": 1} for i in range(20)]
    r = api.post("/api/v5/publish/bulk", bodies)
    assert r.status == 200, r
    assert len(r.json()) == 20 and all(re.fullmatch(r"[0-9A-F]{32}", x["id"]) for x in r.json()), r
    assert [m.payload for m in c.wait_messages(20)] == [b"m%d" % i for i in range(20)]

    mixed = api.post("/api/v5/publish/bulk", [{"topic": "api/bulk/2", "payload": "a"},
                                              {"topic": "api/elsewhere", "payload": "b"}])
    assert mixed.status == 202, mixed
    assert "id" in mixed.json()[0] and mixed.json()[1] == NO_MATCH, mixed
    assert c.wait_message().payload == b"a"


# ---- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize("body,expected", [
    ({"topic": "api/refused/+", "payload": "x"}, {"reason_code": 144, "message": "topic_name_invalid"}),
    ({"topic": "api/refused/#", "payload": "x"}, {"reason_code": 144, "message": "topic_name_invalid"}),
    ({"topic": "api/refused", "payload": "*not base64*", "payload_encoding": "base64"},
     {"reason_code": 131, "message": "decode_base64_payload_failed"}),
    ({"topic": "api/refused", "payload": "x" * MAX_PACKET}, {"reason_code": 151, "message": "packet_too_large"}),
    ({"topic": "api/refused", "payload": "x", "qos": 3},
     {"code": "BAD_REQUEST", "message": "qos: expected an integer from 0 to 2, got 3"}),
    ({"topic": "api/refused"}, {"code": "BAD_REQUEST", "message": "payload: a string is required"}),
    ({"topic": "api/refused", "payload": "x", "properties": {"user_properties": {"k": 1}}},
     {"code": "BAD_REQUEST", "message": "properties.user_properties.k: a string is required, got 1"}),
])
def test_bad_input_is_400_with_a_reason_and_nothing_is_published(broker, api, body, expected):
    c = subscriber(broker, "pub-refused", "api/refused/#")
    r = api.post("/api/v5/publish", body)
    assert (r.status, r.json()) == (400, expected), r
    bulk = api.post("/api/v5/publish/bulk", [{"topic": "api/refused/ok", "payload": "first"}, body])
    assert (bulk.status, bulk.json()) == (400, expected), bulk
    c.expect_no_message()


def test_bodies_that_are_not_json_of_the_right_shape_are_refused(api):
    r = api.post("/api/v5/publish", "not json", headers={"Content-Type": "application/json"})
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST", r
    r = api.post("/api/v5/publish", '{"topic": "t", "payload": "x"}', headers={"Content-Type": "text/plain"})
    assert r.status == 415 and r.json()["code"] == "UNSUPPORTED_MEDIA_TYPE", r
    r = api.post("/api/v5/publish/bulk", {"topic": "t", "payload": "x"})
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST", r
    r = api.post("/api/v5/publish/bulk", [])
    assert r.status == 400 and r.json()["code"] == "BAD_REQUEST", r


def test_a_publisher_key_may_publish_and_nothing_else_and_a_viewer_may_not_publish(broker, api):
    c = subscriber(broker, "pub-roles", "api/roles")
    viewer = api.with_key(*VIEWER)
    r = viewer.post("/api/v5/publish", {"topic": "api/roles", "payload": "from viewer"})
    assert r.status == 403 and r.json()["code"] == "UNAUTHORIZED_ROLE", r
    c.expect_no_message()
    publisher = api.with_key(*PUBLISHER)
    assert publisher.post("/api/v5/publish", {"topic": "api/roles", "payload": "from publisher"}).status == 200
    assert c.wait_message().payload == b"from publisher"
    assert publisher.post("/api/v5/publish/bulk", [{"topic": "api/roles", "payload": "bulk"}]).status == 200
    assert c.wait_message().payload == b"bulk"
    r = publisher.get("/api/v5/clients")
    assert r.status == 403 and r.json()["code"] == "UNAUTHORIZED_ROLE", r
    r = api.with_key("pub-admin", "wrong").post("/api/v5/publish", {"topic": "api/roles", "payload": "x"})
    assert r.status == 401 and r.json()["code"] == "BAD_API_KEY_OR_SECRET", r
    c.expect_no_message()


# ---- durability -------------------------------------------------------------------------------


def test_a_200_for_an_offline_durable_session_survives_kill9(make_broker, tmp_path):
    """The answer waits for the journal's commit, as a client's PUBACK does."""
    data = str(tmp_path / "data")
    keys = tmp_path / "api_keys.txt"
    keys.write_text(":".join(ADMIN) + "\n")
    env = dict(QUIET_SYS, EMQX_API_KEY__BOOTSTRAP_FILE=str(keys), EMQX_DURABLE__FSYNC="batch")
    b1 = make_broker(data_dir=data, env=env, http=True)
    c = Client(b1, "pub-durable", clean=False, connect_props={"SessionExpiryInterval": 3600})
    c.connect()
    c.subscribe("api/durable/#", 1)
    c.disconnect()
    api = Api(b1, *ADMIN)
    answers = [api.post("/api/v5/publish", {"topic": "api/durable/%d" % i, "payload": "p%d" % i, "qos": 1})
               for i in range(20)]
    assert [r.status for r in answers] == [200] * 20, answers
    assert b1.kill9() == -9  # straight after the last answer: nothing else had time to commit it
    b2 = make_broker(data_dir=data, env=env, http=True)
    back = Client(b2, "pub-durable", clean=False, connect_props={"SessionExpiryInterval": 3600})
    assert back.connect().session_present
    assert [m.payload for m in back.wait_messages(20)] == [b"p%d" % i for i in range(20)]
