"""Durable storage (docs/storage.md): retained messages and persistent sessions
survive a graceful restart and `kill -9` on the same data dir; a damaged store
stops the start (exit 1, the path and the way out in the message, nothing
changed) unless --quarantine-data moves it aside; another node name's store warns.
"""
import hashlib
import json
import os
import re
import subprocess
import time

import pytest

from harness import Broker, BrokerError, Client, wait_until
from harness.broker import emqxd_bin, is_mosquitto

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's durable store")

NODE = "emqx@127.0.0.1"


def store_dir(data_dir, node=NODE):
    return os.path.join(data_dir, node, "rocksdb")


def loaded(broker, what):
    """The count the start printed: 'Loaded N retained messages|sessions from ...'."""
    m = re.search(r"Loaded (\d+) %s from (\S+)" % what, broker.log())
    assert m, "no 'Loaded ... %s' line in the log\n%s" % (what, broker.log())
    return int(m.group(1)), m.group(2)


def ctl_json(data_dir, *args):
    """emqxctl --json against the broker whose node.data_dir is data_dir."""
    cmd = [os.path.join(os.path.dirname(emqxd_bin()), "emqxctl"), "--socket", os.path.join(data_dir, "emqxd.sock"),
           "--json"] + list(args)
    env = dict(os.environ)
    env.pop("EMQX_NODE__DATA_DIR", None)
    env.pop("EMQX_NODE__CTL_SOCKET", None)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=20, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout)


def client_connected(broker, data_dir, client_id):
    """`emqxctl clients show`: answered on the session's worker, so once it says
    disconnected, the disconnect (and the session's save) has been handled."""
    return ctl_json(data_dir, "clients", "show", client_id)["client"]["connected"]


def commit_marker(broker, n=0):
    """A retained QoS 1 publish acknowledged after its durable commit: every
    store write queued before it is committed too (one writer, in order)."""
    p = Client(broker, "marker-%d" % n, protocol=5)
    p.connect()
    p.publish("durable/marker", b"%d" % n, 1, retain=True)
    p.disconnect()


def retained_on(broker, filt, n, client_id="reader", timeout=5):
    c = Client(broker, client_id, protocol=5)
    c.connect()
    c.subscribe(filt, 1)
    msgs = c.wait_messages(n, timeout=timeout) if n else []
    c.expect_no_message(0.3)
    c.disconnect()
    return {m.topic: m for m in msgs}


# ---- retained messages ---------------------------------------------------------

def test_retained_messages_survive_graceful_restart_with_properties(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data)
    p = Client(b1, "pub", protocol=5)
    p.connect()
    p.publish("keep/a", b"alpha", 1, retain=True,
              props={"MessageExpiryInterval": 3600, "ContentType": "text/plain",
                     "UserProperty": [("k", "v")], "ResponseTopic": "reply/to", "CorrelationData": b"\x00\x01"})
    p.publish("keep/b", b"beta", 1, retain=True)
    p.publish("keep/gone", b"soon deleted", 1, retain=True)
    p.publish("keep/gone", b"", 1, retain=True)  # an empty retained payload deletes
    p.publish("keep/short", b"expires", 1, retain=True, props={"MessageExpiryInterval": 1})
    published_at = time.time()
    p.disconnect()
    b1.stop()
    # The 1 s expiry passes while the broker is down: the restart removes it.
    wait_until(lambda: time.time() > published_at + 1.5, 3, what="keep/short to expire")

    b2 = make_broker(data_dir=data)
    n, path = loaded(b2, "retained messages")
    assert n >= 2 and path == store_dir(data)
    got = retained_on(b2, "keep/#", 2)
    assert sorted(got) == ["keep/a", "keep/b"]
    a = got["keep/a"]
    assert a.payload == b"alpha" and a.retain
    assert a.props["ContentType"] == "text/plain"
    assert a.props["ResponseTopic"] == "reply/to"
    assert a.props["CorrelationData"] == "0001"  # paho shows binary as hex
    assert ("k", "v") in [tuple(x) for x in a.props["UserProperty"]]
    assert 3500 <= a.props["MessageExpiryInterval"] <= 3600  # what is left of it
    assert got["keep/b"].payload == b"beta"


