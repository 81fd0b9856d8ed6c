"""Auto-subscribe ("subscription by broker"): auto_subscribe.topics with placeholders."""
from harness import Client

CONFIG = """
auto_subscribe.topics = [
  {topic = "auto/${clientid}", qos = 1, rh = 0, rap = false, nl = false},
  {topic = "user/${username}/inbox", qos = 2},
  {topic = "bcast/#", qos = 0, nl = true},
  {topic = "rap/t", qos = 1, rap = true},
]
"""


def _pub(broker, topic, payload, qos=1, retain=False):
    p = Client(broker, "autopub", protocol=4)
    p.connect()
    p.publish(topic, payload, qos, retain)
    p.disconnect()


def test_clientid_placeholder_and_qos(make_broker):
    b = make_broker(config=CONFIG)
    c = Client(b, "dev1", protocol=4, username="carol")
    c.connect()
    other = Client(b, "dev2", protocol=4)
    other.connect()
    _pub(b, "auto/dev1", b"for-dev1", 2)
    m = c.wait_message()
    assert (m.topic, m.payload, m.qos) == ("auto/dev1", b"for-dev1", 1)
    other.expect_no_message(0.3)


def test_username_placeholder(make_broker):
    b = make_broker(config=CONFIG)
    c = Client(b, "dev3", protocol=5, username="dave")
    c.connect()
    _pub(b, "user/dave/inbox", b"hi dave", 2)
    m = c.wait_message()
    assert (m.topic, m.payload, m.qos) == ("user/dave/inbox", b"hi dave", 2)


def test_retained_delivered_on_auto_subscribe(make_broker):
    b = make_broker(config=CONFIG)
    _pub(b, "auto/dev4", b"waiting", 1, retain=True)
    c = Client(b, "dev4", protocol=4)
    c.connect()
    m = c.wait_message()
    assert (m.payload, m.retain) == (b"waiting", True)


def test_no_local_option(make_broker):
    b = make_broker(config=CONFIG)
    c = Client(b, "dev5", protocol=5)
    c.connect()
    c.publish("bcast/x", b"mine", 0)
    c.expect_no_message(0.5)
    _pub(b, "bcast/x", b"theirs", 0)
    assert c.wait_message().payload == b"theirs"


def test_retain_as_published_option(make_broker):
    b = make_broker(config=CONFIG)
    c = Client(b, "dev6", protocol=5)
    c.connect()
    _pub(b, "rap/t", b"r", 1, retain=True)
    m = c.wait_message()
    assert (m.payload, m.retain) == (b"r", True)


def test_no_auto_subscriptions_without_config(broker):
    c = Client(broker, "dev7", protocol=4)
    c.connect()
    _pub(broker, "auto/dev7", b"x", 1)
    c.expect_no_message(0.5)
