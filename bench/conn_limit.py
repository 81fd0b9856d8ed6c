#!/usr/bin/env python3
"""Idle MQTT connections at the descriptor limit (and a million on paper),
emqxd beside mosquitto.

  bench/conn_limit.py [-b emqxd,mosquitto,emqxd,mosquitto] [-c COUNT] [--hold 120]
                      [-i MS] [-k 60] [--max-pending 40] [-o results.json] [--plan-only]

For each broker in -b, in turn, a fresh broker on a free loopback port:
emqx-bench conn opens COUNT MQTT 3.1.1 connections (keepalive -k, -i ms
apart, 0 = as fast as the broker accepts, with at most --max-pending
handshakes in progress per client thread), holds them --hold seconds, then
DISCONNECTs them all. Reported per run: the connect rate; the broker's RSS
and bytes per connection; its CPU while the connections sit idle (nothing
but the keepalive PINGREQs, which emqx-bench sends after half the keepalive
without traffic); the kernel's memory per socket (slab caches of a TCP
socket and its file, TCP buffers: /proc/slabinfo, /proc/net/sockstat); and
the time from the clients' DISCONNECTs until the broker has closed every
connection (its sockets back to the idle count). From each run: the RAM
of a node holding 1M and 5M such connections.

COUNT defaults to as many as the limits allow: the broker and each client
process need a descriptor per connection (RLIMIT_NOFILE; this script raises
it for its own children only, as far as the hard limit, or further when it
is privileged and fs.nr_open allows), and every 4-tuple needs an ephemeral
port (net.ipv4.ip_local_port_range): the clients spread over as many
source addresses in 127.0.0.0/8 as that takes (--ifaddr). The connections
go over several emqx-bench processes when one process's limit is too small.
System-wide settings (fs.nr_open, the port range) are read, never changed.
Loopback only; every process is started and ended by this script, by PID.
"""
import argparse
import ipaddress
import json
import math
import os
import resource
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))

import kernel_mem  # noqa: E402
from bench_client import BenchClient  # noqa: E402
from brokers import Broker, nofile_limit_for  # noqa: E402
from runs import run_all  # noqa: E402

BROKER_SPARE_FDS = 500  # the broker's own descriptors: listener, log, store files, eventfds
CLIENT_SPARE_FDS = 100
PORTS_USED_PER_ADDRESS = 0.75  # of the ephemeral range, leaving room for TIME_WAIT and other programs
FIRST_SOURCE = ipaddress.IPv4Address("127.0.0.2")
SETTLE_S = 5


def read_int_file(path):
    with open(path) as f:
        return [int(x) for x in f.read().split()]


def plan(requested):
    """How many connections the limits allow, and how to open them."""
    notes = []
    nr_open = read_int_file("/proc/sys/fs/nr_open")[0]
    port_lo, port_hi = read_int_file("/proc/sys/net/ipv4/ip_local_port_range")
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    count = requested or hard - BROKER_SPARE_FDS
    broker_nofile = nofile_limit_for(min(count + BROKER_SPARE_FDS, nr_open))
    if broker_nofile < count + BROKER_SPARE_FDS:
        notes.append("RLIMIT_NOFILE: the broker may hold %d descriptors (hard limit %d, fs.nr_open %d): "
                     "%d connections instead of %d" % (broker_nofile, hard, nr_open,
                                                       broker_nofile - BROKER_SPARE_FDS, count))
        count = broker_nofile - BROKER_SPARE_FDS
    client_nofile = nofile_limit_for(min(count + CLIENT_SPARE_FDS, nr_open))
    per_process = client_nofile - CLIENT_SPARE_FDS
    processes = math.ceil(count / per_process)
    ports = port_hi - port_lo + 1
    addresses = max(2, math.ceil(count / (ports * PORTS_USED_PER_ADDRESS)))
    last = FIRST_SOURCE + addresses - 1
    return {"count": count, "broker_nofile": broker_nofile, "client_nofile": client_nofile,
            "client_processes": processes, "per_process": per_process,
            "ephemeral_ports": ports, "source_addresses": addresses,
            "ifaddr": "%s-%s" % (FIRST_SOURCE, last), "fs_nr_open": nr_open, "hard_nofile": hard, "notes": notes}