@pytest.mark.parametrize("fsync", ["batch", "always"])
def test_retained_acknowledged_before_kill9_survive(make_broker, tmp_path, fsync):
    data = str(tmp_path / "data")
    env = {"EMQX_DURABLE__FSYNC": fsync}
    b1 = make_broker(data_dir=data, env=env)
    p = Client(b1, "pub", protocol=4)
    p.connect()
    for i in range(100):
        p.publish("crash/%d" % i, b"v%d" % i, 1, retain=True, wait=False)
    # The last PUBACK is the last thing before the crash: no time for a late commit.
    last = p.publish("crash/last", b"final", 1, retain=True)
    assert last in p.published
    wait_until(lambda: len(p.published) >= 101, 5, what="every PUBACK")
    assert b1.kill9() == -9
    p.close()

    b2 = make_broker(data_dir=data, env=env)
    got = retained_on(b2, "crash/#", 101)
    assert got["crash/last"].payload == b"final"
    assert all(got["crash/%d" % i].payload == b"v%d" % i for i in range(100))


def test_retainer_clean_is_durable(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data)
    p = Client(b1, "pub", protocol=4)
    p.connect()
    for t in ("cl/1", "cl/2", "cl/3"):
        p.publish(t, t.encode(), 1, retain=True)
    p.disconnect()
    ctl_json(data, "retainer", "clean", "cl/1")
    b1.stop()
    b2 = make_broker(data_dir=data)
    assert sorted(retained_on(b2, "cl/#", 2)) == ["cl/2", "cl/3"]
    ctl_json(data, "retainer", "clean")
    b2.stop()
    b3 = make_broker(data_dir=data)
    assert retained_on(b3, "cl/#", 0) == {}


def test_durable_disabled_keeps_nothing(make_broker, tmp_path):
    data = str(tmp_path / "data")
    env = {"EMQX_DURABLE__ENABLE": "false"}
    b1 = make_broker(data_dir=data, env=env)
    p = Client(b1, "pub", protocol=4)
    p.connect()
    p.publish("mem/a", b"x", 1, retain=True)
    p.disconnect()
    b1.stop()
    assert not os.path.exists(store_dir(data))
    b2 = make_broker(data_dir=data, env=env)
    assert retained_on(b2, "mem/#", 0) == {}


# ---- persistent sessions --------------------------------------------------------

@pytest.mark.parametrize("protocol", [4, 5])
def test_persistent_session_and_its_queue_survive_graceful_restart(make_broker, tmp_path, protocol):
    data = str(tmp_path / "data")
    props = {"SessionExpiryInterval": 3600} if protocol == 5 else None
    b1 = make_broker(data_dir=data)
    c = Client(b1, "durable-sub", protocol=protocol, clean=False, connect_props=props)
    assert c.connect().session_present is False
    if protocol == 5:
        c.subscribe("q/+", 1, sub_id=7)
    else:
        c.subscribe("q/+", 1)
    c.subscribe("other/#", 0)
    c.disconnect()
    p = Client(b1, "pub", protocol=4)
    p.connect()
    for i in range(30):
        p.publish("q/x", b"%d" % i, 1)
    p.disconnect()
    b1.stop()

    b2 = make_broker(data_dir=data)
    assert loaded(b2, "sessions")[0] == 1
    c2 = Client(b2, "durable-sub", protocol=protocol, clean=False, connect_props=props)
    assert c2.connect().session_present is True
    msgs = c2.wait_messages(30)
    assert [int(m.payload) for m in msgs] == list(range(30))
    assert all(m.qos == 1 for m in msgs)
    if protocol == 5:
        assert all(m.props.get("SubscriptionIdentifier") == [7] for m in msgs)
    c2.expect_no_message(0.3)
    # The subscriptions are back in the router: live traffic reaches the session.
    p2 = Client(b2, "pub2", protocol=4)
    p2.connect()
    p2.publish("q/y", b"live", 1)
    p2.publish("other/z", b"live0", 0)
    got = sorted(m.payload for m in c2.wait_messages(2))
    assert got == [b"live", b"live0"]


