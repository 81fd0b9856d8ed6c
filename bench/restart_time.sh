#!/usr/bin/env bash
# Restart time with many persistent sessions and queued messages.
#
#   bench/restart_time.sh [-s SESSIONS] [-m MESSAGES_PER_SESSION] [-b BATCH] [-p PORT] [-o DIR]
#                         [-x "EMQXD_BINARY ..."] [-r ROUNDS]
#
# 1. A fresh broker (temp data dir, durable store, fsync = batch).
# 2. SESSIONS persistent sessions (3.1.1 Clean Session 0), session k subscribed
#    to 'rt/k' at QoS 1, then disconnected: emqx-bench sub, BATCH clients at a time.
# 3. MESSAGES_PER_SESSION QoS 1 messages (64 bytes) to every 'rt/k': emqx-bench
#    pub, BATCH publishers at a time, each publishing to its own 'rt/k'; every
#    message is journaled for its offline session.
# 4. kill -9, and a copy of the data dir as the crash left it.
# 5. For each binary of -x (default: build/emqxd), ROUNDS times, interleaved,
#    on a fresh copy of that data dir: start (the crash path): time to "is
#    running now!" and to the first accepted TCP connection, RSS, store size;
#    SIGTERM (stop time); start again (the graceful path): the same figures.
# 6. One session reconnects and must get its MESSAGES_PER_SESSION messages.
# Loopback only; every process is ended by its PID; the data dir is removed at
# the end unless -o names one to keep.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/broker.sh"
BENCH=${BENCH:-$(dirname "$EMQXD")/emqx-bench}

sessions=100000 per=10 batch=10000 port=18971 keep= bins= rounds=1
while getopts "s:m:b:p:o:x:r:h" opt; do
    case $opt in
        s) sessions=$OPTARG ;; m) per=$OPTARG ;; b) batch=$OPTARG ;; p) port=$OPTARG ;; o) keep=$OPTARG ;;
        x) bins=$OPTARG ;; r) rounds=$OPTARG ;;
        *) sed -n '2,21p' "$0"; exit 2 ;;
    esac
