#!/usr/bin/env python3
"""Routing at scale: a million subscriptions, emqxd beside mosquitto.

  bench/routing_scale.py [-b emqxd,mosquitto,emqxd,mosquitto] [-S 10000] [-F 100]
                         [-P 10] [--fixed-interval 1] [-d 15] [--max-pending 40] [-o results.json]

Each run is one phase on a fresh broker (free loopback port):

1. S subscribers (emqx-bench sub, -i 0 with at most --max-pending
   handshakes in progress per thread, QoS 0, keepalive 60) subscribe F
   filters each in one SUBSCRIBE: S x F subscriptions. Filter j (1..F) of
   subscriber i, in six groups:
       j in (0, F/2]:        rt/i/e/j        exact
       j in (F/2, 6F/10]:    rt/i/+/j        + at level 3
       j in (6F/10, 7F/10]:  rt/i/e/j/#      # at level 5 (matches rt/i/e/j: its parent)
       j in (7F/10, 8F/10]:  +/i/e/j         + at level 1
       j in (8F/10, 9F/10]:  rt/i/+/+/j      two +, depth 5 (never matched below)
       j in (9F/10, F]:      +/i/+/j         + at levels 1 and 3
   Reported: subscriptions acknowledged per second (the first SUBSCRIBE to
   the last SUBACK) and the broker's RSS growth per subscription (its
   subscriber's connection included: 1/F of one).
2. P publishers (emqx-bench pub, QoS 0, 64-byte payloads) publish for -d
   seconds to rt/%rand_S/e/%rand_(3F/2): a random subscriber's level and a
   random j of 1..1.5F, drawn per message, so 60% of the messages match
   exactly one subscription (the groups above but the depth-5 one) and 40%
   match none. Phase "unlimited": as fast as the broker takes them (-I 0);
   phase "fixed": P x 1000 / --fixed-interval messages per second.
   Reported: messages published per second (as the publishers' sockets took
   them), delivered per second (the first to the last message the
   subscribers received) and the share that matched, the broker's CPU per
   published message, and the delivery latency (p50, p99, p999) measured
   by the subscribers. Without a rate limit the publishers fill their
   sockets' buffers faster than a broker empties them, so that phase's
   latency is the time messages wait in those buffers: read its delivery
   rate, and the fixed phase's latency.

A run's order: for each broker of -b, the unlimited phase, then the fixed
one. Loopback only; every process is ended by its PID.
"""
import argparse
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))

from bench_client import BenchClient  # noqa: E402
from brokers import EMQXD, Broker, nofile_limit_for  # noqa: E402
from runs import run_all  # noqa: E402

SETTLE_S = 3
EMQXCTL = os.environ.get("EMQXCTL", os.path.join(os.path.dirname(EMQXD), "emqxctl"))


def filters(f):
    """The F filter patterns of one subscriber (%i = its sequence number)."""
    out = []
    for j in range(1, f + 1):
        if j <= f // 2:
            out.append("rt/%%i/e/%d" % j)
        elif j <= 6 * f // 10:
            out.append("rt/%%i/+/%d" % j)
        elif j <= 7 * f // 10:
            out.append("rt/%%i/e/%d/#" % j)
        elif j <= 8 * f // 10:
            out.append("+/%%i/e/%d" % j)
        elif j <= 9 * f // 10:
            out.append("rt/%%i/+/+/%d" % j)
        else:
            out.append("+/%%i/+/%d" % j)
    return out


def emqxd_subscriptions(broker):
    """subscriptions.count of `emqxctl broker stats` (emqxd only)."""
    out = subprocess.run([EMQXCTL, "broker", "stats"], env=dict(os.environ, EMQX_NODE__DATA_DIR=broker.dir),
                         capture_output=True, text=True, timeout=60).stdout
    for line in out.splitlines():
        words = line.split()
        if words and words[0] == "subscriptions.count":
            return int(words[-1])
    return None


