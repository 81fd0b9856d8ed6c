#!/usr/bin/env bash
# QoS 1 fan-in to ONE persistent subscriber: memory only vs the durable store.
#
#   bench/durable_fanin.sh [-n RUNS] [-d SECONDS] [-P PUBLISHERS] [-R RATE] [-m "MODES"] [-p PORT] [-o DIR]
#                          [-e "VAR=VALUE ..."]   (extra broker environment, every mode)
#
# Modes (run side by side, interleaved, a fresh broker and data dir per run):
#   memory  durable.enable = false
#   batch   durable, fsync = batch (group commit, the default)
#   always  durable, fsync = always
# Each run: emqx-bench sub (1 client, 3.1.1 Clean Session 0, QoS 1, 'fanin/#'),
# then emqx-bench pub (-P publishers, QoS 1, 64-byte payloads, 'fanin/%i') for
# -d seconds, as fast as the in-flight window allows (-R 0) or at a fixed total
# rate of -R msg/s. Prints per-run lines and a table of medians; the JSON of
# every run stays in -o DIR. Loopback only; every process ends by itself or is
# ended by its PID.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/broker.sh"
BENCH=${BENCH:-$(dirname "$EMQXD")/emqx-bench}

runs=3 duration=10 pubs=50 rate=0 modes="memory batch always" port=18961 out= extra=
while getopts "n:d:P:R:m:p:o:e:h" opt; do
    case $opt in
        n) runs=$OPTARG ;; d) duration=$OPTARG ;; P) pubs=$OPTARG ;; R) rate=$OPTARG ;;
        m) modes=$OPTARG ;; p) port=$OPTARG ;; o) out=$OPTARG ;; e) extra=$OPTARG ;;
        *) sed -n '2,16p' "$0"; exit 2 ;;
    esac
done
[ "$duration" -ge 1 ] && [ "$duration" -le 300 ] || { echo "-d: 1..300 s" >&2; exit 2; }
[ "$runs" -ge 1 ] && [ "$runs" -le 20 ] || { echo "-n: 1..20" >&2; exit 2; }
port_free "$port" || { echo "port $port is in use" >&2; exit 2; }
out=${out:-$(mktemp -d /tmp/durable_fanin.XXXXXX)}
mkdir -p "$out"
interval=0
if [ "$rate" -gt 0 ]; then
    interval=$((1000 * pubs / rate))  # ms between two publishes of one client
    [ "$interval" -ge 1 ] || { echo "-R: at most 1000 x -P msg/s" >&2; exit 2; }
    [ $((1000 * pubs)) -eq $((interval * rate)) ] || echo "note: -I is in whole ms: offered rate $((1000 * pubs / interval)) msg/s" >&2
fi

SUB_PID=
cleanup() {
    [ -n "$SUB_PID" ] && kill "$SUB_PID" 2>/dev/null || true
    broker_stop KILL
}
trap cleanup EXIT

mode_env() {
    case $1 in
        memory) echo EMQX_DURABLE__ENABLE=false ;;
        batch) echo EMQX_DURABLE__ENABLE=true EMQX_DURABLE__FSYNC=batch ;;
        always) echo EMQX_DURABLE__ENABLE=true EMQX_DURABLE__FSYNC=always ;;
        never) echo EMQX_DURABLE__ENABLE=true EMQX_DURABLE__FSYNC=never ;;
        *) echo "unknown mode $1" >&2; exit 2 ;;
    esac
}

echo "# $(date -u +%FT%TZ) $(git -C "$here" rev-parse --short HEAD 2>/dev/null) load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "# $pubs publishers, rate ${rate:-0} (0 = unlimited, interval ${interval} ms), ${duration} s, runs $runs; JSON in $out" >&2
for run in $(seq "$runs"); do
    for mode in $modes; do
        tag="$mode.$run"
        data=$(mktemp -d "/tmp/durable_fanin.data.XXXXXX")
        # shellcheck disable=SC2046
        broker_start "$port" "$data" $(mode_env "$mode") $extra
        broker_wait_running 30
        "$BENCH" sub -p "$port" -c 1 -q 1 -C false -t 'fanin/#' --prefix "df$run" \
            --duration $((duration + 30)) --json "$out/$tag.sub.json" >/dev/null 2>"$out/$tag.sub.err" &
        SUB_PID=$!
        for _ in $(seq 100); do grep -q "connected and subscribed" "$out/$tag.sub.err" && break; sleep 0.1; done
        "$BENCH" pub -p "$port" -c "$pubs" -i 0 -q 1 -I "$interval" -s 64 -t 'fanin/%i' --prefix "df$run" \
            --duration "$duration" --json "$out/$tag.pub.json" >/dev/null 2>"$out/$tag.pub.err" || true
        rss=$(broker_rss_kb VmHWM)
        # The subscriber stops once it has everything that was acknowledged (or 10 s later).
        acked=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["messages"]["acked"])' "$out/$tag.pub.json")
        for _ in $(seq 100); do
            got=$(grep -o 'recv: [0-9]*' "$out/$tag.sub.err" | tail -1 | cut -d' ' -f2)
            [ "${got:-0}" -ge "$acked" ] && break
            sleep 0.1
        done
        kill -INT "$SUB_PID"; wait "$SUB_PID" || true; SUB_PID=
        # Messages the broker dropped because the subscriber's queue (mqtt.max_mqueue_len) was full.
        dropped=$("$(dirname "$EMQXD")/emqxctl" --socket "$data/emqxd.sock" broker metrics |
            awk -F: '$1 ~ /^delivery.dropped.queue_full/ {gsub(/ /, "", $2); print $2}')
        broker_stop TERM
        echo "{\"mode\": \"$mode\", \"run\": $run, \"broker_hwm_kb\": $rss, \"dropped_queue_full\": ${dropped:-null}}" \
            >"$out/$tag.meta.json"
        rm -rf "$data"
        python3 "$here/lib/fanin_summary.py" --line "$out" "$tag" >&2
    done
done
python3 "$here/lib/fanin_summary.py" "$out" $modes