def wait_sockets_at_most(broker, limit, timeout):
    deadline = time.monotonic() + timeout
    while broker.sockets() > limit:
        if time.monotonic() > deadline:
            raise RuntimeError("%s still has %d sockets open (idle: %d) after %.0f s"
                               % (broker.kind, broker.sockets(), limit, timeout))
        time.sleep(0.05)


def one_run(kind, p, args, workdir, live):
    n = p["count"]
    connect_budget = max(120.0, n / 500.0)
    broker = Broker(kind, p["broker_nofile"], workdir)
    live.append(broker)
    time.sleep(SETTLE_S)
    # The kernel first: listing the broker's descriptors makes /proc dentries and inodes.
    idle = {"kernel": kernel_mem.snapshot(), "rss_kb": broker.status_kb(), "sockets": broker.sockets()}
    clients = []
    for k in range(p["client_processes"]):
        share = min(p["per_process"], n - k * p["per_process"])
        c = BenchClient(["conn", "-h", "127.0.0.1", "-p", str(broker.port), "-c", str(share),
                         "-n", str(k * p["per_process"]), "-i", str(args.interval), "-k", str(args.keepalive),
                         "--max-pending", str(args.max_pending),
                         "--prefix", "cl%d" % k, "--ifaddr", p["ifaddr"],
                         "--duration", str(int(connect_budget + SETTLE_S + args.hold + 120))],
                        workdir, "conn%d" % k, p["client_nofile"])
        clients.append(c)
        live.append(c)
    ready_ms = max(c.wait_ready(connect_budget) for c in clients)
    time.sleep(SETTLE_S)
    held = {"kernel": kernel_mem.snapshot(), "rss_kb": broker.status_kb(), "sockets": broker.sockets()}
    if held["sockets"] < idle["sockets"] + n:
        raise RuntimeError("%s holds %d sockets, not the %d idle + %d connections"
                           % (kind, held["sockets"], idle["sockets"], n))
    cpu0, t0 = broker.cpu_s(), time.monotonic()
    time.sleep(args.hold)
    cpu1, t1 = broker.cpu_s(), time.monotonic()
    end_rss_kb = broker.status_kb()
    closing = time.monotonic()
    for c in clients:
        c.interrupt()
    wait_sockets_at_most(broker, idle["sockets"], 300)
    close_s = time.monotonic() - closing
    summaries = [c.finish(300) for c in clients]
    clients_exit_s = time.monotonic() - closing
    hwm_kb = broker.status_kb("VmHWM")
    broker.stop()
    succeeded = sum(s["connections"]["succeeded"] for s in summaries)
    failed = sum(s["connections"]["failed"] + s["connections"]["lost"] for s in summaries)
    kernel = kernel_mem.per_socket(idle["kernel"], held["kernel"], 2 * n)  # both ends are on this machine
    per_conn = (held["rss_kb"] - idle["rss_kb"]) * 1024 / n
    # TCP buffers of idle sockets are next to nothing; other programs' traffic can make their delta negative.
    kernel_per_socket = kernel.get("slab_total", kernel["meminfo_slab"]) + max(0.0, kernel["tcp_buffers"])
    ram = {label: (idle["rss_kb"] * 1024 + m * (per_conn + kernel_per_socket)) / 2**30
           for label, m in (("1M", 10**6), ("5M", 5 * 10**6))}
    return {"broker": kind, "connections": n, "succeeded": succeeded, "failed_or_lost": failed,
            "connect_s": ready_ms / 1000, "connect_rate": n / (ready_ms / 1000),
            "idle_rss_kb": idle["rss_kb"], "held_rss_kb": held["rss_kb"], "end_of_hold_rss_kb": end_rss_kb,
            "hwm_kb": hwm_kb, "rss_bytes_per_conn": per_conn,
            "end_of_hold_bytes_per_conn": (end_rss_kb - idle["rss_kb"]) * 1024 / n,
            "idle_cpu_s": cpu1 - cpu0, "hold_s": t1 - t0, "idle_cpu_pct": 100 * (cpu1 - cpu0) / (t1 - t0),
            "idle_cpu_us_per_conn_per_s": (cpu1 - cpu0) / (t1 - t0) / n * 1e6,
            "kernel_per_socket": kernel, "kernel_bytes_per_socket": kernel_per_socket,
            "close_s": close_s, "clients_exit_s": clients_exit_s,
            "ram_gib": ram, "client_summaries": summaries}


