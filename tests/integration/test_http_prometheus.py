"""GET /api/v5/prometheus/stats: EMQX's metric names in Prometheus's text
format (checked by Debian's promtool) and EMQX's JSON form, with the values
`emqxctl broker stats|metrics|listeners|license` give, the node label, our
shutdown counts by reason, and prometheus.enable_basic_auth."""
import re
import shutil
import subprocess

import pytest

from harness import Api, Client, RawClient, mosquitto_pub, start_api_broker, use_shared_broker, wait_until
from harness import mqttbytes as mb
from test_ctl_common import QUIET_SYS, ctl, ctl_json, pytestmark  # noqa: F401
from test_license import make_key, make_license

PATH = "/api/v5/prometheus/stats"
NODE = "emqx@127.0.0.1"
ADMIN = ("prom-admin", "prom-admin-secret")
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def start(tmp_path_factory, name, env):
    return start_api_broker(tmp_path_factory, name, [ADMIN], dict(QUIET_SYS, **env))


@pytest.fixture(scope="module")
def _broker(tmp_path_factory):
    b = start(tmp_path_factory, "prom", {})
    yield b
    b.stop()


@pytest.fixture(scope="module")
def _auth_broker(tmp_path_factory):
    """prometheus.enable_basic_auth on, and a license key to sign licenses with."""
    d = tmp_path_factory.mktemp("prom-lic")
    key, pub = make_key(str(d))
    b = start(tmp_path_factory, "prom-auth",
              {"EMQX_PROMETHEUS__ENABLE_BASIC_AUTH": "true", "EMQX_LICENSE__PUBLIC_KEY_FILE": pub})
    b.license_dir, b.license_key = str(d), key
    yield b
    b.stop()


@pytest.fixture
def broker(request, _broker):
    return use_shared_broker(request, _broker)


@pytest.fixture
def auth_broker(request, _auth_broker):
    return use_shared_broker(request, _auth_broker)


def parse(text):
    """{(name, ((label, value), ...)): value} and {name: type}; fails on any
    line that is not a sample, a HELP or a TYPE."""
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert name not in types, "a second TYPE for %s" % name
            types[name] = kind
            continue
        if line.startswith("# HELP "):
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample: %r" % line
        key = (m.group(1), tuple(LABEL.findall(m.group(2) or "")))
        assert key not in samples, "a second sample %r" % (key,)
        samples[key] = float(m.group(3))
    return samples, types


def scrape(broker, api=None):
    r = (api or Api(broker)).get(PATH)
    assert r.status == 200, r
    assert r.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return r.text


def value(samples, name, **labels):
    want = dict(labels, node=NODE)
    for (n, ls), v in samples.items():
        if n == name and dict(ls) == want:
            return v
    return 0.0


