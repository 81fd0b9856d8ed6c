"""Slow password hashes (bcrypt, pbkdf2) are checked off the worker thread
(docs/security.md, docs/architecture.md): a storm of bcrypt CONNECTs does not
stall the other clients of the same worker; a client that leaves during its
check is counted (flapping detection included) and nothing breaks; packets
sent right behind the CONNECT wait for its result, also when the connection
then moves to the worker owning its session."""
import threading
import time

from harness import RawClient, wait_until
from harness import mqttbytes as mb
from test_ctl_common import ctl, ctl_json, pytestmark, shutdown_counts  # noqa: F401

# bcrypt cost 13: about half a second per check on a 2020s core, so a few
# CONNECTs hold a worker that verifies them inline for seconds.
COST = 13
STORM = 6
MAX_ROUND_TRIP = 0.2


def slow_config(more=""):
    return ('authentication = [{mechanism = "password_based", backend = "built_in_database", '
            'user_id_type = "username", password_hash_algorithm = "bcrypt", salt_rounds = %d}]\n'
            '[mqtt]\nallow_anonymous = true\n%s' % (COST, more))


def one_worker(make_broker, more="", workers=1):
    b = make_broker(env={"EMQX_NODE__WORKERS": str(workers)}, config=slow_config(more))
    ctl(b, "users", "add", "slow", "pw")
    return b


def metric(broker, name):
    return ctl_json(broker, "broker", "metrics")[name]


def timed_connect(broker, client_id, password="pw", version=5):
    """(CONNACK rc, seconds from CONNECT to CONNACK)."""
    r = RawClient(broker, version=version)
    t0 = time.monotonic()
    r.send(mb.connect(client_id, version=version, username="slow", password=password))
    ack = r.expect(mb.CONNACK, timeout=60)
    return ack.rc, time.monotonic() - t0


class Pinger(threading.Thread):
    """An anonymous client publishing QoS 0 to a topic it subscribed to, one
    message at a time, recording each round trip (sent -> received back)."""

    def __init__(self, broker):
        super().__init__(daemon=True)
        self.c = RawClient(broker, version=5)
        self.c.connect("pinger")
        self.c.subscribe("rt/ping", 0)
        self.samples = []  # (sent at, round trip)
        self.stop = threading.Event()
        self.error = None

    def run(self):
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                t0 = time.monotonic()
                self.c.publish("rt/ping", b"%d" % n)
                p = self.c.expect(mb.PUBLISH, timeout=30)
                assert p.payload == b"%d" % n
                self.samples.append((t0, time.monotonic() - t0))
                time.sleep(0.01)
        except Exception as e:  # reported by the test thread
            self.error = e


