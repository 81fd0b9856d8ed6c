"""One session per client id, whichever worker accepts the socket (issue 13, point 8).

The control loop hands accepted sockets to the workers round robin, so the
consecutive connects of one client id below land on different workers and a
CONNECT has to find the worker owning the id's session (SessionLocator). Each
sequence runs for several rounds and several client ids so that a locator
entry lost anywhere shows up as a fresh session (Session Present 0) or as a
second live connection, whatever the rotation.

Every test runs twice (issue 12, point 4): with node.session_handover =
move_connection the CONNECT's socket moves to the worker owning the session;
with move_session that worker hands the session over by message, the way a
session moves between nodes.
"""
import pytest

from harness import Client, RawClient, mqttbytes as mb, wait_until
from test_ctl_common import ctl, ctl_json, pytestmark  # noqa: F401
from test_ordering import publish_in_threads

# The mqueue must hold the backlog of a slow (Python) subscriber: overflow drops by design.
WORKERS = {"EMQX_NODE__WORKERS": "4", "EMQX_MQTT__MAX_MQUEUE_LEN": "100000"}
HANDOVER_MODES = ["move_connection", "move_session"]
ROUNDS = 8
EXPIRY = 60
LONG_WILL_DELAY = 30  # longer than any test: a will that shows up came from a session end


@pytest.fixture(params=HANDOVER_MODES)
def b(make_broker, request):
    return make_broker(env=dict(WORKERS, EMQX_NODE__SESSION_HANDOVER=request.param))


def connect(broker, version, cid, clean, expect_sp, will=None, expiry=EXPIRY):
    """A raw client connected as `cid`; checks CONNACK's session present flag.
    3.1.1: a persistent session keeps mqtt.session_expiry_interval (2 h), a
    clean one ends at disconnect."""
    r = RawClient(broker, version)
    props = {"session_expiry_interval": expiry} if version == 5 else None
    ack = r.connect(cid, clean=clean, props=props, will=will)
    assert ack.session_present is expect_sp, "%s (clean start %s): %r" % (cid, clean, ack)
    return r


def bye(r, props=None):
    """A normal DISCONNECT; returns once the broker has closed the connection."""
    r.send(mb.disconnect(r.version, 0 if r.version == 5 else None, props))
    r.expect_closed()


def expect_taken_over(old, version):
    """The old connection is closed, with DISCONNECT 0x8E in MQTT 5 and nothing in 3.1.1."""
    seen = old.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == ([0x8E] if version == 5 else []), seen


def sessions_of(broker, cid):
    return [c for c in ctl_json(broker, "clients", "list", "--match", cid)["clients"] if c["clientid"] == cid]


def expect_one_session(broker, cid, connected):
    """Exactly one session of `cid` on the whole node, connected or not:
    never a second session or a second live connection on another worker."""
    last = []

    def check():
        last[:] = sessions_of(broker, cid)
        return len(last) == 1 and last[0]["connected"] is connected

    try:
        wait_until(check, 5, what="one session of %s" % cid)
    except AssertionError:
        raise AssertionError("%s: sessions %r, expected exactly one with connected=%s" % (cid, last, connected)) \
            from None


def publisher(broker):
    p = Client(broker, "own-pub", protocol=4)
    p.connect()
    return p


def watcher(broker, topic):
    w = Client(broker, "own-watch", protocol=5)
    w.connect()
    w.subscribe(topic, 1)
    return w


def receive(r, n):
    """n QoS 1 PUBLISH packets, acknowledged; returns their payloads."""
    got = []
    for _ in range(n):
        pk = r.expect(mb.PUBLISH)
        r.send(mb.ack(mb.PUBACK, pk.pid, r.version))
        got.append(pk.payload)
    return got


def test_clean_start_session_is_resumed_from_any_worker(b):
    """A Clean Start 1 session that replaced an older one owns the client id:
    a Clean Start 0 reconnect within its expiry resumes it, queued messages included."""
    p = publisher(b)
    for i in range(ROUNDS):
        cid = "cs1-cs0-%d" % i
        bye(connect(b, 5, cid, clean=False, expect_sp=False))
        r = connect(b, 5, cid, clean=True, expect_sp=False)  # replaces the offline session
        r.subscribe("own/%s" % cid, 1)
        bye(r)
        for n in range(3):
            p.publish("own/%s" % cid, b"q%d" % n, 1)
        r = connect(b, 5, cid, clean=False, expect_sp=True)
        assert receive(r, 3) == [b"q0", b"q1", b"q2"]
        expect_one_session(b, cid, connected=True)
        bye(r)
        expect_one_session(b, cid, connected=False)


