"""SIGTERM: MQTT 5 clients get DISCONNECT 0x8B (server shutting down), others are closed, exit 0."""

from harness import Broker, Client, RawClient, mqttbytes as mb, port_accepts


def test_sigterm_sends_0x8b_to_v5_clients_and_exits_0():
    b = Broker(name="graceful").start()
    try:
        v5 = RawClient(b, 5)
        v5.connect("v5-client")
        v4 = RawClient(b, 4)
        v4.connect("v4-client")
        paho5 = Client(b, "paho5", protocol=5)
        paho5.connect()
        code = b.terminate()
        assert code == 0, "exit code %s\n%s" % (code, b.describe())
        d = v5.expect(mb.DISCONNECT, timeout=1)
        assert d.rc == 0x8B, d
        v5.expect_closed(timeout=1)
        v4.expect_closed(timeout=1)
        assert paho5.wait_disconnect(timeout=1)
        assert not port_accepts(b.host, b.port)
    finally:
        b.stop()  # idempotent: removes the temp dir
        Client._all.clear()


def test_queued_qos1_flushed_before_exit():
    """Messages already accepted for an online subscriber are written out before the close."""
    b = Broker(name="flush").start()
    try:
        s = RawClient(b, 4)
        s.connect("flush-sub")
        s.subscribe("flush/t", 1)
        p = Client(b, "flush-pub", protocol=4)
        p.connect()
        for i in range(30):
            p.publish("flush/t", b"%d" % i, 1)
        assert b.terminate() == 0
        got = [s.expect(mb.PUBLISH, timeout=2).payload for _ in range(30)]
        assert got == [b"%d" % i for i in range(30)]
        s.expect_closed(timeout=2)
    finally:
        b.stop()  # idempotent: removes the temp dir
        Client._all.clear()


def test_sigterm_with_no_clients_exits_promptly():
    b = Broker(name="idle").start()
    assert b.terminate(deadline=5) == 0
    b.stop()
