#!/usr/bin/env python3
"""GET /api/v5/clients on a node holding 100,000 sessions: the time of one
page (issue #15: under 100 ms with limit=100; EMQX users saw several
seconds, EMQX issue #9341).

  bench/clients_api_paging.py [--emqxd PATH ...] [--offline 81000] [--connected 19000]
                              [--requests 30] [-o results.json]

For each --emqxd binary in turn (default build/emqxd), a fresh broker with
the HTTP API on a free loopback port: emqx-bench conn makes --offline
persistent sessions (MQTT 5, Session Expiry 7200 s, clean start false), in
batches of at most 16,000 clients a process (the descriptor limit), each
batch DISCONNECTing once all its clients are in, so their sessions stay
offline; then --connected clients connect and stay. Then each query below
is asked --requests times over one keep-alive connection, and the wall time
of each answer (request written to body read) is reported: median, p95 and
max in ms, with the count the answer's meta gives (checked against what was
made). `emqxctl clients list --limit 100` is timed the same way.
Loopback only; every process is started and ended by this script, by PID.
"""
import argparse
import base64
import http.client
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))

from bench_client import BenchClient  # noqa: E402
from brokers import EMQXD, Broker, free_port, nofile_limit_for  # noqa: E402
from runs import run_all  # noqa: E402

BATCH = 16000
API_KEY, API_SECRET = "bench", "bench-secret-0123456789"
QUERIES = [
    ("first page", "limit=100"),
    ("page 500", "page=500&limit=100"),
    ("offline only", "conn_state=disconnected&limit=100"),
    ("connected only", "conn_state=connected&limit=100"),
    ("like_clientid", "like_clientid=live_conn_1&limit=100"),
    ("one client", "clientid=off_conn_40000"),
    ("10,000 a page", "limit=10000"),
]


def make_sessions(broker, rundir, live, prefix, count, stay):
    """`count` clients named prefix_conn_N; unless `stay`, they DISCONNECT once all are in."""
    made = 0
    while made < count:
        n = min(BATCH, count - made)
        args = ["conn", "-p", str(broker.port), "-c", str(n), "-n", str(made), "--prefix", prefix,
                "-V", "5", "-x", "7200", "-C", "false", "-k", "300", "-i", "0", "--duration", "3600", "--max-pending", "100"]
        client = BenchClient(args, rundir, "%s-%d" % (prefix, made), n + 200)
        live.append(client)
        client.wait_ready(600)
        if not stay:
            client.interrupt()
            client.finish(120)
        made += n


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"median_ms": round(statistics.median(times), 2),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 2),
            "max_ms": round(times[-1], 2)}, out


def one_run(binary, args, rundir, live):
    http_port = free_port()
    keys = os.path.join(rundir, "api_keys")
    with open(keys, "w") as f:
        f.write("%s:%s\n" % (API_KEY, API_SECRET))
    nofile = nofile_limit_for(max(min(BATCH, args.offline), args.connected) + 1000)
    broker = Broker("emqxd", nofile, rundir, binary=binary, env_more={
        "EMQX_DASHBOARD__LISTENERS__HTTP__BIND": "127.0.0.1:%d" % http_port,
        "EMQX_API_KEY__BOOTSTRAP_FILE": keys})
    live.append(broker)
    t0 = time.monotonic()
    make_sessions(broker, rundir, live, "off", args.offline, stay=False)
    make_sessions(broker, rundir, live, "live", args.connected, stay=True)
    setup_s = time.monotonic() - t0
    auth = "Basic " + base64.b64encode(("%s:%s" % (API_KEY, API_SECRET)).encode()).decode()
    conn = http.client.HTTPConnection("127.0.0.1", http_port, timeout=60)

    def get(query):
        conn.request("GET", "/api/v5/clients?" + query, headers={"Authorization": auth})
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError("GET /api/v5/clients?%s: %d %s" % (query, resp.status, body[:300]))
        return json.loads(body)

    total = get("limit=1")["meta"]["count"]
    if total != args.offline + args.connected:
        raise RuntimeError("the node holds %d sessions, not %d" % (total, args.offline + args.connected))
    result = {"run": binary, "sessions": total, "setup_s": round(setup_s, 1),
              "rss_mib": round(broker.status_kb() / 1024, 1), "queries": []}
    for name, query in QUERIES:
        stats, page = timed(lambda: get(query), args.requests)
        stats.update(name=name, query=query, count=page["meta"]["count"], rows=len(page["data"]))
        result["queries"].append(stats)
    ctl = [os.path.join(os.path.dirname(binary), "emqxctl"), "--socket",
           os.path.join(broker.dir, "emqxd.sock"), "clients", "list", "--limit", "100"]
    stats, _ = timed(lambda: subprocess.run(ctl, check=True, stdout=subprocess.DEVNULL), args.requests)
    stats.update(name="emqxctl clients list --limit 100", query="", count=None, rows=100)
    result["queries"].append(stats)
    conn.close()
    return result


def print_run(r):
    print("%s: %d sessions (made in %.0f s), RSS %.1f MiB" % (r["run"], r["sessions"], r["setup_s"], r["rss_mib"]))
    print("  %-34s %10s %8s %8s %8s %6s" % ("query", "median ms", "p95 ms", "max ms", "count", "rows"))
    for q in r["queries"]:
        print("  %-34s %10.2f %8.2f %8.2f %8s %6d" % (q["name"], q["median_ms"], q["p95_ms"], q["max_ms"],
                                                     q["count"] if q["count"] is not None else "-", q["rows"]),
              flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--emqxd", action="append", help="an emqxd binary (repeat to compare builds)")
    p.add_argument("--offline", type=int, default=81000)
    p.add_argument("--connected", type=int, default=19000)
    p.add_argument("--requests", type=int, default=30)
    p.add_argument("-o", "--output")
    args = p.parse_args()
    binaries = [os.path.abspath(b) for b in args.emqxd or [EMQXD]]
    plan = {"offline": args.offline, "connected": args.connected, "requests": args.requests, "emqxd": binaries}
    labels = ["emqxd%d" % i for i in range(1, len(binaries) + 1)]
    run_all("clients-api-paging", plan, labels,
            lambda label, d, live: one_run(binaries[labels.index(label)], args, d, live), print_run, args.output)


if __name__ == "__main__":
    main()