@pytest.mark.parametrize("version", [4, 5])
def test_clean_start_discards_and_its_session_owns_the_id(b, version):
    """CS0, CS1, CS0: the middle connect discards the first session; the last
    finds the CS1 session if it outlived its connection (MQTT 5 expiry), with
    only its subscriptions; in 3.1.1 it ended at disconnect."""
    p = publisher(b)
    for i in range(ROUNDS):
        cid = "discard-%d-%d" % (version, i)
        r = connect(b, version, cid, clean=False, expect_sp=False)
        r.subscribe("own/%s/old" % cid, 1)
        bye(r)
        r = connect(b, version, cid, clean=True, expect_sp=False)
        r.subscribe("own/%s/new" % cid, 1)
        bye(r)
        p.publish("own/%s/old" % cid, b"old", 1)
        p.publish("own/%s/new" % cid, b"new", 1)
        r = connect(b, version, cid, clean=False, expect_sp=version == 5)
        if version == 5:
            assert receive(r, 1) == [b"new"]
        r.expect_no_packet(0.1)
        expect_one_session(b, cid, connected=True)
        bye(r)


@pytest.mark.parametrize("version", [4, 5])
@pytest.mark.parametrize("pattern", ["clean", "persistent", "alternating"])
def test_each_new_connection_takes_the_live_one_over(b, version, pattern):
    """A chain of connects of one client id, each on the next worker: each one
    closes the previous (MQTT 5: DISCONNECT 0x8E), Clean Start 0 resumes the
    live session, and there is never a second session or connection."""
    cid = "chain-%s-%d" % (pattern, version)
    prev = None
    for i in range(ROUNDS):
        clean = {"clean": True, "persistent": False, "alternating": i % 2 == 0}[pattern]
        r = connect(b, version, cid, clean=clean, expect_sp=prev is not None and not clean)
        if prev is not None:
            expect_taken_over(prev, version)
        expect_one_session(b, cid, connected=True)
        prev = r


def test_persistent_takeover_carries_queued_messages(b):
    """Clean Start 0 over a live connection of a session created by a clean
    start: the new connection gets what the old one had not taken."""
    p = publisher(b)
    for i in range(ROUNDS):
        cid = "carry-%d" % i
        bye(connect(b, 5, cid, clean=False, expect_sp=False))
        old = RawClient(b, 5)
        old.connect(cid, clean=True, props={"session_expiry_interval": EXPIRY, "receive_maximum": 1})
        old.subscribe("own/%s" % cid, 1)
        for n in range(3):
            p.publish("own/%s" % cid, b"m%d" % n, 1)
        assert old.expect(mb.PUBLISH).payload == b"m0"  # inflight, never acknowledged; the rest queue
        new = connect(b, 5, cid, clean=False, expect_sp=True)
        expect_taken_over(old, 5)
        assert receive(new, 3) == [b"m0", b"m1", b"m2"]
        expect_one_session(b, cid, connected=True)


@pytest.mark.parametrize("version", [4, 5])
def test_clean_start_takeover_sends_the_will(b, version):
    """The session of a connection taken over by a clean start ends, so its
    will goes out at once, even with a Will Delay Interval (MQTT 5 3.1.3.2.2).
    3.1.1: the server closing the connection sends the will."""
    w = watcher(b, "own/will/%d/#" % version)
    cid = "will-cs1-%d" % version
    prev = None
    for i in range(ROUNDS):
        will = {"topic": "own/will/%d/%d" % (version, i), "payload": b"w%d" % i, "qos": 1}
        if version == 5:
            will["props"] = {"will_delay_interval": LONG_WILL_DELAY}
        r = connect(b, version, cid, clean=True, expect_sp=False, will=will)
        if prev is not None:
            expect_taken_over(prev, version)
            m = w.wait_message()
            assert (m.topic, m.payload) == ("own/will/%d/%d" % (version, i - 1), b"w%d" % (i - 1))
        expect_one_session(b, cid, connected=True)
        prev = r
    w.expect_no_message(0.3)


