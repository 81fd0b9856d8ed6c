#!/usr/bin/env bash
# Idle broker RSS with the durable store on and off.
#
#   bench/idle_rss.sh [-n RUNS] [-w SECONDS] [-p PORT]
#
# Each run: a fresh data dir, emqxd with no client, VmRSS read from
# /proc/<pid>/status -w seconds (default 2) after "is running now!", then
# SIGTERM. Prints every figure and the median per mode, in MiB.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/broker.sh"
runs=3 wait_s=2 port=18981
while getopts "n:w:p:h" opt; do
    case $opt in
        n) runs=$OPTARG ;; w) wait_s=$OPTARG ;; p) port=$OPTARG ;;
        *) sed -n '2,8p' "$0"; exit 2 ;;
    esac
done
port_free "$port" || { echo "port $port is in use" >&2; exit 2; }
trap 'broker_stop KILL' EXIT
echo "# $(date -u +%FT%TZ) $(git -C "$here" rev-parse --short HEAD 2>/dev/null) load $(cut -d' ' -f1-3 /proc/loadavg)"
for durable in false true; do
    figures=()
    for _ in $(seq "$runs"); do
        data=$(mktemp -d /tmp/idle_rss.XXXXXX)
        broker_start "$port" "$data" EMQX_DURABLE__ENABLE="$durable"
        broker_wait_running 30
        sleep "$wait_s"
        figures+=("$(broker_rss_kb)")
        broker_stop TERM
        rm -rf "$data"
    done
    python3 - "$durable" "${figures[@]}" <<'PY'
import statistics, sys
kb = [int(x) for x in sys.argv[2:]]
print("durable.enable = %-5s idle VmRSS MiB: %s  median %.1f" % (
    sys.argv[1], " ".join("%.1f" % (k / 1024) for k in kb), statistics.median(kb) / 1024))
PY
done
