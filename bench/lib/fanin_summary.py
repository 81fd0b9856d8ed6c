#!/usr/bin/env python3
"""Summarizes bench/durable_fanin.sh runs: one line per run (--line DIR TAG),
or a table of medians per mode (DIR MODE...). Reads DIR/<mode>.<run>.{pub,sub,meta}.json."""
import glob
import json
import os
import statistics
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def figures(d, tag):
    pub = load(os.path.join(d, tag + ".pub.json"))
    sub = load(os.path.join(d, tag + ".sub.json"))
    meta = load(os.path.join(d, tag + ".meta.json"))
    ack = pub.get("ack_latency_us") or {}
    lat = sub["latency_us"]
    return {
        "sent": pub["messages"]["sent"],
        "acked": pub["messages"]["acked"],
        "received": sub["messages"]["received"],
        "recv_rate": sub["messages"]["recv_rate"],
        "ack_p50": ack.get("p50"),
        "ack_p99": ack.get("p99"),
        "e2e_p50": lat["p50"],
        "e2e_p99": lat["p99"],
        "hwm_mb": meta["broker_hwm_kb"] / 1024.0,
        "dropped": meta.get("dropped_queue_full"),
    }


COLS = [("recv msg/s", "recv_rate", "{:,.0f}"), ("ack p50 ms", "ack_p50", "{:.2f}"), ("ack p99 ms", "ack_p99", "{:.2f}"),
        ("e2e p50 ms", "e2e_p50", "{:.2f}"), ("e2e p99 ms", "e2e_p99", "{:.2f}"), ("broker peak RSS MB", "hwm_mb", "{:.1f}")]


def fmt(key, spec, v):
    if v is None:
        return "-"
    if key.startswith(("ack", "e2e")):
        v = v / 1000.0  # µs -> ms
    return spec.format(v)


def line(d, tag):
    f = figures(d, tag)
    lost = f["acked"] - f["received"]
    parts = ["%-10s" % tag] + ["%s %s" % (name, fmt(k, s, f[k])) for name, k, s in COLS]
    parts.append("acked %d received %d%s" % (f["acked"], f["received"], " (not received %d)" % lost if lost > 0 else ""))
    if f["dropped"] is not None:
        parts.append("dropped (subscriber queue full) %d" % f["dropped"])
    print("  ".join(parts))


def table(d, modes):
    rows = {}
    for mode in modes:
        runs = [figures(d, os.path.basename(p)[: -len(".meta.json")])
                for p in sorted(glob.glob(os.path.join(d, mode + ".*.meta.json")))]
        if runs:
            rows[mode] = {k: statistics.median([r[k] for r in runs if r[k] is not None] or [0]) for _, k, _ in COLS}
            rows[mode]["n"] = len(runs)
    base = rows.get("memory", {}).get("recv_rate")
    print("| mode | runs | " + " | ".join(n for n, _, _ in COLS) + (" | vs memory |" if base else " |"))
    print("|---" * (len(COLS) + 2 + (1 if base else 0)) + "|")
    for mode, r in rows.items():
        cells = [mode, str(r["n"])] + [fmt(k, s, r[k]) for _, k, s in COLS]
        if base:
            cells.append("%.0f%%" % (100.0 * r["recv_rate"] / base))
        print("| " + " | ".join(cells) + " |")
    print("(medians; latencies in ms: ack = publisher's PUBLISH to PUBACK, e2e = publisher to subscriber)")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--line":
        line(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3:
        table(sys.argv[1], sys.argv[2:])
    else:
        sys.exit(__doc__)