def print_run(r):
    k = r["kernel_per_socket"]
    caches = ", ".join("%s%s %.2f x %d" % (name, "" if c["counted_as"] == name else " (as %s)" % c["counted_as"],
                                           c["objects"], c["bytes"] / c["objects"] if c["objects"] else 0)
                       for name, c in sorted((k.get("slab_caches") or {}).items()))
    print("%-9s %d/%d connected in %.1f s (%.0f/s); RSS %.1f -> %.1f MiB: %.0f B/conn (%.0f at the end of the hold); "
          "idle CPU %.2f s in %.0f s = %.2f%% of a core, %.3f us/conn/s; kernel %.0f B/socket (objects per socket x bytes: "
          "%s; TCP buffers %.0f; slab pages %s, meminfo Slab %.0f); closed in %.2f s; RAM for 1M %.2f GiB, "
          "5M %.2f GiB" % (
              r["broker"], r["succeeded"], r["connections"], r["connect_s"], r["connect_rate"],
              r["idle_rss_kb"] / 1024, r["held_rss_kb"] / 1024, r["rss_bytes_per_conn"],
              r["end_of_hold_bytes_per_conn"], r["idle_cpu_s"], r["hold_s"], r["idle_cpu_pct"],
              r["idle_cpu_us_per_conn_per_s"], r["kernel_bytes_per_socket"], caches, k["tcp_buffers"],
              k.get("slab_pages_total"), k["meminfo_slab"], r["close_s"], r["ram_gib"]["1M"], r["ram_gib"]["5M"]), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-b", "--brokers", default="emqxd,mosquitto,emqxd,mosquitto")
    ap.add_argument("-c", "--count", type=int, default=0, help="connections (default: as many as the limits allow)")
    ap.add_argument("--hold", type=float, default=120.0, help="seconds the connections are held idle")
    ap.add_argument("-i", "--interval", type=int, default=0, help="emqx-bench -i: ms between connects")
    ap.add_argument("-k", "--keepalive", type=int, default=60)
    ap.add_argument("--max-pending", type=int, default=40,
                    help="emqx-bench --max-pending: handshakes in progress per client thread; 2 x 40 stays below "
                         "mosquitto's listen backlog of 100, so no SYN is dropped and retried")
    ap.add_argument("-o", "--output", default="", help="also write every run to this JSON file")
    ap.add_argument("--plan-only", action="store_true", help="print how COUNT would be opened here, run nothing")
    args = ap.parse_args()
    kinds = args.brokers.split(",")
    if not all(k in ("emqxd", "mosquitto") for k in kinds) or not 0 < args.hold <= 3600 or args.count < 0:
        ap.error("-b takes emqxd and mosquitto; --hold is 0-3600 s")
    p = plan(args.count)
    for note in p["notes"]:
        print("# " + note, flush=True)
    if args.plan_only:
        print(json.dumps(p, indent=1))
        return
    run_all("conn_limit", p, kinds, lambda kind, workdir, live: one_run(kind, p, args, workdir, live), print_run,
            args.output)


if __name__ == "__main__":
    main()
