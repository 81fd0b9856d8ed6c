"""A full disk (docs/storage.md, "A full disk"): the data dir is on a small
tmpfs that the test fills. The broker refuses durable writes with a clear log
and a counted metric (messages.durable.refused): an MQTT 5 QoS 1 publisher to a
persistent session gets PUBACK 0x80/0x97, a 3.1.1 one gets no PUBACK; traffic
that needs no durable write goes on; when space returns, durable writes are
accepted again and nothing acknowledged as stored is lost.

Needs root (mount -t tmpfs), as the rest of the suite's setup does.
"""
import errno
import json
import os
import subprocess

import pytest

from harness import Client, RawClient, wait_until
from harness import mqttbytes as mb
from harness.broker import is_mosquitto
from test_ctl_common import emqxctl_bin

pytestmark = pytest.mark.skipif(is_mosquitto(), reason="emqxd's durable store")

SESSION = {"SessionExpiryInterval": 3600}


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", str(mount)], capture_output=True, text=True)
    assert p.returncode == 0, "mounting a tmpfs for the full-disk test failed (needs root): " + p.stderr
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def metric(data_dir, name):
    p = subprocess.run([emqxctl_bin(), "--socket", os.path.join(data_dir, "emqxd.sock"), "--json", "broker", "metrics"],
                       capture_output=True, text=True, timeout=20)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout)[name]


def fill(path):
    """Writes `path` until the file system is full."""
    chunk = b"\0" * (1 << 20)
    with open(path, "wb", buffering=0) as f:
        while True:
            try:
                f.write(chunk)
            except OSError as e:
                assert e.errno == errno.ENOSPC, e
                break
        # The last partial chunks: fill to the last byte.
        for size in (65536, 4096, 512, 1):
            while True:
                try:
                    f.write(b"\0" * size)
                except OSError:
                    break


def raw_session(broker, client_id, version):
    c = RawClient(broker, version=version)
    c.send(mb.connect(client_id, version=version))
    assert c.expect(mb.CONNACK).rc == 0
    return c


def puback(client, pid, version, payload=b"", timeout=5):
    client.send(mb.publish("d/1", payload or b"m%d" % pid, qos=1, pid=pid, version=version))
    return client.expect(mb.PUBACK, timeout=timeout)


def test_full_disk_refuses_durable_writes_keeps_memory_traffic_and_recovers(make_broker, small_disk):
    data = str(small_disk / "data")
    broker = make_broker(data_dir=data)
    durable = Client(broker, "durable-sub", protocol=5, clean=False, connect_props=SESSION)
    durable.connect()
    durable.subscribe("d/#", 1)
    durable.disconnect()
    live = Client(broker, "live-sub", protocol=5)
    live.connect()
    live.subscribe("mem/#", 1)

    pub5 = raw_session(broker, "pub5", 5)
    assert puback(pub5, 1, 5).rc == 0  # stored: the disk has room

    fill(str(small_disk / "filler"))
    # RocksDB preallocates its write-ahead log: writes go on into that space
    # until it is used up. Large payloads get there quickly.
    big = b"x" * (512 * 1024)
    first_failure = None
    for pid in range(2, 400):
        rc = puback(pub5, pid, 5, payload=big).rc
        if rc != 0:
            first_failure = rc
            break
    # The first write that finds the disk full fails at its commit (0x80
    # Unspecified error); then the store refuses writes up front (0x97).
    assert first_failure == 0x80, first_failure
    rcs = [puback(pub5, pid, 5).rc for pid in range(400, 405)]
    assert rcs == [0x97] * 5, rcs
    wait_until(lambda: "refusing durable writes" in broker.log(), 5, what="the full-disk log line")

    pub3 = raw_session(broker, "pub3", 4)
    pub3.send(mb.publish("d/1", b"v3", qos=1, pid=9, version=4))
    pub3.expect_no_packet(1.0)  # 3.1.1 has no way to say "not stored": no PUBACK, the client sends it again

    # Traffic that needs no durable write goes on.
    pub5.send(mb.publish("mem/x", b"in-memory", qos=1, pid=20, version=5))
    assert pub5.expect(mb.PUBACK).rc == 0
    assert live.wait_message().payload == b"in-memory"

    refused = metric(data, "messages.durable.refused")
    assert refused >= 7, refused

    os.remove(str(small_disk / "filler"))
    pid = [100]

    def stored_again():
        pid[0] += 1
        return puback(pub5, pid[0], 5).rc == 0

    wait_until(stored_again, 30, interval=0.2, what="a stored publish after space returned")
    broker.log_line("accepting durable writes")

    # What was acknowledged as stored reached the persistent session (what was
    # refused was still routed in memory, so it comes too).
    durable2 = Client(broker, "durable-sub", protocol=5, clean=False, connect_props=SESSION)
    assert durable2.connect().session_present is True
    last = b"m%d" % pid[0]
    got = set()

    def received_last():
        while not durable2.messages.empty():
            got.add(durable2.messages.get_nowait().payload)
        return last in got

    wait_until(received_last, 20, interval=0.05, what="the last stored message")
    assert b"m1" in got, sorted(p[:8] for p in got)
