#!/bin/bash
# Starts emqxd in the foreground (exec: the PID compare.sh watches is the
# broker) and, once its control socket is up, an active trace:
#   bench/emqxd_with_trace.sh EMQXD_BIN client|topic TARGET
# EMQX_NODE__DATA_DIR must be set (the trace file goes there). Used by
# bench/extra_scenarios.sh to measure what a running trace costs.
set -euo pipefail
BIN=$1 KIND=$2 TARGET=$3
DIR=${EMQX_NODE__DATA_DIR:?set EMQX_NODE__DATA_DIR}
CTL=$(dirname "$BIN")/emqxctl
(
  for _ in $(seq 100); do [[ -S $DIR/emqxd.sock ]] && break; sleep 0.05; done
  "$CTL" --socket "$DIR/emqxd.sock" trace start "$KIND" "$TARGET" "$DIR/bench-trace.log" > /dev/null
) &
exec "$BIN" console
