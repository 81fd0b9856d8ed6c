"""`emqxctl clients|subscriptions|topics|retainer`, gathered from every worker."""
import re

from harness import Client, RawClient, mosquitto_pub, mqttbytes as mb, wait_until
from test_ctl_common import ctl, ctl_json, pytestmark, run_ctl  # noqa: F401

CLIENT_LINE = re.compile(
    r"^Client\((?P<id>[^,]+), username=(?P<username>[^,]+), peername=(?P<peer>[^,]+), "
    r"clean_start=(?P<clean>true|false), keepalive=(?P<ka>\d+), session_expiry_interval=(?P<sei>\d+), "
    r"subscriptions=(?P<subs>\d+), inflight=\d+, awaiting_rel=\d+, delivered_msgs=(?P<delivered>\d+), "
    r"enqueued_msgs=\d+, dropped_msgs=\d+, connected=(?P<connected>true|false), created_at=\d+, "
    r"connected_at=(\d+|undefined)(, disconnected_at=\d+)?\)$")


def _clients(broker, *extra):
    return ctl_json(broker, "clients", "list", *extra)


def test_clients_list_shows_every_client_across_workers(make_broker):
    broker = make_broker(env={"EMQX_NODE__WORKERS": "4"})
    cs = []
    for i in range(8):
        c = Client(broker, "lc-%d" % i, protocol=5 if i % 2 else 4, keepalive=30 + i,
                   username="user%d" % i if i % 3 == 0 else None)
        c.connect()
        cs.append(c)
    cs[1].subscribe("lc/1/#", 1)
    data = _clients(broker)
    assert data["total"] == 8 and data["truncated"] is False
    assert [c["clientid"] for c in data["clients"]] == ["lc-%d" % i for i in range(8)]
    assert len({c["worker"] for c in data["clients"]}) > 1, "expected clients on several workers"
    out = ctl(broker, "clients", "list").splitlines()
    assert len(out) == 8
    by_id = {}
    for line in out:
        m = CLIENT_LINE.match(line)
        assert m, line
        by_id[m.group("id")] = m
    assert by_id["lc-0"].group("username") == "user0"
    assert by_id["lc-1"].group("username") == "undefined"
    assert by_id["lc-1"].group("subs") == "1"
    assert by_id["lc-3"].group("ka") == "33"
    assert by_id["lc-2"].group("clean") == "true"
    assert by_id["lc-2"].group("connected") == "true"
    assert by_id["lc-2"].group("peer").startswith("127.0.0.1:")


def test_clients_list_limit_and_match(broker):
    for name in ("alpha-1", "alpha-2", "beta-1"):
        Client(broker, name, protocol=4).connect()
    data = _clients(broker, "--match", "alpha")
    assert [c["clientid"] for c in data["clients"]] == ["alpha-1", "alpha-2"]
    assert data["total"] == 2
    data = _clients(broker, "--limit", "1")
    assert len(data["clients"]) == 1 and data["total"] == 3 and data["truncated"] is True
    assert len(ctl(broker, "clients", "list", "--limit", "2").splitlines()) == 2
    assert ctl(broker, "clients", "list", "--match", "nothing-like-this") == "No clients.\n"


def test_clients_list_skip_pages_in_client_id_order_across_workers(broker):
    names = ["skp-%02d" % i for i in range(12)]
    for name in reversed(names):
        Client(broker, name, protocol=4).connect()
    assert len({c["worker"] for c in _clients(broker, "--match", "skp-")["clients"]}) > 1
    pages = [_clients(broker, "--match", "skp-", "--skip", str(skip), "--limit", "5") for skip in (0, 5, 10, 15)]
    assert [[c["clientid"] for c in p["clients"]] for p in pages] == [names[0:5], names[5:10], names[10:12], []]
    assert [p["total"] for p in pages] == [12] * 4
    assert [p["truncated"] for p in pages] == [True, True, False, False]


def test_clients_list_filters(broker):
    for i in range(3):
        Client(broker, "cf-%d" % i, protocol=4, username="cfu-%d" % i).connect()
    off = Client(broker, "cf-off", protocol=5, clean=False, username="cfu-off",
                 connect_props={"SessionExpiryInterval": 300})
    off.connect()
    off.disconnect()

    def ids(*filters):
        return [c["clientid"] for c in _clients(broker, "--match", "cf-", *filters)["clients"]]
    wait_until(lambda: ids("--conn_state", "disconnected") == ["cf-off"], 5, what="cf-off offline")
    assert ids("--clientid", "cf-2", "--clientid", "cf-0") == ["cf-0", "cf-2"]
    assert ids("--username", "cfu-1") == ["cf-1"]
    assert ids("--like_username", "u-o") == ["cf-off"]
    assert ids("--conn_state", "connected") == ["cf-0", "cf-1", "cf-2"]
    assert ids("--conn_state", "idle") == []
    assert ids("--ip_address", "127.0.0.1", "--username", "cfu-0", "--username", "cfu-off") == ["cf-0"]
    bad = run_ctl(broker, "clients", "list", "--conn_state", "asleep")
    assert bad.returncode == 2 and "conn_state: expected connected, idle or disconnected" in bad.stderr


