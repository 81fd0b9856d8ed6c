"""mqtt.ignore_loop_deliver with EMQX's meaning (default false).

On, an MQTT 3 client's subscriptions get No Local (EMQX's enrich_subopts): the
client does not receive what it published itself, the drop is counted as
delivery.dropped.no_local, and every other subscriber still gets the message.
MQTT 5 clients choose with the No Local option whatever the setting.
"""
import pytest

from harness import Broker, Client, use_shared_broker, wait_until
from harness.broker import is_mosquitto
from test_ctl_common import QUIET_SYS, metrics

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="an emqxd config key")


@pytest.fixture(scope="module")
def _default():
    b = Broker(env=QUIET_SYS, name="default")
    b.start()
    yield b
    b.stop()


@pytest.fixture(scope="module")
def _ignore_loop():
    b = Broker(env=dict(QUIET_SYS, EMQX_MQTT__IGNORE_LOOP_DELIVER="true"), name="ignore-loop")
    b.start()
    yield b
    b.stop()


@pytest.fixture
def default(request, _default):
    return use_shared_broker(request, _default)


@pytest.fixture
def ignore_loop(request, _ignore_loop):
    return use_shared_broker(request, _ignore_loop)


def _subscribed(broker, cid, protocol=4):
    c = Client(broker, cid, protocol=protocol)
    c.connect()
    c.subscribe("t/#", 1)
    return c


def _no_local_drops(broker):
    return metrics(broker).get("delivery.dropped.no_local", 0)


def test_default_a_client_gets_its_own_message(default):
    me = _subscribed(default, "loop-me")
    other = _subscribed(default, "loop-other")
    me.publish("t/1", b"mine", 1)
    assert me.wait_message().payload == b"mine"
    assert other.wait_message().payload == b"mine"
    assert _no_local_drops(default) == 0


def test_on_a_client_does_not_get_its_own_message(ignore_loop):
    me = _subscribed(ignore_loop, "loop-me")
    other = _subscribed(ignore_loop, "loop-other")
    before = _no_local_drops(ignore_loop)
    me.publish("t/1", b"mine", 1)
    assert other.wait_message().payload == b"mine"
    wait_until(lambda: _no_local_drops(ignore_loop) == before + 1, 5, what="the loop delivery dropped as no_local")
    # A message from someone else still arrives, and is the first one.
    other.publish("t/2", b"theirs", 1)
    assert me.wait_message().payload == b"theirs"


def test_on_mqtt5_clients_keep_their_own_choice(ignore_loop):
    me = _subscribed(ignore_loop, "loop-v5", protocol=5)
    me.publish("t/5", b"mine", 1)
    assert me.wait_message().payload == b"mine"