def test_clean_session_is_not_restored(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data)
    c = Client(b1, "transient", protocol=5, clean=True)  # Session Expiry 0
    c.connect()
    c.subscribe("t/+", 1)
    c.disconnect()
    b1.stop()
    b2 = make_broker(data_dir=data)
    assert loaded(b2, "sessions")[0] == 0
    c2 = Client(b2, "transient", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 60})
    assert c2.connect().session_present is False


def test_expired_session_is_removed_at_restart(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data)
    c = Client(b1, "short-lived", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 1})
    c.connect()
    c.subscribe("t/+", 1)
    c.disconnect()
    b1.stop()
    stopped_at = time.time()
    wait_until(lambda: time.time() > stopped_at + 1.5, 3, what="the session expiry to pass")
    b2 = make_broker(data_dir=data)
    assert loaded(b2, "sessions")[0] == 0
    b2.stop()
    b3 = make_broker(data_dir=data)  # and it is gone from the store, not only skipped
    assert loaded(b3, "sessions")[0] == 0


def test_offline_session_subscriptions_survive_kill9(make_broker, tmp_path):
    data = str(tmp_path / "data")
    props = {"SessionExpiryInterval": 3600}
    b1 = make_broker(data_dir=data)
    c = Client(b1, "crash-sub", protocol=5, clean=False, connect_props=props)
    c.connect()
    c.subscribe("crash/s/+", 1, sub_id=3)
    c.disconnect()
    wait_until(lambda: client_connected(b1, data, "crash-sub") is False, 5, what="crash-sub offline")
    commit_marker(b1)  # the session record written at the disconnect is committed
    b1.kill9()

    b2 = make_broker(data_dir=data)
    assert loaded(b2, "sessions")[0] == 1
    c2 = Client(b2, "crash-sub", protocol=5, clean=False, connect_props=props)
    assert c2.connect().session_present is True
    p = Client(b2, "pub", protocol=4)
    p.connect()
    p.publish("crash/s/1", b"after", 1)
    m = c2.wait_message()
    assert m.payload == b"after" and m.props.get("SubscriptionIdentifier") == [3]


# ---- damage, quarantine, node name -----------------------------------------------

def _fingerprint(directory):
    """Content hashes of the store's data files (RocksDB's own LOG files aside)."""
    out = {}
    for name in sorted(os.listdir(directory)):
        if name.startswith("LOG"):
            continue
        with open(os.path.join(directory, name), "rb") as f:
            out[name] = hashlib.sha256(f.read()).hexdigest()
    return out


def test_corrupt_store_fails_start_then_quarantine_moves_it_aside(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data)
    p = Client(b1, "pub", protocol=4)
    p.connect()
    p.publish("dmg/a", b"x", 1, retain=True)
    p.disconnect()
    b1.stop()
    store = store_dir(data)
    for name in os.listdir(store):
        if name.startswith("MANIFEST") or name == "CURRENT":
            with open(os.path.join(store, name), "wb") as f:
                f.write(b"\xde\xad\xbe\xef not rocksdb\n")
    before = _fingerprint(store)

    b2 = Broker(data_dir=data, name="corrupt")
    with pytest.raises(BrokerError):
        b2.start()
    try:
        assert b2.exit_code == 1
        log = b2.log()
        assert store in log
        assert "--quarantine-data" in log
        assert _fingerprint(store) == before  # nothing overwritten
        assert [n for n in os.listdir(os.path.join(data, NODE)) if n != "rocksdb"] == []
    finally:
        b2.stop()

    b3 = make_broker(data_dir=data, args=["--quarantine-data"])
    aside = [n for n in os.listdir(os.path.join(data, NODE)) if n.startswith("rocksdb.damaged-")]
    assert len(aside) == 1 and re.fullmatch(r"rocksdb\.damaged-\d{8}T\d{6}Z", aside[0])
    assert _fingerprint(os.path.join(data, NODE, aside[0])) == before  # kept for inspection
    assert "moved it aside" in b3.log() and aside[0] in b3.log()
    assert loaded(b3, "retained messages")[0] == 0
    assert retained_on(b3, "dmg/#", 0) == {}


