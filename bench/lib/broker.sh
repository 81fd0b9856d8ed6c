# Shared by the bench/*.sh scripts: one emqxd on a loopback port with a
# throw-away data dir, started, waited for, measured and stopped by its PID.
# Source it; it expects EMQXD (the binary) and sets BROKER_PID / BROKER_LOG.

EMQXD=${EMQXD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/emqxd}
BROKER_PID=
BROKER_LOG=

# broker_start PORT DATA_DIR [VAR=VALUE ...]: starts emqxd console in the
# background (output in DATA_DIR/broker.<n>.log); the extra settings are
# EMQX_* environment variables.
broker_start() {
    local port=$1 dir=$2
    shift 2
    local n=1
    while [ -e "$dir/broker.$n.log" ]; do n=$((n + 1)); done
    BROKER_LOG="$dir/broker.$n.log"
    env EMQX_LISTENERS__TCP__DEFAULT__BIND=127.0.0.1:"$port" \
        EMQX_LISTENERS__WS__DEFAULT__ENABLE=false EMQX_DASHBOARD__LISTENERS__HTTP__BIND=0 \
        EMQX_NODE__DATA_DIR="$dir" EMQX_NODE__WORKERS=2 \
        "$@" "$EMQXD" console >"$BROKER_LOG" 2>&1 </dev/null &
    BROKER_PID=$!
}

# broker_wait_running SECONDS: waits for "is running now!"; fails if the broker
# exited or the time ran out.
broker_wait_running() {
    local deadline=$((SECONDS + $1))
    until grep -q "is running now!" "$BROKER_LOG" 2>/dev/null; do
        if ! kill -0 "$BROKER_PID" 2>/dev/null; then
            echo "emqxd exited while starting:" >&2
            tail -20 "$BROKER_LOG" >&2
            return 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            echo "emqxd not running after $1 s" >&2
            return 1
        fi
        sleep 0.05
    done
}

# broker_rss_kb [FIELD]: VmRSS (or VmHWM, ...) of the broker in kB.
broker_rss_kb() {
    awk -v f="${1:-VmRSS}:" '$1 == f {print $2}' "/proc/$BROKER_PID/status"
}

# broker_stop [SIGNAL]: TERM (graceful, waits up to 120 s, then KILL) or KILL.
broker_stop() {
    local sig=${1:-TERM}
    [ -n "$BROKER_PID" ] || return 0
    kill -"$sig" "$BROKER_PID" 2>/dev/null || true
    local i
    for i in $(seq 1200); do
        kill -0 "$BROKER_PID" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$BROKER_PID" 2>/dev/null; then
        echo "emqxd $BROKER_PID did not stop on SIG$sig within 120 s: killing it" >&2
        kill -KILL "$BROKER_PID" 2>/dev/null
    fi
    wait "$BROKER_PID" 2>/dev/null || true
    BROKER_PID=
}

# port_free PORT: true when nothing listens on 127.0.0.1:PORT.
port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
