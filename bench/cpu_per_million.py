#!/usr/bin/env python3
"""Broker CPU seconds per million delivered messages, from compare.sh's JSON.

  bench/cpu_per_million.py RESULTS.json [RESULTS.json ...]

For each run: the broker's CPU over the measured window (mqttload's
broker.cpu_pct, from /proc/PID/stat utime+stime) divided by the messages
received in that window (recv_rate). Prints the median (and range) per
scenario and broker, and the ratio of each broker's median to the first
broker's. On a shared machine this is steadier than throughput: it does not
depend on how much CPU the broker was given, only on how much it used.
Standard library only.
"""
import json
import statistics
import sys


def runs_of(path):
    with open(path) as f:
        doc = json.load(f)
    return doc["runs"] if isinstance(doc, dict) and "runs" in doc else doc


def main(paths):
    table = {}
    order = []
    for path in paths:
        for r in runs_of(path):
            res = r.get("result") or {}
            if res.get("scenario") == "conns" or not res.get("recv_rate"):
                continue
            cpu = (res.get("broker") or {}).get("cpu_pct", -1)
            if cpu is None or cpu < 0:
                continue
            per_m = cpu / 100.0 / res["recv_rate"] * 1e6
            key = r["scenario"]
            if key not in table:
                order.append(key)
            table.setdefault(key, {}).setdefault(r["broker"], []).append(per_m)
    print("%-10s %-12s %5s %14s %22s" % ("scenario", "broker", "runs", "CPU s / M msg", "range"))
    for scen in order:
        first = None
        for broker, vals in table[scen].items():
            med = statistics.median(vals)
            first = first or med
            print("%-10s %-12s %5d %14.3f %10.3f - %-9.3f x%.2f" % (scen, broker, len(vals), med, min(vals), max(vals),
                                                                      med / first))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