def test_clients_show(broker):
    c = Client(broker, "show-me", protocol=5, keepalive=42, username="u1",
               connect_props={"SessionExpiryInterval": 300})
    c.connect()
    c.subscribe("show/a", 1)
    c.subscribe("show/b", 0)
    c.publish("show/a", b"hello", 1)
    c.wait_message()
    data = ctl_json(broker, "clients", "show", "show-me")["client"]
    assert data["clientid"] == "show-me"
    assert data["username"] == "u1"
    assert data["keepalive"] == 42
    assert data["session_expiry_interval"] == 300
    assert data["subscriptions"] == 2
    assert data["connected"] is True
    assert data["proto_ver"] == 5
    assert data["delivered_msgs"] == 1
    lines = ctl(broker, "clients", "show", "show-me").splitlines()
    m = CLIENT_LINE.match(lines[0])
    assert m and m.group("id") == "show-me" and m.group("sei") == "300", lines
    # Then the session's memory and its drops by reason (none yet: an empty list).
    assert re.fullmatch(r"  session_memory_bytes\s+: \d+", lines[1]), lines
    assert re.fullmatch(r"  dropped_by_reason\s+: \[\]", lines[2]), lines
    # Offline, the persistent session is still shown.
    c.disconnect()
    wait_until(lambda: ctl_json(broker, "clients", "show", "show-me")["client"]["connected"] is False, 5,
               what="the client to be shown disconnected")
    line = ctl(broker, "clients", "show", "show-me").splitlines()[0]
    assert "connected=false" in line and "disconnected_at=" in line
    assert ctl(broker, "clients", "show", "absent") == "Not Found.\n"  # EMQX's answer, exit 0


def test_clients_kick_v5_gets_0x98_and_is_gone(broker):
    r = RawClient(broker, 5)
    r.connect("kicked-5")
    other = Client(broker, "not-kicked", protocol=4)
    other.connect()
    assert ctl(broker, "clients", "kick", "kicked-5") == "ok\n"
    seen = r.expect_closed(allow=(mb.DISCONNECT,))
    assert [p.rc for p in seen] == [0x98], seen
    wait_until(lambda: [c["clientid"] for c in _clients(broker)["clients"]] == ["not-kicked"], 5,
               what="only the other client left")
    assert other.is_connected()
    assert ctl(broker, "clients", "kick", "kicked-5", rc=1) == ""


def test_clients_kick_paho_v5_connection_ends(broker):
    c = Client(broker, "kick-paho", protocol=5)
    c.connect()
    ctl(broker, "clients", "kick", "kick-paho")
    c.wait_disconnect()


def test_subscriptions_list_and_show(broker):
    a = Client(broker, "sub-a", protocol=5)
    a.connect()
    a.subscribe("t/a", 1)
    a.subscribe("t/#", 2, nl=True, rh=1)
    b = Client(broker, "sub-b", protocol=4)
    b.connect()
    b.subscribe("t/b", 0)
    out = ctl(broker, "subscriptions", "list")
    assert out == ("sub-a -> topic:t/# qos:2 nl:1 rh:1 rap:0\n"
                   "sub-a -> topic:t/a qos:1 nl:0 rh:0 rap:0\n"
                   "sub-b -> topic:t/b qos:0 nl:0 rh:0 rap:0\n")
    assert ctl(broker, "subscriptions", "show", "sub-b") == "sub-b -> topic:t/b qos:0 nl:0 rh:0 rap:0\n"
    data = ctl_json(broker, "subscriptions", "show", "sub-a")
    assert [s["topic"] for s in data["subscriptions"]] == ["t/#", "t/a"]
    assert ctl(broker, "subscriptions", "show", "nobody") == "Not Found.\n"


def test_topics_list(broker):
    a = Client(broker, "top-a", protocol=4)
    a.connect()
    a.subscribe("x/1", 0)
    a.subscribe("x/+", 0)
    b = Client(broker, "top-b", protocol=4)
    b.connect()
    b.subscribe("x/1", 0)
    assert ctl(broker, "topics", "list") == "x/+ -> emqx@127.0.0.1\nx/1 -> emqx@127.0.0.1\n"


def test_retainer_info_and_clean(broker):
    base = ctl_json(broker, "retainer", "info")["count"]
    mosquitto_pub(broker, "ret/1", "one", retain=True)
    mosquitto_pub(broker, "ret/2", "two", retain=True)
    wait_until(lambda: ctl_json(broker, "retainer", "info")["count"] == base + 2, 5, what="2 more retained")
    assert ctl(broker, "retainer", "info") == "Number of retained messages: %d\n" % (base + 2)
    assert ctl(broker, "retainer", "clean", "ret/1") == "Cleaned retained messages for topic ret/1\n"
    assert ctl_json(broker, "retainer", "info")["count"] == base + 1
    s = Client(broker, "ret-sub", protocol=4)
    s.connect()
    s.subscribe("ret/#", 0)
    assert s.wait_message().payload == b"two"
    s.expect_no_message(0.3)
    assert ctl(broker, "retainer", "clean") == "Cleaned all retained messages\n"
    assert ctl_json(broker, "retainer", "info")["count"] == 0
