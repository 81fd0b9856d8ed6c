"""mqtt.strict_mode with EMQX's meaning (default false), and the PUBLISH checks made either way.

Off: a QoS 0 PUBLISH with DUP=1 is taken and forwarded with DUP=0; a QoS 3 PUBLISH with a valid
topic gets DISCONNECT 0x9B; the Payload Format Indicator may be any byte and is forwarded as it
came, the payload never looked at. On: those are malformed packets (0x81), and a payload marked
UTF-8 must be UTF-8 (0x99). Either way: an empty topic without a Topic Alias (or with alias 0) is
0x82, and so is a Response Topic that is no topic name: the PUBLISH is neither routed nor
acknowledged, a will carrying one is refused at CONNECT.
"""
import pytest

from harness import Broker, RawClient, use_shared_broker, mqttbytes as mb

INVALID_UTF8 = b"\xff\xfe"


@pytest.fixture(scope="module")
def _lenient():
    b = Broker(name="lenient")
    b.start()
    yield b
    b.stop()


@pytest.fixture(scope="module")
def _strict():
    b = Broker(env={"EMQX_MQTT__STRICT_MODE": "true"}, name="strict")
    b.start()
    yield b
    b.stop()


@pytest.fixture
def lenient(request, _lenient):
    return use_shared_broker(request, _lenient)


@pytest.fixture
def strict(request, _strict):
    return use_shared_broker(request, _strict)


@pytest.fixture(params=["lenient", "strict"])
def either(request, _lenient, _strict):
    return use_shared_broker(request, _strict if request.param == "strict" else _lenient)


def _subscriber(broker, cid, topic):
    s = RawClient(broker, 5)
    s.connect(cid)
    s.subscribe(topic, 1)
    return s


def _publisher(broker, cid, version=5):
    p = RawClient(broker, version)
    p.connect(cid)
    return p


def _refused(client, rc):
    """The connection ends: MQTT 5 with DISCONNECT `rc` first, 3.1.1 with nothing."""
    seen = client.expect_closed(allow=(mb.DISCONNECT,))
    want = [rc] if client.version == 5 else []
    assert [p.rc for p in seen] == want, seen


# -- off (the default) ---------------------------------------------------------------------

@pytest.mark.parametrize("version", [4, 5])
def test_off_qos0_with_dup_is_taken_and_forwarded_without_dup(lenient, version):
    s = _subscriber(lenient, "dup-sub-%d" % version, "strict/dup/%d" % version)
    p = _publisher(lenient, "dup-pub-%d" % version, version)
    p.publish("strict/dup/%d" % version, b"d", qos=0, dup=True)
    got = s.expect(mb.PUBLISH)
    assert (got.payload, got.qos, got.dup) == (b"d", 0, False), got
    assert p.is_open()


@pytest.mark.parametrize("version", [4, 5])
def test_off_qos3_gets_disconnect_0x9b(lenient, version):
    s = _subscriber(lenient, "q3-sub-%d" % version, "strict/q3")
    p = _publisher(lenient, "q3-pub-%d" % version, version)
    p.publish("strict/q3", b"x", qos=3, pid=1)
    _refused(p, 0x9B)
    s.expect_no_packet(0.3)


@pytest.mark.parametrize("indicator, payload", [(7, b"seven"), (1, INVALID_UTF8), (0xFF, INVALID_UTF8)])
def test_off_payload_format_indicator_is_forwarded_as_it_came(lenient, indicator, payload):
    topic = "strict/pfi/%d" % indicator
    s = _subscriber(lenient, "pfi-sub-%d" % indicator, topic)
    p = _publisher(lenient, "pfi-pub-%d" % indicator)
    p.publish(topic, payload, qos=1, pid=3, props={"payload_format_indicator": indicator})
    assert p.expect(mb.PUBACK).rc == 0
    got = s.expect(mb.PUBLISH)
    assert got.payload == payload and got.props.get("payload_format_indicator") == indicator, got


# -- on ------------------------------------------------------------------------------------

MALFORMED_WHEN_STRICT = {
    "qos0_dup": dict(qos=0, dup=True),
    "qos3": dict(qos=3, pid=1),
    "payload_format_2": dict(qos=0, props={"payload_format_indicator": 2}),
}


