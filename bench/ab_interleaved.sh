#!/usr/bin/env bash
# Two emqxd builds on one mqttload scenario, runs interleaved (A B A B ...),
# a fresh broker per run, so that drift of a shared machine falls on both.
# compare.sh runs every repeat of one broker before the next, which is fine
# for a peer broker 20x apart but cannot separate two builds a few percent
# apart in a scenario as noisy as fanout (run-to-run spread about ±30%).
#
#   bench/ab_interleaved.sh [-n RUNS] [-p PORT] [-L MQTTLOAD] BIN_A BIN_B -- MQTTLOAD_ARGS...
#   e.g. bench/ab_interleaved.sh -n 9 /tmp/old/emqxd build/emqxd -- fanout -S 500 -q 0 -s 64 -d 8
#
# Prints each run's rate (recv_rate) and broker CPU s per million received,
# then per build the mean, standard deviation and median of both, and
# Welch's t for the difference of the mean rates (|t| < 2: not shown apart).
# Loopback only; every broker is ended by its PID.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=9 port=18991 load=${MQTTLOAD:-/tmp/mqttload/mqttload}
while getopts "n:p:L:h" opt; do
    case $opt in
        n) runs=$OPTARG ;; p) port=$OPTARG ;; L) load=$OPTARG ;;
        *) sed -n '2,14p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 4 ] && [ "$3" = "--" ] || { sed -n '2,14p' "$0"; exit 2; }
bins=("$1" "$2")
shift 3
[ -x "$load" ] || { echo "no mqttload at $load (../shared/bench/build.sh builds it)" >&2; exit 2; }
. "$here/lib/broker.sh"
port_free "$port" || { echo "port $port is in use" >&2; exit 2; }
work=$(mktemp -d /tmp/ab_interleaved.XXXXXX)
trap 'broker_stop KILL; rm -rf "$work"' EXIT

for run in $(seq "$runs"); do
    for b in 0 1; do
        EMQXD=${bins[$b]}
        dir="$work/data.$run.$b"
        mkdir -p "$dir"
        broker_start "$port" "$dir"
        broker_wait_running 30
        "$load" "$@" -p "$port" --broker-pid "$BROKER_PID" --label "$b" >>"$work/results.jsonl"
        broker_stop
        rm -rf "$dir"
    done
done

python3 - "$work/results.jsonl" "${bins[@]}" <<'PY'
import json, math, statistics as st, sys
path, names = sys.argv[1], sys.argv[2:]
rate, cpu = {0: [], 1: []}, {0: [], 1: []}
for line in open(path):
    r = json.loads(line)
    b = int(r["label"])
    rate[b].append(r["recv_rate"])
    cpu[b].append(r["broker"]["cpu_pct"] / 100 / r["recv_rate"] * 1e6)
for b in (0, 1):
    print(f"{'AB'[b]} {names[b]}")
    print("  rate/s   " + " ".join(f"{x:,.0f}" for x in rate[b]))
    print(f"  rate mean {st.mean(rate[b]):,.0f} sd {st.stdev(rate[b]):,.0f} median {st.median(rate[b]):,.0f}")
    print(f"  CPU s/M  mean {st.mean(cpu[b]):.3f} sd {st.stdev(cpu[b]):.3f} median {st.median(cpu[b]):.3f}")
va, vb = (st.variance(rate[b]) / len(rate[b]) for b in (0, 1))
t = (st.mean(rate[1]) - st.mean(rate[0])) / math.sqrt(va + vb) if va + vb else 0.0
print(f"B/A mean rate {st.mean(rate[1]) / st.mean(rate[0]):.3f}, Welch t {t:+.2f}")
PY
