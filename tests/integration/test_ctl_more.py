"""`emqxctl log primary-level`, `subscriptions add|del`, `topics show`,
`retainer topics`, and the memory / drops by reason of `clients show`."""
from harness import Client, wait_until
from test_ctl_common import ctl, ctl_json, pytestmark, run_ctl  # noqa: F401


def test_log_primary_level_shows_and_sets(broker):
    assert ctl(broker, "log", "primary-level") in ("warning\n", "info\n", "debug\n", "all\n")
    assert ctl(broker, "log", "primary-level", "error") == "error\n"
    assert ctl_json(broker, "log", "primary-level") == {"level": "error"}
    assert ctl_json(broker, "log", "primary-level", "debug") == {"level": "debug"}
    assert ctl(broker, "log", "primary-level") == "debug\n"
    p = run_ctl(broker, "log", "primary-level", "loud")
    assert p.returncode == 2 and "unknown log level" in p.stderr
    # The primary level gates every sink: with the console at info, primary
    # error hides info lines; primary info shows them again.
    ctl(broker, "log", "set-level", "info")
    ctl(broker, "log", "primary-level", "error")
    ctl(broker, "subscriptions", "list")
    Client(broker, "hidden-by-primary", protocol=4).connect()
    ctl(broker, "log", "primary-level", "info")
    wait_until(lambda: "primary log level set to info" in broker.log(), 5, what="info line logged")
    assert "primary log level set to error" not in broker.log()


def test_subscriptions_add_and_del(broker):
    c = Client(broker, "sa-1", protocol=5)
    c.connect()
    assert ctl(broker, "subscriptions", "add", "sa-1", "sa/+/t", "1") == "ok\n"
    assert ctl_json(broker, "subscriptions", "add", "sa-1", "sa/x", "2") == {"clientid": "sa-1", "topic": "sa/x", "qos": 2,
                                                                           "nl": 0, "rap": 0, "rh": 0}
    subs = ctl_json(broker, "subscriptions", "show", "sa-1")["subscriptions"]
    assert {(s["topic"], s["qos"]) for s in subs} == {("sa/+/t", 1), ("sa/x", 2)}
    pub = Client(broker, "sa-pub", protocol=4)
    pub.connect()
    pub.publish("sa/a/t", b"via ctl", 1)
    m = c.wait_message()
    assert m.topic == "sa/a/t" and m.payload == b"via ctl" and m.qos == 1
    assert ctl(broker, "subscriptions", "del", "sa-1", "sa/+/t") == "ok\n"
    assert [s["topic"] for s in ctl_json(broker, "subscriptions", "show", "sa-1")["subscriptions"]] == ["sa/x"]
    pub.publish("sa/a/t", b"gone", 1)
    c.expect_no_message(0.3)
    for args, rc, words in ((("subscriptions", "add", "nobody", "x", "0"), 1, "Not Found"),
                            (("subscriptions", "add", "sa-1", "a/#/b", "0"), 2, "invalid topic filter"),
                            (("subscriptions", "add", "sa-1", "a", "3"), 2, "qos"),
                            (("subscriptions", "add", "sa-1", "a", "0", "--rh", "3"), 2, "rh"),
                            (("subscriptions", "add", "sa-1", "$share/g/a", "0", "--nl", "1"), 2, "no_local"),
                            (("subscriptions", "del", "sa-1", "not/subscribed"), 1, "Not Found"),
                            (("subscriptions", "del", "nobody", "x"), 1, "Not Found")):
        p = run_ctl(broker, *args)
        assert p.returncode == rc and words in p.stderr, (args, p.returncode, p.stderr)


def test_subscriptions_add_with_options(broker):
    c = Client(broker, "so-1", protocol=5)
    c.connect()
    added = ctl_json(broker, "subscriptions", "add", "so-1", "so/t", "1", "--nl", "1", "--rap", "1", "--rh", "2")
    assert added == {"clientid": "so-1", "topic": "so/t", "qos": 1, "nl": 1, "rap": 1, "rh": 2}
    shown = ctl_json(broker, "subscriptions", "show", "so-1")["subscriptions"]
    assert [(s["nl"], s["rap"], s["rh"]) for s in shown] == [(1, 1, 2)]
    c.publish("so/t", b"own", 1)  # No Local: not back to its publisher
    c.expect_no_message(0.3)


