#!/bin/bash
# The extra scenarios of the speed issue, emqxd against mosquitto, loopback,
# every run bounded; only the processes this script starts are stopped (by PID).
#
#   bench/extra_scenarios.sh [payload|trace|acl|retained|storm ...]   (default: all)
#
#   payload   fan-out (1 -> 500) of 1 KiB and 64 KiB payloads (compare.sh -f bench/scenarios-extra.txt)
#   trace     fanin_q0 with no trace, an active trace matching no client,
#             and a topic trace matching 1/50 of fanin's messages (emqxctl trace start)
#   acl       fanin_q0 with no ACL, an ACL file of 100 rules (cache on), and the same without the cache
#   retained  RETAINED retained topics t/0.. (default 100000), then SUBS new subscribers of t/#
#             (default 10), and 10000 subscribers of t/# over 100 retained: time to deliver all
#   storm     19500 connections opened as fast as emqx-bench can (-i 0): time to accept them all
#
# Env: N (repeats, default 3), D (seconds per compare.sh run, default 3), RESULTS (default /tmp/bench-results).
set -uo pipefail
cd "$(dirname "$0")/.."
SHARED=../shared/bench
N=${N:-3} D=${D:-3}
RESULTS=${RESULTS:-/tmp/bench-results}
mkdir -p "$RESULTS"
STAMP=$(date +%Y%m%d-%H%M%S)
BIN=$PWD/build/emqxd
BENCH=$PWD/build/emqx-bench
MOSQ="/usr/sbin/mosquitto -c $SHARED/brokers/mosquitto.conf"
ulimit -n "$(ulimit -Hn)"
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT

emqxd_cmd() {  # PORT [extra env...]: a compare.sh broker command with a fresh data dir
  local port=$1; shift
  local d; d=$(mktemp -d -p "$TMP")
  echo "env EMQX_LISTENERS__TCP__DEFAULT__BIND=127.0.0.1:$port EMQX_LISTENERS__WS__DEFAULT__ENABLE=false EMQX_DASHBOARD__LISTENERS__HTTP__BIND=0 EMQX_NODE__DATA_DIR=$d EMQX_NODE__WORKERS=2 $*"
}
compare() {  # OUT-NAME compare.sh args...
  local out=$RESULTS/extra-$1-$STAMP.json; shift
  "$SHARED/compare.sh" -n "$N" -d "$D" -o "$out" "$@" 2>/dev/null | sed -n '/side by side/,$p'
  bench/cpu_per_million.py "$out"
}

payload() {
  echo "== fan-out, 1 KiB and 64 KiB payloads"
  compare payload -f bench/scenarios-extra.txt -d 5 \
    -b mosquitto 18830 "$MOSQ" -b emqxd 18840 "$(emqxd_cmd 18840 "$BIN" console)"
}

trace() {
  echo "== cost of an active trace (emqxctl trace start)"
  compare trace -s fanin_q0 \
    -b emqxd 18840 "$(emqxd_cmd 18840 "$BIN" console)" \
    -b trace_no_match 18841 "$(emqxd_cmd 18841 bench/emqxd_with_trace.sh "$BIN" client no-such-client)" \
    -b trace_topic_1of50 18842 "$(emqxd_cmd 18842 bench/emqxd_with_trace.sh "$BIN" topic bench/in/0)"
}

acl() {
  echo "== cost of an ACL file of 100 rules on the per-message path"
  local f=$TMP/acl100.conf i
  : > "$f"
  for i in $(seq 99); do echo "{deny, {user, \"nobody$i\"}, publish, [\"other/$i/#\"]}." >> "$f"; done
  echo "{allow, all}." >> "$f"
  printf '[authorization]\nsources = [{type = "file", path = "%s"}]\n' "$f" > "$TMP/acl.toml"
  printf '[authorization]\nsources = [{type = "file", path = "%s"}]\n[authorization.cache]\nenable = false\n' "$f" > "$TMP/acl-nocache.toml"
  compare acl -s fanin_q0 \
    -b emqxd 18840 "$(emqxd_cmd 18840 "$BIN" console)" \
    -b acl100 18841 "$(emqxd_cmd 18841 "$BIN" -c "$TMP/acl.toml" console)" \
    -b acl100_nocache 18842 "$(emqxd_cmd 18842 "$BIN" -c "$TMP/acl-nocache.toml" console)"
}