def test_counters_move_with_real_traffic_and_match_emqxctl(broker):
    sub = Client(broker, "prom-sub", protocol=5)
    sub.connect()
    sub.subscribe("prom/t", qos=1)
    before, types = parse(scrape(broker))
    for i in range(3):
        mosquitto_pub(broker, "prom/t", "m%d" % i, qos=1)
    sub.wait_messages(3)

    def moved():
        now, _ = parse(scrape(broker))
        d = {n: value(now, n) - value(before, n) for n in (
            "emqx_messages_received", "emqx_messages_sent", "emqx_messages_qos1_received", "emqx_packets_connect",
            "emqx_packets_publish_received", "emqx_packets_puback_received", "emqx_client_connected",
            "emqx_session_created", "emqx_bytes_received")}
        return d if d["emqx_packets_puback_received"] == 3 and d["emqx_client_connected"] == 3 else None
    d = wait_until(moved, 10, what="the counters moved")
    assert d["emqx_messages_received"] == d["emqx_messages_sent"] == d["emqx_messages_qos1_received"] == 3, d
    assert d["emqx_packets_connect"] == d["emqx_session_created"] == 3, d  # the three mosquitto_pub
    assert d["emqx_packets_publish_received"] == 3 and d["emqx_bytes_received"] > 0, d
    # Gauges from broker stats, counters from broker metrics, with EMQX's types.
    assert types["emqx_connections_count"] == types["emqx_live_connections_count"] == "gauge"
    assert types["emqx_sessions_count"] == types["emqx_topics_count"] == types["emqx_retained_count"] == "gauge"
    for name in ("emqx_messages_received", "emqx_messages_dropped", "emqx_packets_connect", "emqx_bytes_sent",
                 "emqx_delivery_dropped_queue_full", "emqx_authentication_success", "emqx_authorization_allow",
                 "emqx_client_connected", "emqx_session_created"):
        assert types[name] == "counter", name
    # Quiet now: every counter says what `emqxctl broker metrics` says.
    now, _ = parse(scrape(broker))
    metrics = ctl_json(broker, "broker", "metrics")
    assert len(metrics) > 70
    for dotted, n in metrics.items():
        name = "emqx_packets_connect" if dotted == "packets.connect.received" else "emqx_" + dotted.replace(".", "_")
        assert value(now, name) == n, (name, value(now, name), n)
    stats = ctl_json(broker, "broker", "stats")
    assert value(now, "emqx_subscriptions_count") == stats["subscriptions.count"] >= 1
    assert value(now, "emqx_cluster_nodes_running") == 1 and value(now, "emqx_cluster_nodes_stopped") == 0


def test_every_sample_names_the_node(broker):
    samples, _ = parse(scrape(broker))
    assert len(samples) > 90
    for (name, labels) in samples:
        assert dict(labels).get("node") == NODE, name
    # A community license never expires: no emqx_license_expiry_at.
    assert not any(n == "emqx_license_expiry_at" for n, _ in samples)


def test_a_kicked_client_is_counted_by_listener_and_reason(broker):
    api = Api(broker, *ADMIN)
    name = "emqx_listener_shutdown_total"
    kicked = dict(listener_type="tcp", listener_name="default", reason="kicked")
    before = value(parse(scrape(broker))[0], name, **kicked)
    raw = RawClient(broker, 5)
    raw.connect("prom-kick")
    assert api.delete("/api/v5/clients/prom-kick").status == 204
    raw.expect_closed(allow=(mb.DISCONNECT,))
    wait_until(lambda: value(parse(scrape(broker))[0], name, **kicked) == before + 1, 5, what="kicked counted")
    samples, types = parse(scrape(broker))
    assert types[name] == "counter"
    counts = ctl_json(broker, "listeners")["listeners"]
    tcp = next(l for l in counts if l["id"] == "tcp:default")["shutdown_count"]
    for reason, n in tcp.items():
        assert value(samples, name, listener_type="tcp", listener_name="default", reason=reason) == n, reason


def test_json_with_accept_application_json(broker):
    r = Api(broker).get(PATH, headers={"Accept": "application/json"})
    assert r.status == 200, r
    assert r.headers["content-type"] == "application/json"
    j = r.json()
    assert j["node"] == NODE
    for name in ("emqx_connections_count", "emqx_live_connections_count", "emqx_sessions_count", "emqx_topics_count",
                 "emqx_retained_count", "emqx_messages_received", "emqx_messages_sent", "emqx_messages_dropped",
                 "emqx_packets_connect", "emqx_bytes_received", "emqx_client_connect", "emqx_session_created",
                 "emqx_delivery_dropped", "emqx_authentication_success", "emqx_authorization_deny"):
        assert isinstance(j[name], int), name
    assert j["emqx_messages_received"] == ctl_json(broker, "broker", "metrics")["messages.received"]
    for point in j.get("emqx_listener_shutdown_total", []):
        assert set(point) == {"listener_type", "listener_name", "reason", "value"}, point