def one_run(label, args, rundir, live):
    kind, phase = label.split(":")
    s, f = args.subscribers, args.filters
    nofile = nofile_limit_for(s + 500)
    broker = Broker(kind, nofile, rundir)
    live.append(broker)
    time.sleep(SETTLE_S)
    idle_rss_kb = broker.status_kb()
    sub_args = ["sub", "-h", "127.0.0.1", "-p", str(broker.port), "-c", str(s), "-i", "0", "-q", "0", "-k", "60",
                "--max-pending", str(args.max_pending), "--prefix", "rs", "--duration", "1800"]
    for pattern in filters(f):
        sub_args += ["-t", pattern]
    cpu0 = broker.cpu_s()
    sub = BenchClient(sub_args, rundir, "sub", nofile)
    live.append(sub)
    subscribed_ms = sub.wait_ready(900)
    subscribe_cpu_s = broker.cpu_s() - cpu0
    time.sleep(SETTLE_S)
    subscribed_rss_kb = broker.status_kb()
    table = emqxd_subscriptions(broker) if kind == "emqxd" else None

    interval = 0 if phase == "unlimited" else args.fixed_interval
    cpu0 = broker.cpu_s()
    pub = BenchClient(["pub", "-h", "127.0.0.1", "-p", str(broker.port), "-c", str(args.publishers), "-i", "0",
                       "-I", str(interval), "-q", "0", "-s", "64", "--prefix", "rp",
                       "-t", "rt/%%rand_%d/e/%%rand_%d" % (s, 3 * f // 2), "--duration", str(args.duration)],
                      rundir, "pub", 1024)
    live.append(pub)
    p = pub.finish(args.duration + 120)
    received = sub.wait_recv_settled(2.0, 120)
    publish_cpu_s = broker.cpu_s() - cpu0
    sub.interrupt()
    q = sub.finish(300)
    broker.stop()
    sent = p["messages"]["sent"]
    return {"broker": kind, "phase": phase, "subscribers": s, "filters_per_subscriber": f,
            "subscriptions_granted": q["subscriptions"]["granted"], "emqxd_subscriptions_count": table,
            "subscribe_rate": q["subscriptions"]["rate"], "connected_and_subscribed_s": subscribed_ms / 1000,
            "subscribe_cpu_s": subscribe_cpu_s,
            "idle_rss_kb": idle_rss_kb, "subscribed_rss_kb": subscribed_rss_kb,
            "rss_bytes_per_subscription": (subscribed_rss_kb - idle_rss_kb) * 1024 / (s * f),
            "publishers": args.publishers, "interval_ms": interval, "sent": sent, "sent_rate": p["messages"]["sent_rate"],
            "received": q["messages"]["received"], "received_settled": received,
            "delivered_rate": q["messages"]["recv_rate"],
            "matched_share": q["messages"]["received"] / sent if sent else None,
            "publish_cpu_s": publish_cpu_s, "cpu_us_per_publish": publish_cpu_s / sent * 1e6 if sent else None,
            "latency_us": q["latency_us"], "pub_summary": p, "sub_connections": q["connections"]}


def print_run(r):
    lat = r["latency_us"]
    table = "" if r["emqxd_subscriptions_count"] is None else " (emqxctl: %d)" % r["emqxd_subscriptions_count"]
    print("%-9s %-9s %d subscriptions%s at %.0f/s (all subscribed in %.1f s, broker CPU %.1f s); RSS %.1f -> %.1f MiB: "
          "%.0f B/subscription; published %d at %.0f/s, delivered %d (%.1f%%) at %.0f/s, broker CPU %.2f us/publish; "
          "latency p50 %s p99 %s p999 %s us" % (
              r["broker"], r["phase"], r["subscriptions_granted"], table, r["subscribe_rate"],
              r["connected_and_subscribed_s"], r["subscribe_cpu_s"], r["idle_rss_kb"] / 1024,
              r["subscribed_rss_kb"] / 1024, r["rss_bytes_per_subscription"], r["sent"], r["sent_rate"],
              r["received"], 100 * (r["matched_share"] or 0), r["delivered_rate"], r["cpu_us_per_publish"] or 0,
              lat["p50"], lat["p99"], lat["p999"]), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-b", "--brokers", default="emqxd,mosquitto,emqxd,mosquitto")
    ap.add_argument("-S", "--subscribers", type=int, default=10000)
    ap.add_argument("-F", "--filters", type=int, default=100, help="filters per subscriber, a multiple of 10")
    ap.add_argument("-P", "--publishers", type=int, default=10)
    ap.add_argument("--max-pending", type=int, default=40,
                    help="emqx-bench --max-pending of the subscribers: 2 threads x 40 handshakes stay below "
                         "mosquitto's listen backlog of 100 (more overflow it while it works through SUBSCRIBEs, "
                         "and it resets connections)")
    ap.add_argument("--fixed-interval", type=int, default=1, help="ms between two messages of a publisher, "
                    "fixed phase")
    ap.add_argument("-d", "--duration", type=int, default=15, help="seconds of publishing per phase")
    ap.add_argument("--phases", default="unlimited,fixed")
    ap.add_argument("-o", "--output", default="")
    args = ap.parse_args()
    kinds, phases = args.brokers.split(","), args.phases.split(",")
    if not all(k in ("emqxd", "mosquitto") for k in kinds) or not all(p in ("unlimited", "fixed") for p in phases):
        ap.error("-b takes emqxd and mosquitto, --phases unlimited and fixed")
    if args.filters <= 0 or args.filters % 10 or not 0 < args.subscribers <= 100000 or not 0 < args.duration <= 600:
        ap.error("-F a multiple of 10, -S 1-100000, -d 1-600")
    plan = {k: v for k, v in vars(args).items() if k != "output"}
    plan["topic"] = "rt/%%rand_%d/e/%%rand_%d" % (args.subscribers, 3 * args.filters // 2)
    run_all("routing_scale", plan, ["%s:%s" % (k, p) for k in kinds for p in phases],
            lambda label, rundir, live: one_run(label, args, rundir, live), print_run, args.output)


if __name__ == "__main__":
    main()
