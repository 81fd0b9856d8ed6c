#!/bin/bash
# Profiles emqxd under one mqttload scenario with `perf record -g` and prints
# the top of the report (self and children, per symbol).
#
#   bench/profile_scenario.sh SCENARIO [EMQXD_BINARY] [SECONDS]
#   SCENARIO: fanin_q0 | fanin_q1 | fanout | pairs (the unlimited rows of
#   ../shared/bench/scenarios.txt)
#
# Starts its own broker on 127.0.0.1:18850 (2 workers, throw-away data dir),
# records the broker for the measured window only, stops what it started (by
# PID). Output: /tmp/emqxd-profile-SCENARIO.{data,txt}. Loopback only; bounded.
set -euo pipefail
SCEN=${1:?scenario}
BIN=${2:-build/emqxd}
SECS=${3:-5}
LOAD=${MQTTLOAD:-/tmp/mqttload/mqttload}
PORT=18850
case $SCEN in
  fanin_q0) ARGS="fanin -P 50 -q 0 -s 64 -r 0" ;;
  fanin_q1) ARGS="fanin -P 50 -q 1 -s 64 -r 0 -i 64" ;;
  fanout)   ARGS="fanout -S 500 -q 0 -s 64 -r 0" ;;
  pairs)    ARGS="pairs -N 500 -q 0 -s 64 -r 0" ;;
  *) echo "unknown scenario $SCEN" >&2; exit 2 ;;
esac
[[ -x $LOAD ]] || { echo "no $LOAD: run ../shared/bench/build.sh" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)"
DATA=$(mktemp -d)
OUT=/tmp/emqxd-profile-$SCEN
EMQX_LISTENERS__TCP__DEFAULT__BIND=127.0.0.1:$PORT EMQX_LISTENERS__WS__DEFAULT__ENABLE=false EMQX_DASHBOARD__LISTENERS__HTTP__BIND=0 \
  EMQX_NODE__DATA_DIR=$DATA EMQX_NODE__WORKERS=2 "$BIN" console > "$OUT.broker.log" 2>&1 &
BROKER=$!
PERF=""
cleanup() {
  [[ -n $PERF ]] && kill -INT "$PERF" 2>/dev/null || true
  kill -TERM "$BROKER" 2>/dev/null || true
  wait "$BROKER" 2>/dev/null || true
  rm -rf "$DATA"
}
trap cleanup EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
# The load runs setup + 1 s warm-up + the window; perf starts after setup.
timeout 120 "$LOAD" $ARGS -d $((SECS + 2)) -h 127.0.0.1 -p $PORT --broker-pid "$BROKER" > "$OUT.load.json" &
LOADPID=$!
sleep 3
perf record ${PERF_CALLGRAPH:--g} -F 999 -p "$BROKER" -o "$OUT.data" -- sleep "$SECS" 2> /dev/null
wait "$LOADPID" || true
perf report -i "$OUT.data" --no-children --percent-limit 0.7 --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' > "$OUT.txt"
head -45 "$OUT.txt"
echo "load: $(cat "$OUT.load.json")" | cut -c1-400