def test_bcrypt_storm_does_not_stall_the_worker(make_broker):
    b = one_worker(make_broker)
    rc, one_check = timed_connect(b, "probe")
    assert rc == 0
    assert one_check > 0.25, "bcrypt cost %d took only %.3fs here: the storm would prove nothing" % (COST, one_check)

    pinger = Pinger(b)
    pinger.start()
    wait_until(lambda: len(pinger.samples) >= 5, 10, what="the pinger's first round trips")
    results = []

    def storm_client(i):
        results.append(timed_connect(b, "storm-%d" % i))

    threads = [threading.Thread(target=storm_client, args=(i,)) for i in range(STORM)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    end = time.monotonic()
    pinger.stop.set()
    pinger.join(30)
    assert pinger.error is None, pinger.error
    assert sorted(rc for rc, _ in results) == [0] * STORM, results

    during = [rt for t0, rt in pinger.samples if start <= t0 <= end]
    worst = max(during)
    print("bcrypt cost %d: one check %.3fs; storm of %d took %.3fs; %d round trips during it, worst %.1f ms"
          % (COST, one_check, STORM, end - start, len(during), worst * 1000))
    assert len(during) >= 10, during
    assert worst < MAX_ROUND_TRIP, "round trip %.3fs during the bcrypt storm" % worst
    m = ctl_json(b, "broker", "metrics")
    assert m["authentication.success"] == STORM + 1, m


def test_client_leaving_during_its_check_is_counted(make_broker):
    b = one_worker(make_broker, more='[flapping_detect]\nenable = true\nmax_count = 2\nwindow_time = "1m"\n'
                                      'ban_time = "1h"\n')
    closed_before = shutdown_counts(b).get("closed", 0)  # the harness's readiness probe
    # A right password whose client hangs up before the check is back: counted
    # as a success, the connection is gone (counted `closed`, never connected).
    r = RawClient(b, version=5)
    r.send(mb.connect("gone", version=5, username="slow", password="pw"))
    r.close()
    wait_until(lambda: metric(b, "authentication.success") == 1, 30, what="the right password counted")
    # Two wrong passwords whose clients hang up: the checks still count, as
    # failures, and ban the client id (and the address) for flapping.
    for _ in range(2):
        r = RawClient(b, version=5)
        r.send(mb.connect("leaver", version=5, username="slow", password="wrong"))
        r.close()
    wait_until(lambda: metric(b, "authentication.failure") == 2, 30, what="both failures counted")
    bans = {(e["as"], e["who"]) for e in ctl_json(b, "banned", "list")["banned"]}
    assert bans == {("clientid", "leaver"), ("peerhost", "127.0.0.1")}, bans
    wait_until(lambda: shutdown_counts(b).get("closed", 0) == closed_before + 3, 5,
               what="three closed connections (now %r)" % shutdown_counts(b))
    assert metric(b, "client.connected") == 0
    # The worker goes on.
    ctl(b, "banned", "del", "peerhost", "127.0.0.1")
    assert timed_connect(b, "after")[0] == 0
    assert timed_connect(b, "leaver")[0] == 0x8A


def test_wrong_password_refused_and_counted_for_flapping(make_broker):
    b = one_worker(make_broker, more='[flapping_detect]\nenable = true\nmax_count = 2\nwindow_time = "1m"\n'
                                      'ban_time = "1h"\n')
    assert timed_connect(b, "w5", password="bad")[0] == 0x86
    assert timed_connect(b, "w4", password="bad", version=4)[0] == 0x04
    wait_until(lambda: shutdown_counts(b).get("bad_username_or_password", 0) == 2, 5, what="two refusals counted")
    # Two failures from 127.0.0.1 within the window: the address is banned now.
    assert timed_connect(b, "w-next")[0] == 0x8A
    assert metric(b, "authentication.failure") == 2


def pipelined(client_id, clean=True):
    """CONNECT, SUBSCRIBE and PINGREQ in one write, as a client may send them
    before its CONNACK."""
    return (mb.connect(client_id, version=5, clean=clean, username="slow", password="pw",
                       props={"session_expiry_interval": 300})
            + mb.subscribe(7, [("pipe/%s" % client_id, 1)], version=5)
            + mb.packet(mb.PINGREQ, 0, b""))


def expect_pipelined_answers(r):
    assert r.expect(mb.CONNACK, timeout=30).rc == 0
    assert r.expect(mb.SUBACK).reason_codes == [1]
    r.expect(mb.PINGRESP)


def test_packets_behind_the_connect_wait_for_its_check(make_broker):
    b = one_worker(make_broker)
    r = RawClient(b, version=5)
    r.send(pipelined("piper"))
    expect_pipelined_answers(r)


def test_packets_behind_the_connect_follow_it_to_the_session_worker(make_broker):
    # Two workers, connections handed out in turn: of two reconnects of a
    # persistent session, one lands on the other worker and moves to the
    # session's after its check, with the SUBSCRIBE and PINGREQ read meanwhile.
    b = one_worker(make_broker, workers=2)
    first = RawClient(b, version=5)
    first.send(pipelined("mover", clean=False))
    expect_pipelined_answers(first)
    first.send(mb.disconnect(5))
    first.expect_closed()
    for _ in range(2):
        r = RawClient(b, version=5)
        r.send(pipelined("mover", clean=False))
        expect_pipelined_answers(r)
        r.send(mb.disconnect(5))
        r.expect_closed()
