"""node.worker_compaction: at low load every worker loop runs on one thread
(worker 0's), under load each goes back to its own thread, and clients see
no difference: messages between clients of different workers, keepalive
deadlines of a lent loop, and a QoS 1 stream across both changes.

Clients are dealt to the workers in turn as they connect, so a test's first
few clients sit on both of its two workers.
"""
import os
import subprocess
import tempfile

from harness import MosquittoSub, RawClient, mosquitto_pub, wait_until
from test_ctl_common import ctl

GATHERED = "worker loops run on one thread"
SPREAD = "each worker loop back on its own thread"
TWO_WORKERS = {"EMQX_NODE__WORKERS": "2", "EMQX_LOG__CONSOLE__LEVEL": "info"}  # gathers and spreads are logged at info


def test_an_idle_broker_gathers_and_clients_of_both_workers_still_talk(make_broker):
    b = make_broker(env=TWO_WORKERS)
    assert "the 2 worker loops run on one thread" in b.log_line(GATHERED, timeout=15)
    subs = [MosquittoSub(b, "ct/%d" % i, qos=1, client_id="ct-sub-%d" % i).wait_subscribed() for i in range(4)]
    for i in range(4):
        mosquitto_pub(b, "ct/%d" % i, "to-%d" % i, qos=1, client_id="ct-pub-%d" % i)
    for i, s in enumerate(subs):
        assert s.wait_line() == "ct/%d to-%d" % (i, i)
    # A keepalive deadline on each worker fires while their loops share a thread.
    silent = []
    for i in range(2):
        r = RawClient(b, 4)
        r.connect("ct-silent-%d" % i, keepalive=1)
        silent.append(r)
    for r in silent:
        r.expect_closed(timeout=5)  # 1 s x 1.5
    assert SPREAD not in b.log()


def _load(b, n):
    """n mosquitto_pub -l fed by `yes`: QoS 0 messages as fast as they go, until killed."""
    procs = []
    for i in range(n):
        feed = subprocess.Popen(["yes", "x" * 64], stdout=subprocess.PIPE)
        procs.append(feed)
        procs.append(subprocess.Popen(["mosquitto_pub", "-h", b.host, "-p", str(b.port), "-t", "load/%d" % i,
                                       "-q", "0", "-i", "ct-load-%d" % i, "-l"], stdin=feed.stdout,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        feed.stdout.close()
    return procs


def test_a_load_spreads_the_loops_then_they_gather_again_and_no_qos1_message_is_lost(make_broker):
    # The ordered subscriber falls behind the load: its queue must hold what
    # waits for it, or mqueue overflow (not compaction) would drop some.
    b = make_broker(env=dict(TWO_WORKERS, EMQX_MQTT__MAX_MQUEUE_LEN="infinity"))
    b.log_line(GATHERED, timeout=15)
    total = 10000
    ordered_sub = MosquittoSub(b, "ordered", qos=1, client_id="ct-ordered").wait_subscribed()
    # The load's subscribers make the broker write what it reads; their output is not read.
    sinks = [subprocess.Popen(["mosquitto_sub", "-h", b.host, "-p", str(b.port), "-t", "load/#",
                               "-i", "ct-sink-%d" % i], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for i in range(4)]
    wait_until(lambda: all("ct-sink-%d" % i in ctl(b, "subscriptions", "list") for i in range(4)), 15,
               what="the load's subscribers subscribed")
    with tempfile.TemporaryDirectory() as tmp:
        ordered_lines = os.path.join(tmp, "ordered")
        with open(ordered_lines, "w") as f:
            f.write("".join("%d\n" % i for i in range(total)))
        # The stream starts while the loops share a thread, goes on while the
        # load spreads them and after the load has stopped.
        with open(ordered_lines, "rb") as lines:
            ordered = subprocess.Popen(["mosquitto_pub", "-h", b.host, "-p", str(b.port), "-t", "ordered", "-q", "1",
                                        "-i", "ct-ordered-pub", "-l"], stdin=lines, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE)
        load = _load(b, 4)
        try:
            b.log_line(SPREAD, timeout=60)
        finally:
            for p in load:
                p.kill()  # our own children, by PID
                p.wait()
        try:
            _, err = ordered.communicate(timeout=120)
            assert ordered.returncode == 0, err
        finally:
            for p in sinks + [ordered]:
                if p.poll() is None:
                    p.kill()
                p.wait()
    got = [ordered_sub.wait_line(timeout=30) for _ in range(total)]
    assert got == ["ordered %d" % i for i in range(total)]
    wait_until(lambda: b.log().count(GATHERED) >= 2, 30, what="the loops gathered again after the load")


def test_with_compaction_off_each_loop_keeps_its_thread(make_broker):
    off = make_broker(env=dict(TWO_WORKERS, EMQX_NODE__WORKER_COMPACTION="false"), name="off")
    sub = MosquittoSub(off, "off/#", client_id="off-sub").wait_subscribed()
    mosquitto_pub(off, "off/1", "hello", client_id="off-pub")
    assert sub.wait_line() == "off/1 hello"
    # A broker with compaction on, started after it, gathers: the one with it
    # off has been idle at least as long and has not.
    on = make_broker(env=TWO_WORKERS, name="on")
    on.log_line(GATHERED, timeout=15)
    assert GATHERED not in off.log()