def test_needs_no_key_by_default_and_refuses_what_emqx_refuses(broker):
    assert Api(broker).get(PATH).status == 200
    bad = Api(broker).get(PATH + "?mode=cluster")
    assert bad.status == 400 and bad.json()["code"] == "BAD_REQUEST", bad
    for mode in ("node", "all_nodes_aggregated", "all_nodes_unaggregated"):
        assert Api(broker).get(PATH + "?mode=" + mode).status == 200, mode
    post = Api(broker, *ADMIN).request("POST", PATH, body={})
    assert post.status == 405 and post.json()["code"] == "METHOD_NOT_ALLOWED"
    doc = Api(broker).get("/api-docs/swagger.json").json()
    assert doc["paths"][PATH]["get"]["security"] == []


def test_enable_basic_auth_wants_an_api_key(auth_broker):
    none = Api(auth_broker).get(PATH)
    assert none.status == 401 and none.json()["code"] == "AUTHORIZATION_HEADER_ERROR", none
    wrong = Api(auth_broker, ADMIN[0], "not-the-secret").get(PATH)
    assert wrong.status == 401 and wrong.json()["code"] == "BAD_API_KEY_OR_SECRET", wrong
    assert Api(auth_broker, ADMIN[0], "x").get(PATH, headers={"Accept": "application/json"}).status == 401
    ok = Api(auth_broker, *ADMIN)
    assert "emqx_connections_count{" in scrape(auth_broker, ok)


def test_a_license_expiry_is_exported_as_unix_seconds(auth_broker):
    lic = make_license(auth_broker.license_dir, auth_broker.license_key, expiry_at="2099-12-31")
    ctl(auth_broker, "license", "reload", lic)
    assert ctl_json(auth_broker, "license", "info")["expiry_epoch"] == 4102444800  # 2100-01-01T00:00:00Z
    samples, types = parse(scrape(auth_broker, Api(auth_broker, *ADMIN)))
    assert samples[("emqx_license_expiry_at", ())] == 4102444800 and types["emqx_license_expiry_at"] == "gauge"


def test_promtool_check_metrics_finds_only_emqx_names(broker):
    # a hard precondition: fail (never skip) so that CI without promtool is noticed
    promtool = shutil.which("promtool")
    assert promtool, "promtool is not installed (bin/install-deps test installs Debian's prometheus)"
    Client(broker, "prom-lint").connect()
    text = scrape(broker)
    _, types = parse(text)
    p = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=30)
    # 0: clean; 3: lint problems only (1 would be a text that does not parse).
    assert p.returncode in (0, 3), p
    # The only problems allowed are EMQX's names, which dashboards are
    # written for: counters without "_total", gauges ending in "_count".
    for line in (p.stdout + p.stderr).splitlines():
        total = re.match(r'^(\S+) counter metrics should have "_total" suffix$', line)
        count = re.match(r'^(\S+_count) non-histogram and non-summary metrics should not have "_count" suffix$', line)
        assert (total and types.get(total.group(1)) == "counter") or (count and types.get(count.group(1)) == "gauge"), line


def test_the_hosts_cpu_and_memory_as_emqx_vm_gauges(broker):
    samples, types = parse(scrape(broker))
    for name in ("emqx_vm_cpu_use", "emqx_vm_cpu_idle", "emqx_vm_run_queue", "emqx_vm_total_memory",
                 "emqx_vm_used_memory"):
        assert types[name] == "gauge", name
    # The broker runs on this host: the memory is the one /proc/meminfo says.
    meminfo = dict(line.split(":", 1) for line in open("/proc/meminfo"))
    total = int(meminfo["MemTotal"].split()[0]) * 1024
    assert value(samples, "emqx_vm_total_memory") == total
    assert 0 < value(samples, "emqx_vm_used_memory") < total
    use, idle = value(samples, "emqx_vm_cpu_use"), value(samples, "emqx_vm_cpu_idle")
    assert 0 <= use <= 100 and abs(use + idle - 100) < 1e-6, (use, idle)
    assert value(samples, "emqx_vm_run_queue") >= 1  # the thread answering the scrape, at least
    # No Erlang mailboxes here: left out rather than made up.
    assert "emqx_vm_process_messages_in_queues" not in types
