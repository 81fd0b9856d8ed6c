"""Shared subscriptions: $share/<group>/<filter>, $queue/<filter>, fairness, failover, $SYS."""
import collections

from harness import Client, wait_until

RR = {"EMQX_MQTT__SHARED_SUBSCRIPTION_STRATEGY": "round_robin"}


def _members(broker, n, filt, qos=1, prefix="m", protocol=5):
    out = []
    for i in range(n):
        c = Client(broker, "%s%d" % (prefix, i), protocol=protocol)
        c.connect()
        c.subscribe(filt, qos)
        out.append(c)
    return out


def _drain(clients, total, timeout=10):
    """Collect messages from all clients until `total` arrived; returns {client_id: [payloads]}."""
    got = collections.defaultdict(list)
    count = 0

    def poll():
        nonlocal count
        for c in clients:
            while not c.messages.empty():
                got[c.client_id].append(c.messages.get().payload)
                count += 1
        return count >= total

    wait_until(poll, timeout, what="%d shared messages" % total)
    return got


def test_round_robin_is_fair_across_three_members(make_broker):
    b = make_broker(env=RR)
    members = _members(b, 3, "$share/g/sh/t")
    plain = Client(b, "plain", protocol=5)
    plain.connect()
    plain.subscribe("sh/t", 1)
    p = Client(b, "shpub", protocol=4)
    p.connect()
    n = 30
    for i in range(n):
        p.publish("sh/t", b"%d" % i, 1)
    got = _drain(members, n)
    for c in members:
        c.expect_no_message(0.2)
    counts = sorted(len(v) for v in got.values())
    assert counts == [10, 10, 10], dict(got)
    assert sorted(int(x) for v in got.values() for x in v) == list(range(n))
    assert [int(m.payload) for m in plain.wait_messages(n)] == list(range(n))


def test_each_group_gets_one_copy(broker):
    g1 = _members(broker, 2, "$share/g1/grp/t", prefix="a")
    g2 = _members(broker, 2, "$share/g2/grp/t", prefix="b")
    p = Client(broker, "gpub", protocol=4)
    p.connect()
    for i in range(10):
        p.publish("grp/t", b"%d" % i, 1)
    for group in (g1, g2):
        got = _drain(group, 10)
        assert sorted(int(x) for v in got.values() for x in v) == list(range(10))
        for c in group:
            c.expect_no_message(0.2)


def test_queue_prefix_is_a_shared_subscription(broker):
    members = _members(broker, 2, "$queue/q/t", prefix="q")
    p = Client(broker, "qpub", protocol=4)
    p.connect()
    for i in range(10):
        p.publish("q/t", b"%d" % i, 1)
    got = _drain(members, 10)
    for c in members:
        c.expect_no_message(0.2)
    assert sorted(int(x) for v in got.values() for x in v) == list(range(10))
    assert all(len(v) > 0 for v in got.values()) and len(got) == 2, dict(got)


def test_shared_wildcard_filter(broker):
    members = _members(broker, 2, "$share/w/sw/+/x", prefix="w")
    p = Client(broker, "wpub", protocol=4)
    p.connect()
    for i in range(6):
        p.publish("sw/%d/x" % i, b"%d" % i, 1)
    got = _drain(members, 6)
    assert sorted(int(x) for v in got.values() for x in v) == list(range(6))


def test_failover_when_a_member_disconnects(make_broker):
    b = make_broker(env=RR)
    a, c = _members(b, 2, "$share/f/fo/t", prefix="f")
    a.close_abruptly()
    p = Client(b, "fpub", protocol=4)
    p.connect()
    for i in range(10):
        p.publish("fo/t", b"%d" % i, 1)
    assert [int(m.payload) for m in c.wait_messages(10)] == list(range(10))


def test_failover_when_a_persistent_member_is_offline(make_broker):
    b = make_broker(env=RR)
    off = Client(b, "offline-member", protocol=4, clean=False)
    off.connect()
    off.subscribe("$share/p/po/t", 1)
    live = Client(b, "live-member", protocol=4)
    live.connect()
    live.subscribe("$share/p/po/t", 1)
    off.disconnect()
    p = Client(b, "ppub", protocol=4)
    p.connect()
    for i in range(10):
        p.publish("po/t", b"%d" % i, 1)
    assert [int(m.payload) for m in live.wait_messages(10)] == list(range(10))


def test_unsubscribe_from_shared_group(broker):
    a, c = _members(broker, 2, "$share/u/us/t", prefix="u")
    a.unsubscribe("$share/u/us/t")
    p = Client(broker, "upub", protocol=4)
    p.connect()
    for i in range(6):
        p.publish("us/t", b"%d" % i, 1)
    assert len(c.wait_messages(6)) == 6
    a.expect_no_message(0.3)


def test_sys_topics_via_shared_subscription(make_broker):
    b = make_broker()
    members = _members(b, 2, "$share/sys/$SYS/brokers/+/clients/+/connected", qos=0, prefix="s")
    for i in range(4):
        Client(b, "newcomer%d" % i, protocol=4).connect()
    # 5 events: the second member's own connect (the first was subscribed by then) and 4 newcomers
    got = _drain(members, 5)
    for c in members:
        c.expect_no_message(0.3)
    payloads = [x for v in got.values() for x in v]
    assert len(payloads) == 5, dict(got)
    assert len([x for x in payloads if b"newcomer" in x]) == 4, payloads