port_of() { [[ $1 == mosquitto ]] && echo 18830 || echo 18850; }  # mosquitto.conf listens on 18830
start_broker() {  # NAME PORT: sets BROKER_PID
  local name=$1 port=$2
  if [[ $name == mosquitto ]]; then
    $MOSQ > "$TMP/$name.log" 2>&1 &
  else
    bash -c "exec $(emqxd_cmd "$port" "$BIN" console)" > "$TMP/$name.log" 2>&1 &
  fi
  BROKER_PID=$!
  PIDS+=("$BROKER_PID")
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0; sleep 0.1; done
  echo "$name did not start" >&2; return 1
}
stop_broker() { kill -TERM "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
cpu_s() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
bench_summary() {  # emqx-bench JSON on stdin -> one line
  python3 -c '
import json, sys
d = json.load(sys.stdin)
c, m = d["connections"], d["messages"]
rate = m.get("recv_rate") or 0
print("connected %d/%d (%.0f conn/s), received %d (retained %d) at %.0f msg/s, all delivered in %.2f s" % (
    c["succeeded"], c["attempted"], c.get("connect_rate") or 0, m["received"], m["retained"], rate,
    m["received"] / rate if rate else 0))'
}

retained_run() {  # BROKER PORT RETAINED SUBS
  local b=$1 port=$2 r=$3 s=$4 c0
  start_broker "$b" "$port" || return
  echo -n "$b: $r retained, $s subscribers of t/#: "
  python3 bench/publish_retained.py "$port" "$r" --timeout 120 | tr -d '\n'
  c0=$(cpu_s "$BROKER_PID")
  "$BENCH" sub -p "$port" -c "$s" -i 0 -t 't/#' -q 0 --duration $((20 + r * s / 200000)) --json "$TMP/sub.json" \
    > /dev/null 2> "$TMP/sub.err" &
  local sub=$!
  PIDS+=("$sub")
  # Stop the subscribers once every retained message has arrived (or the run ends by itself).
  local want=$((r * s))
  while kill -0 "$sub" 2>/dev/null; do
    got=$(grep -oE 'recv: [0-9]+' "$TMP/sub.err" | tail -1 | awk '{print $2}')
    [[ ${got:-0} -ge $want ]] && { sleep 1; kill -INT "$sub"; break; }
    sleep 0.5
  done
  wait "$sub"
  echo " -> $(bench_summary < "$TMP/sub.json"), broker CPU $(awk -v a="$c0" -v b="$(cpu_s "$BROKER_PID")" 'BEGIN{printf "%.2f", b-a}') s"
  stop_broker "$BROKER_PID"
}
retained() {
  echo "== retained delivery to new subscribers of t/#"
  for b in mosquitto emqxd; do
    retained_run "$b" "$(port_of "$b")" "${RETAINED:-100000}" "${SUBS:-10}"
    retained_run "$b" "$(port_of "$b")" 100 10000
  done
}

storm() {
  echo "== connection storm: 19500 connections, -i 0 (at most 1024 handshakes pending per load thread)"
  for b in mosquitto emqxd; do
    start_broker "$b" "$(port_of "$b")" || continue
    echo -n "$b: "
    "$BENCH" conn -p "$(port_of "$b")" -c 19500 -i 0 -k 120 --duration 30 --json "$TMP/conn.json" > /dev/null 2> "$TMP/conn.err"
    echo "$(grep -o 'all [0-9]* clients connected in [0-9]* ms' "$TMP/conn.err" | head -1); $(bench_summary < "$TMP/conn.json" | cut -d, -f1)"
    stop_broker "$BROKER_PID"
  done
}

for s in "${@:-payload trace acl retained storm}"; do
  for one in $s; do "$one"; done
done