@pytest.mark.parametrize("how", ["takeover", "reconnect"])
def test_resumed_session_never_sends_the_delayed_will(b, how):
    """MQTT 5: a session resumed (Clean Start 0) before its will delay ran out
    does not send the will, neither at the takeover of a live connection nor
    after an abnormal close; the resumption cancels it, so not even the
    session's end sends it."""
    w = watcher(b, "own/dwill/#")
    for i in range(ROUNDS):
        cid = "dwill-%s-%d" % (how, i)
        bye(connect(b, 5, cid, clean=False, expect_sp=False))
        will = {"topic": "own/dwill/%s/%d" % (how, i), "payload": b"no",
                "props": {"will_delay_interval": LONG_WILL_DELAY}}
        old = connect(b, 5, cid, clean=True, expect_sp=False, will=will)  # replaces the offline session
        if how == "reconnect":
            old.close()
            expect_one_session(b, cid, connected=False)
        new = connect(b, 5, cid, clean=False, expect_sp=True)
        if how == "takeover":
            expect_taken_over(old, 5)
        expect_one_session(b, cid, connected=True)
        bye(new, {"session_expiry_interval": 0})  # ends the session: a will still pending would go now
        wait_until(lambda: not sessions_of(b, cid), 5, what="the session of %s to end" % cid)
    w.expect_no_message(0.5)


def test_persistent_takeover_with_will_delay_0_sends_the_will(b):
    """MQTT 5: the old connection's will without delay goes out when the server
    closes it, even though the session continues."""
    w = watcher(b, "own/w0/#")
    cid = "will-now"
    prev = None
    for i in range(ROUNDS):
        will = {"topic": "own/w0/%d" % i, "payload": b"w%d" % i, "props": {"will_delay_interval": 0}}
        r = connect(b, 5, cid, clean=prev is None, expect_sp=prev is not None, will=will)
        if prev is not None:
            expect_taken_over(prev, 5)
            assert w.wait_message().payload == b"w%d" % (i - 1)
        prev = r
    w.expect_no_message(0.3)


def test_ended_sessions_free_the_client_id(b):
    """Expiry and `emqxctl clients kick` end a session and free its client id:
    the next connect, on another worker, starts afresh and owns it."""
    for i in range(ROUNDS // 4):
        cid = "freed-%d" % i
        bye(connect(b, 5, cid, clean=False, expect_sp=False))
        bye(connect(b, 5, cid, clean=True, expect_sp=False, expiry=1))
        wait_until(lambda: not sessions_of(b, cid), 5, what="the session of %s to expire" % cid)
        bye(connect(b, 5, cid, clean=False, expect_sp=False))
        assert ctl(b, "clients", "kick", cid) == "ok\n"
        assert not sessions_of(b, cid)
        r = connect(b, 5, cid, clean=False, expect_sp=False)
        expect_one_session(b, cid, connected=True)
        bye(r)


HANDOVER_PUBLISHERS = 3
HANDOVER_PER_PUBLISHER = 400


def test_messages_published_during_takeovers_keep_their_order(b):
    """Publishers on other workers stream QoS 1 messages while a persistent
    session is taken over again and again, each new connection on the next
    worker: no message is lost, and each connection gets each publisher's
    messages in the order published (the previous connection's unacknowledged
    ones come again first). With move_session this is the hand-over's ordering:
    what the old owner still receives goes with the session, ahead of what
    reaches the new owner directly."""
    cid = "order-during-takeover"
    sub = connect(b, 5, cid, clean=False, expect_sp=False)
    sub.subscribe("own/ord/#", 1)
    pubs = []
    for i in range(HANDOVER_PUBLISHERS):
        p = Client(b, "own-ord-pub%d" % i, protocol=4)
        p.connect()
        pubs.append(p)
    errors = []
    threads = publish_in_threads(pubs, "own/ord/%d", HANDOVER_PER_PUBLISHER, 1, errors)
    got = set()
    total = HANDOVER_PUBLISHERS * HANDOVER_PER_PUBLISHER

    def take(pk, seqs, ack):
        idx, n = (int(x) for x in pk.payload.split(b":"))
        assert not seqs[idx] or n > seqs[idx][-1], "publisher %d: %d after %d" % (idx, n, seqs[idx][-1])
        seqs[idx].append(n)
        got.add((idx, n))
        if ack:
            sub.send(mb.ack(mb.PUBACK, pk.pid, 5))

    for _ in range(6):
        seqs = {i: [] for i in range(HANDOVER_PUBLISHERS)}
        for n in range(60):  # some messages on this connection, every 7th left unacknowledged
            take(sub.expect(mb.PUBLISH), seqs, ack=n % 7 != 6)
        new = connect(b, 5, cid, clean=False, expect_sp=True)
        for pk in sub.expect_closed(allow=(mb.PUBLISH, mb.DISCONNECT)):
            if pk.type == mb.PUBLISH:
                take(pk, seqs, ack=False)
            else:
                assert pk.rc == 0x8E, pk
        sub = new
    seqs = {i: [] for i in range(HANDOVER_PUBLISHERS)}
    while len(got) < total:
        take(sub.expect(mb.PUBLISH), seqs, ack=True)
    for t in threads:
        t.join(30)
    assert not errors, errors
    expect_one_session(b, cid, connected=True)
