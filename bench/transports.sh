#!/usr/bin/env bash
# What each transport the broker listens on costs: tcp, ssl (TLS 1.3), ws and
# wss, at a fixed rate, with emqx-bench on both ends (QoS 0, 64-byte payloads).
#
#   bench/transports.sh [-d SECONDS] [-n RUNS] [-c PUBLISHERS] [-I MS] [-p BASE_PORT]
#
# Each run: a fresh broker (tcp on BASE_PORT, ssl +1, ws +2, wss +3) with a
# throw-away data dir and certificates made here with openssl; `emqx-bench sub`
# (1 client of tp/#), then `emqx-bench pub` (-c publishers, default 20, one
# message every -I ms each, default 1: 20k msg/s) for -d seconds (default 5).
# Prints per transport the messages received of those sent, the latency
# p50/p99 and the broker's CPU seconds per million messages; medians of -n runs (3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/broker.sh"
BENCH=${BENCH:-$(dirname "$EMQXD")/emqx-bench}
secs=5 runs=3 port=18990 pubs=20 interval=1
while getopts "d:n:c:I:p:h" opt; do
    case $opt in
        d) secs=$OPTARG ;; n) runs=$OPTARG ;; c) pubs=$OPTARG ;; I) interval=$OPTARG ;; p) port=$OPTARG ;;
        *) sed -n '2,12p' "$0"; exit 2 ;;
    esac
done
for p in "$port" $((port + 1)) $((port + 2)) $((port + 3)); do
    port_free "$p" || { echo "port $p is in use" >&2; exit 2; }
done
work=$(mktemp -d /tmp/transports.XXXXXX)
sub_pid=
cleanup() {
    [ -n "$sub_pid" ] && kill "$sub_pid" 2>/dev/null || true
    broker_stop KILL
    rm -rf "$work"
}
trap cleanup EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/ca.key" \
    -out "$work/ca.pem" -days 2 -subj /CN=bench-ca 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/server.key" \
    -out "$work/server.csr" -subj /CN=server 2>/dev/null
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial \
    -out "$work/server.pem" -days 2 -extfile <(echo subjectAltName=IP:127.0.0.1) 2>/dev/null

cpu_s() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }

echo "# $(date -u +%FT%TZ) $(git -C "$here" rev-parse --short HEAD 2>/dev/null) load $(cut -d' ' -f1-3 /proc/loadavg)"
for transport in tcp tls ws wss; do
    case $transport in
        tcp) flags=(-p "$port") ;;
        tls) flags=(-S --cacertfile "$work/ca.pem" -p $((port + 1))) ;;
        ws) flags=(--ws -p $((port + 2))) ;;
        wss) flags=(-S --ws --cacertfile "$work/ca.pem" -p $((port + 3))) ;;
    esac
    results=()
    for run in $(seq "$runs"); do
        data="$work/data.$transport.$run"
        mkdir -p "$data"
        broker_start "$port" "$data" \
            EMQX_LISTENERS__SSL__DEFAULT__ENABLE=true EMQX_LISTENERS__SSL__DEFAULT__BIND=127.0.0.1:$((port + 1)) \
            EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__CERTFILE="$work/server.pem" \
            EMQX_LISTENERS__SSL__DEFAULT__SSL_OPTIONS__KEYFILE="$work/server.key" \
            EMQX_LISTENERS__WS__DEFAULT__ENABLE=true EMQX_LISTENERS__WS__DEFAULT__BIND=127.0.0.1:$((port + 2)) \
            EMQX_LISTENERS__WSS__DEFAULT__ENABLE=true EMQX_LISTENERS__WSS__DEFAULT__BIND=127.0.0.1:$((port + 3)) \
            EMQX_LISTENERS__WSS__DEFAULT__SSL_OPTIONS__CERTFILE="$work/server.pem" \
            EMQX_LISTENERS__WSS__DEFAULT__SSL_OPTIONS__KEYFILE="$work/server.key"
        broker_wait_running 30
        "$BENCH" sub "${flags[@]}" -c 1 -t 'tp/#' --duration $((secs + 20)) --json "$work/sub.json" \
            >/dev/null 2>"$work/sub.err" &
        sub_pid=$!
        deadline=$((SECONDS + 10))
        until grep -q "subscribed in" "$work/sub.err"; do
            [ "$SECONDS" -lt "$deadline" ] || { echo "$transport: subscriber not ready" >&2; cat "$work/sub.err" >&2; exit 1; }
            sleep 0.05
        done
        cpu_before=$(cpu_s "$BROKER_PID")
        "$BENCH" pub "${flags[@]}" -c "$pubs" -I "$interval" -s 64 -t 'tp/%i' --duration "$secs" \
            --json "$work/pub.json" >/dev/null 2>"$work/pub.err"
        cpu_after=$(cpu_s "$BROKER_PID")
        kill -INT "$sub_pid"
        wait "$sub_pid" || true
        sub_pid=
        broker_stop TERM
        results+=("$(python3 - "$work/sub.json" "$work/pub.json" "$cpu_before" "$cpu_after" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
sent = json.load(open(sys.argv[2]))["messages"]["sent"]
m, lat = s["messages"], s["latency_us"]
cpu = float(sys.argv[4]) - float(sys.argv[3])
print("%d %d %s %s %.3f" % (m["received"], sent, lat["p50"], lat["p99"], cpu / max(m["received"], 1) * 1e6))
PY
)")
    done
    python3 - "$transport" "${results[@]}" <<'PY'
import statistics, sys
rows = [r.split() for r in sys.argv[2:]]
med = lambda i, f=float: statistics.median(f(r[i]) for r in rows)
print("%-4s received %9.0f of %9.0f sent  latency p50 %6.0f us p99 %7.0f us  broker CPU %.2f s/M msgs" % (
    sys.argv[1], med(0), med(1), med(2), med(3), med(4)))
PY
done
