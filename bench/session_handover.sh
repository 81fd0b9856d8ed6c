#!/usr/bin/env bash
# What a CONNECT costs when its client id's session lives on another worker,
# node.session_handover = move_connection (the socket moves to the session)
# against move_session (the session is handed over by message, as between nodes).
#
#   bench/session_handover.sh [-c CLIENTS] [-r ROUNDS] [-p PORT] [-x EMQXD_BINARY]
#
# For each mode, ROUNDS times, interleaved (A B A B ...), on a fresh broker
# (2 workers, durable store on, its default):
# 1. CLIENTS MQTT 5 persistent sessions (expiry 300 s), client k subscribed to
#    'ho/k' at QoS 1, held connected (emqx-bench sub).
# 2. takeover: CLIENTS new connections with the same client ids (Clean Start 0)
#    while the first ones are connected: each takes a live session over.
# 3. resume: once all have gone, CLIENTS connections again: each resumes an
#    offline session.
# Accepted sockets go to the workers in turn and emqx-bench's two threads
# connect in parallel, so about half the CONNECTs find their session on the
# other worker. Printed per phase: emqx-bench's connect rate and the broker's
# CPU seconds (user + system) per 1000 CONNECTs while the phase ran.
# Loopback only; every process is ended by its PID.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
clients=5000 rounds=2 port=18981 bin=
while getopts "c:r:p:x:h" opt; do
    case $opt in
        c) clients=$OPTARG ;; r) rounds=$OPTARG ;; p) port=$OPTARG ;; x) bin=$OPTARG ;;
        *) sed -n '2,21p' "$0"; exit 2 ;;
    esac
done
[ -n "$bin" ] && EMQXD=$bin
. "$here/lib/broker.sh"
BENCH=${BENCH:-$(dirname "$EMQXD")/emqx-bench}
CTL=${CTL:-$(dirname "$EMQXD")/emqxctl}
port_free "$port" || { echo "port $port is in use" >&2; exit 2; }
work=$(mktemp -d /tmp/session_handover.XXXXXX)
HOLD_PID=
cleanup() {
    [ -n "$HOLD_PID" ] && kill "$HOLD_PID" 2>/dev/null || true
    broker_stop KILL
    rm -rf "$work"
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$BROKER_PID/stat"; }
stat_of() { EMQX_NODE__DATA_DIR=$1 "$CTL" broker stats | awk -v k="$2" '$1 == k {print $3}'; }
wait_connections() {  # DATA_DIR COUNT
    local deadline=$((SECONDS + 60))
    until [ "$(stat_of "$1" connections.count)" = "$2" ]; do
        [ "$SECONDS" -lt "$deadline" ] || { echo "connections.count never reached $2" >&2; return 1; }
        sleep 0.1
    done
}
sessions() {  # emqx-bench sub with the same client ids every time; extra arguments follow
    "$BENCH" sub -p "$port" -c "$clients" -i 0 -V 5 -x 300 -C false --prefix ho -t 'ho/%i' -q 1 "$@"
}
# phase LABEL DATA_DIR: one timed run of sessions(); prints rate and CPU per 1000.
phase() {
    local before after
    before=$(cpu_ticks)
    sessions --duration 4 --json "$work/$1.json" >/dev/null 2>&1
    after=$(cpu_ticks)
    python3 - "$work/$1.json" "$before" "$after" "$clients" "$(getconf CLK_TCK)" "$1" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
before, after, n, hz = (float(x) for x in sys.argv[2:6])
c = d["connections"]
print("  %-9s connected %d/%d  connect_rate %8.0f/s  broker CPU %.3f s per 1000 CONNECTs" % (
    sys.argv[6], c["succeeded"], c["attempted"], c["connect_rate"], (after - before) / hz / n * 1000))
EOF
}

for r in $(seq "$rounds"); do
    for mode in move_connection move_session; do
        dir="$work/$mode.$r"
        mkdir -p "$dir"
        broker_start "$port" "$dir" EMQX_NODE__SESSION_HANDOVER="$mode"
        broker_wait_running 30
        echo "$mode (round $r)"
        sessions --duration 600 >/dev/null 2>&1 &
        HOLD_PID=$!
        wait_connections "$dir" "$clients"
        phase takeover "$dir"
        kill "$HOLD_PID" 2>/dev/null || true
        wait "$HOLD_PID" 2>/dev/null || true
        HOLD_PID=
        wait_connections "$dir" 0
        phase resume "$dir"
        echo "  sessions.count $(stat_of "$dir" sessions.count)"
        broker_stop TERM
    done
done