def test_topics_show_and_retainer_topics(broker):
    c = Client(broker, "ts-1", protocol=4)
    c.connect()
    c.subscribe("ts/+/x", 0)
    assert ctl(broker, "topics", "show", "ts/+/x") == "ts/+/x -> emqx@127.0.0.1\n"
    assert ctl_json(broker, "topics", "show", "ts/+/x") == {"topics": [{"topic": "ts/+/x", "node": "emqx@127.0.0.1"}]}
    p = run_ctl(broker, "topics", "show", "ts/none")
    assert p.returncode == 1 and "Not Found" in p.stderr
    def mine():
        return [t for t in ctl_json(broker, "retainer", "topics")["topics"] if not t.startswith("$SYS/")]
    assert mine() == []
    sys_topics = ctl_json(broker, "retainer", "topics")["topics"]
    assert "$SYS/brokers/emqx@127.0.0.1/version" in sys_topics, "the broker's own retained $SYS topics are listed"
    for t in ("rt/b", "rt/a", "rt/c/d"):
        c.publish(t, b"kept", 1, retain=True)
    wait_until(lambda: mine() == ["rt/a", "rt/b", "rt/c/d"], 5, what="retained topics")
    lines = ctl(broker, "retainer", "topics").splitlines()
    assert [l for l in lines if not l.startswith("$SYS/")] == ["rt/a", "rt/b", "rt/c/d"]
    assert len(lines) == ctl_json(broker, "retainer", "info")["count"]
    ctl(broker, "retainer", "clean", "rt/b")
    assert mine() == ["rt/a", "rt/c/d"]


def test_clients_show_memory_and_drops_by_reason(make_broker):
    broker = make_broker(env={"EMQX_MQTT__MAX_MQUEUE_LEN": "3", "EMQX_MQTT__MQUEUE_STORE_QOS0": "false"})
    sub = Client(broker, "mem-1", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 300})
    sub.connect()
    sub.subscribe("mem/t", 1)
    sub.subscribe("mem/q0", 0)
    sub.disconnect()
    base = ctl_json(broker, "clients", "show", "mem-1")["client"]
    assert base["dropped_by_reason"] == {"no_local": 0, "expired": 0, "queue_full": 0, "qos0_msg": 0,
                                         "too_large": 0, "output_full": 0, "not_authorized": 0}
    pub = Client(broker, "mem-pub", protocol=5)
    pub.connect()
    for i in range(5):
        pub.publish("mem/t", b"x" * 1000, 1)
    pub.publish("mem/q0", b"q0", 0)
    wait_until(lambda: ctl_json(broker, "clients", "show", "mem-1")["client"]["dropped_msgs"] == 3, 5)
    c = ctl_json(broker, "clients", "show", "mem-1")["client"]
    assert c["dropped_by_reason"]["queue_full"] == 2 and c["dropped_by_reason"]["qos0_msg"] == 1
    assert c["mqueue_len"] == 3
    assert c["session_memory_bytes"] >= base["session_memory_bytes"] + 3 * 1000
    human = ctl(broker, "clients", "show", "mem-1").splitlines()
    assert human[2].split(":", 1)[1].strip() == "[{qos0_msg,1},{queue_full,2}]", human
    # The messages are released once delivered.
    sub2 = Client(broker, "mem-1", protocol=5, clean=False, connect_props={"SessionExpiryInterval": 300})
    sub2.connect()
    sub2.wait_messages(3)
    wait_until(lambda: ctl_json(broker, "clients", "show", "mem-1")["client"]["session_memory_bytes"]
               < base["session_memory_bytes"] + 1000, 5, what="memory released")
