"""kill -9 under load (docs/storage.md, "What a crash keeps"): several
publishers send numbered QoS 1 messages to offline persistent sessions (QoS 1
and QoS 2 subscriptions, MQTT 5 and 3.1.1) and to retained topics; the broker is
killed at a random moment and restarted on the same data dir. Every message
acknowledged before the kill reaches every subscriber, in order per publisher;
the QoS 2 subscriber gets none twice; the retained topics hold at least the
last acknowledged value.
"""
import queue
import random
import threading

import pytest

from harness import Client, wait_until
from harness.broker import is_mosquitto

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's durable store")

PUBLISHERS = 4
PER_PUBLISHER = 3000
SESSION = {"SessionExpiryInterval": 3600}
# (client id, protocol, subscription QoS): what each persistent subscriber is.
SUBSCRIBERS = [("sub-v5-q1", 5, 1), ("sub-v5-q2", 5, 2), ("sub-v311-q1", 4, 1)]
ENV = {"EMQX_MQTT__MAX_MQUEUE_LEN": "infinity"}


def persistent(broker, client_id, protocol):
    if protocol == 5:
        return Client(broker, client_id, protocol=5, clean=False, connect_props=SESSION)
    return Client(broker, client_id, protocol=protocol, clean=False)


class Publisher:
    """Publishes load/<i> QoS 1 messages "<i>:<n>" and a retained copy of each
    tenth one on ret/<i>; remembers which n were acknowledged."""

    def __init__(self, broker, i):
        self.i = i
        self.client = Client(broker, "pub-%d" % i, protocol=4)
        self.client.connect()
        self.mids = {}         # mid -> n, for the load topic
        self.retained = {}     # mid -> n, for the retained topic

    def publish(self, n):
        mid = self.client.publish("load/%d" % self.i, b"%d:%d" % (self.i, n), 1, wait=False)
        self.mids[mid] = n
        if n % 10 == 0:
            rmid = self.client.publish("ret/%d" % self.i, b"%d" % n, 1, retain=True, wait=False)
            self.retained[rmid] = n

    def acked(self):
        done = set(self.client.published)
        return sorted(n for mid, n in list(self.mids.items()) if mid in done)

    def last_retained_acked(self):
        done = set(self.client.published)
        return max((n for mid, n in list(self.retained.items()) if mid in done), default=-1)


def receive_all(client, expected, timeout=30):
    """Every message until `expected` (a set of (publisher, n)) is covered; the list as received."""
    got = []
    seen = set()

    def covered():
        while True:
            try:
                m = client.messages.get_nowait()
            except queue.Empty:
                break
            i, n = (int(x) for x in m.payload.split(b":"))
            got.append((i, n))
            seen.add((i, n))
        return expected <= seen

    wait_until(covered, timeout, interval=0.05, what="%s: every acknowledged message" % client.client_id)
    # Then what else was stored (published, not yet acknowledged at the kill), until quiet.
    while True:
        try:
            m = client.messages.get(timeout=0.5)
        except queue.Empty:
            return got
        got.append(tuple(int(x) for x in m.payload.split(b":")))


@pytest.mark.parametrize("seed", [1, 2])
def test_acknowledged_messages_survive_kill9_under_load(make_broker, tmp_path, seed):
    rng = random.Random(seed)
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data, env=ENV)
    for cid, proto, qos in SUBSCRIBERS:
        s = persistent(b1, cid, proto)
        s.connect()
        s.subscribe("load/#", qos)
        s.disconnect()
    # Their session records are queued before any publish below: one writer
    # commits in order, so an acknowledged publish implies the records.

    pubs = [Publisher(b1, i) for i in range(PUBLISHERS)]
    stop = threading.Event()
    failure = []

    def load():
        try:
            for n in range(PER_PUBLISHER):
                if stop.is_set():
                    return
                for p in pubs:
                    p.publish(n)
        except AssertionError as e:  # a publish refused locally: the broker is gone
            if not stop.is_set():
                failure.append(e)

    t = threading.Thread(target=load, daemon=True)
    t.start()
    # A random moment after a few hundred acknowledgements, while publishing goes on.
    target = rng.randint(200, 2000)
    # (paho queues what the broker has not yet acknowledged: the load thread
    # ends long before the acknowledgements do.)
    wait_until(lambda: sum(len(p.acked()) for p in pubs) >= target, 60, what="%d acknowledgements" % target)
    assert not failure, failure
    assert b1.kill9() == -9
    stop.set()
    t.join(10)
    acked = {p.i: p.acked() for p in pubs}
    retained = {p.i: p.last_retained_acked() for p in pubs}
    for p in pubs:
        p.client.close()
    assert sum(len(v) for v in acked.values()) >= target

    b2 = make_broker(data_dir=data, env=ENV)
    expected = {(i, n) for i, ns in acked.items() for n in ns}
    for cid, proto, qos in SUBSCRIBERS:
        s = persistent(b2, cid, proto)
        assert s.connect().session_present is True
        got = receive_all(s, expected)
        for i in range(PUBLISHERS):
            firsts = []
            for pi, n in got:
                if pi == i and (not firsts or n > firsts[-1]):
                    firsts.append(n)
            order = [n for pi, n in got if pi == i]
            # In order per publisher: a QoS 1 duplicate may repeat an earlier n,
            # never jump back past one not yet delivered.
            assert sorted(set(order)) == firsts, "%s: publisher %d out of order" % (cid, i)
        if qos == 2:
            # Offline the whole time, nothing was in flight at the kill: nothing comes twice.
            assert len(got) == len(set(got)), "%s: a message came twice" % cid
        s.disconnect()

    reader = Client(b2, "ret-reader", protocol=5)
    reader.connect()
    reader.subscribe("ret/+", 1)
    got = {m.topic: int(m.payload) for m in reader.wait_messages(sum(1 for v in retained.values() if v >= 0))}
    for i, n in retained.items():
        if n >= 0:
            assert got["ret/%d" % i] >= n, "ret/%d lost its acknowledged value %d" % (i, n)


def test_a_will_for_an_offline_persistent_session_survives_kill9(make_broker, tmp_path):
    """A QoS 1 will routed to an offline persistent session is journaled like a
    client's QoS 1 PUBLISH: it is there after a crash, before what came after it."""
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data)
    keeper = persistent(b1, "will-keeper", 5)
    keeper.connect()
    keeper.subscribe("wills/#", 1)
    keeper.disconnect()
    watcher = Client(b1, "will-watcher", protocol=5)
    watcher.connect()
    watcher.subscribe("wills/#", 1)
    dies = Client(b1, "dies", protocol=4, will={"topic": "wills/dies", "payload": b"gone", "qos": 1})
    dies.connect()
    dies.close_abruptly()
    assert watcher.wait_message().payload == b"gone"  # routed: to the keeper's session too
    # Acknowledged once its journal write is committed, and the will's came before it.
    after = Client(b1, "after", protocol=4)
    after.connect()
    after.publish("wills/after", b"after", 1)
    assert b1.kill9() == -9

    b2 = make_broker(data_dir=data)
    keeper = persistent(b2, "will-keeper", 5)
    keeper.connect()
    assert [keeper.wait_message().payload for _ in range(2)] == [b"gone", b"after"]