@pytest.mark.parametrize("name", sorted(MALFORMED_WHEN_STRICT))
@pytest.mark.parametrize("version", [4, 5])
def test_on_malformed_gets_0x81(strict, name, version):
    kw = dict(MALFORMED_WHEN_STRICT[name])
    if version == 4 and "props" in kw:
        pytest.skip("MQTT 3.1.1 has no properties")
    s = _subscriber(strict, "mal-sub-%s-%d" % (name, version), "strict/mal")
    p = _publisher(strict, "mal-pub-%s-%d" % (name, version), version)
    p.publish("strict/mal", b"x", **kw)
    _refused(p, 0x81)
    s.expect_no_packet(0.3)


def test_on_payload_marked_utf8_is_checked(strict):
    s = _subscriber(strict, "utf8-sub", "strict/utf8")
    good = _publisher(strict, "utf8-good")
    good.publish("strict/utf8", "h\u00e9llo".encode(), qos=1, pid=1, props={"payload_format_indicator": 1})
    assert good.expect(mb.PUBACK).rc == 0
    assert s.expect(mb.PUBLISH).payload == "h\u00e9llo".encode()
    bad = _publisher(strict, "utf8-bad")
    bad.publish("strict/utf8", INVALID_UTF8, qos=1, pid=2, props={"payload_format_indicator": 1})
    _refused(bad, 0x99)
    s.expect_no_packet(0.3)
    # Unspecified bytes are no one's business.
    raw = _publisher(strict, "utf8-raw")
    raw.publish("strict/utf8", INVALID_UTF8, qos=1, pid=3, props={"payload_format_indicator": 0})
    assert raw.expect(mb.PUBACK).rc == 0
    assert s.expect(mb.PUBLISH).payload == INVALID_UTF8


def test_on_will_payload_marked_utf8_is_checked(strict):
    r = RawClient(strict, 5)
    r.send(mb.connect("will-utf8", 5, will={"topic": "strict/will", "payload": INVALID_UTF8,
                                            "props": {"payload_format_indicator": 1}}))
    assert r.expect(mb.CONNACK).rc == 0x99
    r.expect_closed()


def test_off_will_payload_is_not_looked_at(lenient):
    r = RawClient(lenient, 5)
    r.connect("will-any", will={"topic": "strict/will", "payload": INVALID_UTF8,
                                "props": {"payload_format_indicator": 1}})


# -- either way ----------------------------------------------------------------------------

@pytest.mark.parametrize("props", [None, {"topic_alias": 0}], ids=["no_alias", "alias_0"])
def test_empty_topic_without_alias_gets_0x82(either, props):
    p = _publisher(either, "empty-topic")
    p.publish("", b"x", props=props)
    _refused(p, 0x82)


def test_v311_empty_topic_closes(either):
    p = _publisher(either, "empty-topic-4", 4)
    p.publish("", b"x")
    _refused(p, 0x82)


# Not a topic name. (One too long cannot be sent: a string holds at most 65535 bytes, EMQX's limit.)
INVALID_RESPONSE_TOPICS = {"empty": "", "plus": "+", "hash": "reply/#", "nul": "re\0ply"}


@pytest.mark.parametrize("name", sorted(INVALID_RESPONSE_TOPICS))
def test_invalid_response_topic_gets_0x82_unrouted_and_unacknowledged(either, name):
    response_topic = INVALID_RESPONSE_TOPICS[name]
    s = _subscriber(either, "rt-sub-" + name, "strict/rt")
    p = _publisher(either, "rt-pub-" + name)
    p.publish("strict/rt", b"x", qos=1, pid=9, props={"response_topic": response_topic})
    _refused(p, 0x82)  # no PUBACK before the DISCONNECT
    s.expect_no_packet(0.3)


def test_valid_response_topic_is_forwarded(either):
    s = _subscriber(either, "rt-ok-sub", "strict/rt-ok")
    p = _publisher(either, "rt-ok-pub")
    p.publish("strict/rt-ok", b"x", qos=1, pid=9, props={"response_topic": "reply/to/me"})
    assert p.expect(mb.PUBACK).rc == 0
    assert s.expect(mb.PUBLISH).props.get("response_topic") == "reply/to/me"


@pytest.mark.parametrize("name", sorted(INVALID_RESPONSE_TOPICS))
def test_will_with_invalid_response_topic_is_refused(either, name):
    watcher = _subscriber(either, "rt-will-watch-" + name, "strict/rt-will")
    r = RawClient(either, 5)
    r.send(mb.connect("rt-will-" + name, 5, will={"topic": "strict/rt-will", "payload": b"w",
                                                  "props": {"response_topic": INVALID_RESPONSE_TOPICS[name]}}))
    assert r.expect(mb.CONNACK).rc == 0x82
    r.expect_closed()
    watcher.expect_no_packet(0.3)