done
[ "$batch" -le 15000 ] || { echo "-b: at most 15000 (ulimit -n, ephemeral ports)" >&2; exit 2; }
[ $((sessions % batch)) -eq 0 ] || { echo "-s must be a multiple of -b" >&2; exit 2; }
port_free "$port" || { echo "port $port is in use" >&2; exit 2; }
data=${keep:-$(mktemp -d /tmp/restart_time.XXXXXX)}
mkdir -p "$data"
work="$data/bench"
mkdir -p "$work"
store() { echo "$data"/*/rocksdb; }
# store size: blocks on disk (RocksDB preallocates its WAL) / apparent size, MB
store_mb() { echo "$(du -sm "$(store)" | cut -f1)/$(du -sm --apparent-size "$(store)" | cut -f1)"; }
BG_PID=
cleanup() {
    [ -n "$BG_PID" ] && kill "$BG_PID" 2>/dev/null || true
    broker_stop KILL
    [ -n "$keep" ] || rm -rf "$data"
    rm -rf "$data.crashed"
}
trap cleanup EXIT
ENV=(EMQX_DURABLE__ENABLE=true EMQX_DURABLE__FSYNC=batch EMQX_LOG__FILE__LEVEL=info)
now() { date +%s.%N; }
since() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$(now)"; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {'d': d}))" "$@"; }

# timed_start LABEL: starts the broker on the data dir; prints the time to
# "is running now!" and to the first accepted connection, the loaded counts,
# and the RSS 2 s later.
timed_start() {
    local t0 running accept
    t0=$(now)
    broker_start "$port" "$data" "${ENV[@]}"
    local deadline=$((SECONDS + 600))
    until grep -q "is running now!" "$BROKER_LOG"; do
        kill -0 "$BROKER_PID" 2>/dev/null || { tail -20 "$BROKER_LOG" >&2; exit 1; }
        [ "$SECONDS" -lt "$deadline" ] || { echo "not running after 600 s" >&2; exit 1; }
        sleep 0.01
    done
    running=$(since "$t0")
    # CPU seconds (all threads) the start took: less noisy than wall time on a shared machine.
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$BROKER_PID/stat")
    until ! port_free "$port"; do sleep 0.01; done
    accept=$(since "$t0")
    sleep 2
    echo "$1: running after ${running} s (CPU ${cpu} s), accepting after ${accept} s;" \
        "$(grep -h '^Loaded' "$BROKER_LOG" | tr '\n' ';')" \
        "RSS $(($(broker_rss_kb) / 1024)) MB (peak $(($(broker_rss_kb VmHWM) / 1024)) MB), store $(store_mb) MB (on disk/apparent)"
}

echo "# $(date -u +%FT%TZ) $(git -C "$here" rev-parse --short HEAD 2>/dev/null) load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $sessions sessions x $per messages, batches of $batch; data in $data"
broker_start "$port" "$data" "${ENV[@]}"
broker_wait_running 60
t0=$(now)
for off in $(seq 0 "$batch" $((sessions - batch))); do
    err="$work/sub.$off.err"
    "$BENCH" sub -p "$port" -c "$batch" -n "$off" -i 0 -q 1 -C false -t 'rt/%i' --prefix rt \
        --duration 120 --json "$work/sub.$off.json" >/dev/null 2>"$err" &
    BG_PID=$!
    for _ in $(seq 1200); do
        grep -qs "connected and subscribed" "$err" && break
        kill -0 "$BG_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -INT "$BG_PID" 2>/dev/null || true
    wait "$BG_PID" || true
    BG_PID=
    ok=$(json "$work/sub.$off.json" 'd["connections"]["succeeded"]')
    [ "$ok" -eq "$batch" ] || { echo "sessions $off..: only $ok of $batch subscribed" >&2; tail -5 "$err" >&2; exit 1; }
done
echo "sessions: $sessions created in $(since "$t0") s"
t1=$(now)
for off in $(seq 0 "$batch" $((sessions - batch))); do
    "$BENCH" pub -p "$port" -c "$batch" -n "$off" -i 0 -q 1 -I 0 -L $((batch * per)) -s 64 -t 'rt/%i' --prefix rtp \
        --duration 300 --json "$work/pub.$off.json" >/dev/null 2>"$work/pub.$off.err" || true
    acked=$(json "$work/pub.$off.json" 'd["messages"]["acked"] - d["messages"]["rejected"]')
    [ "$acked" -eq $((batch * per)) ] || { echo "publishers $off..: $acked of $((batch * per)) acked" >&2; exit 1; }
done
echo "messages: $((sessions * per)) queued in $(since "$t1") s; broker RSS $(($(broker_rss_kb) / 1024)) MB," \
    "store $(store_mb) MB (on disk/apparent)"

broker_stop KILL
crashed="$data.crashed"
rm -rf "$crashed"
cp -a "$data" "$crashed"
gen_bin=$EMQXD
for round in $(seq "$rounds"); do
    for bin in ${bins:-$gen_bin}; do
        EMQXD=$bin
        rm -rf "$data"
        cp -a "$crashed" "$data"
        echo "== round $round, $bin"
        timed_start "after kill -9"
        t2=$(now)
        broker_stop TERM
        echo "graceful stop: $(since "$t2") s, store $(store_mb) MB (on disk/apparent)"
        timed_start "after SIGTERM"
        # One session back: it must get its messages.
        "$BENCH" sub -p "$port" -c 1 -n 0 -q 1 -C false -t 'rt/%i' --prefix rt --duration 3 \
            --json "$work/check.json" >/dev/null 2>"$work/check.err" || true
        got=$(json "$work/check.json" 'd["messages"]["received"]')
        echo "session rt_sub_1 reconnected: received $got of $per queued messages"
        broker_stop TERM
        [ "$got" -eq "$per" ]
    done
done
rm -rf "$crashed"