def test_quarantine_leaves_a_healthy_store_alone(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data)
    commit_marker(b1)
    b1.stop()
    b2 = make_broker(data_dir=data, args=["--quarantine-data"])
    assert os.listdir(os.path.join(data, NODE)) == ["rocksdb"]
    assert "durable/marker" in retained_on(b2, "durable/#", 1)


def test_other_node_name_on_the_data_dir_warns(make_broker, tmp_path):
    data = str(tmp_path / "data")
    b1 = make_broker(data_dir=data)
    commit_marker(b1)
    b1.stop()
    b2 = make_broker(data_dir=data, env={"EMQX_NODE__NAME": "emqx@renamed.host"})
    log = b2.log()
    assert "WARNING" in log
    assert "'%s'" % NODE in log and "'emqx@renamed.host'" in log and "NOT loaded" in log
    assert os.path.isdir(store_dir(data, "emqx@renamed.host"))
    b2.stop()
    b3 = make_broker(data_dir=data)  # the old name finds its store again
    assert "durable/marker" in retained_on(b3, "durable/#", 1)


# ---- the launcher: bin/emqx stop/start and start --quarantine-data --------------------

LAUNCHER = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "bin", "emqx")


def launcher(data_dir, port, *args):
    env = dict(os.environ)
    env.update({
        "EMQX_BUILD_DIR": os.path.dirname(emqxd_bin()),
        "EMQX_NO_BUILD": "1",
        "EMQX_NODE__DATA_DIR": data_dir,
        "EMQX_LISTENERS__TCP__DEFAULT__BIND": "127.0.0.1:%d" % port,
        "EMQX_LISTENERS__WS__DEFAULT__ENABLE": "false",
        "EMQX_DASHBOARD__LISTENERS__HTTP__BIND": "0",
    })
    return subprocess.run([LAUNCHER, *args], env=env, capture_output=True, text=True, timeout=60)


class _At:
    """What Client needs of a broker: where it listens."""

    def __init__(self, port):
        self.host, self.port = "127.0.0.1", port


def test_launcher_stop_start_keeps_retained_and_start_quarantine_data(tmp_path):
    from harness import free_port
    data = str(tmp_path / "data")
    port = free_port()
    r = launcher(data, port, "start")
    assert r.returncode == 0, r.stdout + r.stderr
    try:
        p = Client(_At(port), "pub", protocol=4)
        p.connect()
        p.publish("launch/a", b"kept", 1, retain=True)
        p.disconnect()
    finally:
        assert launcher(data, port, "stop").returncode == 0
    r = launcher(data, port, "start")
    assert r.returncode == 0, r.stdout + r.stderr
    try:
        assert retained_on(_At(port), "launch/#", 1)["launch/a"].payload == b"kept"
    finally:
        assert launcher(data, port, "stop").returncode == 0

    store = store_dir(data)
    with open(os.path.join(store, "CURRENT"), "wb") as f:
        f.write(b"MANIFEST-999999\n")  # names a manifest that is not there
    r = launcher(data, port, "start")
    assert r.returncode == 1
    assert store in r.stderr + r.stdout and "--quarantine-data" in r.stderr + r.stdout
    r = launcher(data, port, "start", "--quarantine-data")
    assert r.returncode == 0, r.stdout + r.stderr
    try:
        assert any(n.startswith("rocksdb.damaged-") for n in os.listdir(os.path.join(data, NODE)))
        assert retained_on(_At(port), "launch/#", 0) == {}
    finally:
        assert launcher(data, port, "stop").returncode == 0
