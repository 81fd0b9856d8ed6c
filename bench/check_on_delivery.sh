#!/usr/bin/env bash
# What authorization.check_on_delivery costs per message: the same ACL file
# ({deny, all, subscribe, ["secret/#"]}. {allow, all}.), emqxd with the
# check off (EMQX's default: the filter is checked at SUBSCRIBE) and on (every
# message checked for its receiver, through the connection's authz cache), side
# by side with mosquitto, which checks read access per message whenever it has
# an acl_file (here the same rules in its syntax).
#
#   bench/check_on_delivery.sh [-n RUNS] [-d SECONDS] [-s SCENARIOS] [-p BASE_PORT]
#
# Runs ../shared/bench/compare.sh (fresh broker per run, broker CPU from
# /proc); prints its table. Defaults: -n 3 -d 8 -s fanout,pairs,fanin_q0,
# ports BASE_PORT (mosquitto), +1 (emqxd, check off), +2 (emqxd, check on).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
compare=${COMPARE:-$root/../shared/bench/compare.sh}
emqxd=${EMQXD:-$root/build/emqxd}
runs=3 secs=8 scenarios=fanout,pairs,fanin_q0 port=18870
while getopts "n:d:s:p:h" opt; do
    case $opt in
        n) runs=$OPTARG ;; d) secs=$OPTARG ;; s) scenarios=$OPTARG ;; p) port=$OPTARG ;;
        *) sed -n '2,13p' "$0"; exit 2 ;;
    esac
done
work=$(mktemp -d /tmp/check_on_delivery.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # mosquitto drops to its own user before it reads the acl_file
printf '{deny, all, subscribe, ["secret/#"]}.\n{allow, all}.\n' >"$work/acl.conf"
printf 'topic deny secret/#\ntopic readwrite #\n' >"$work/mosquitto.acl"
printf 'listener %d 127.0.0.1\nallow_anonymous true\npersistence false\nacl_file %s\n' \
    "$port" "$work/mosquitto.acl" >"$work/mosquitto.conf"
for check in false true; do
    printf '[authorization]\nsources = [{type = "file", path = "%s"}]\ncheck_on_delivery = %s\n' \
        "$work/acl.conf" "$check" >"$work/emqx-$check.toml"
done
emqxd_cmd() {  # PORT CHECK
    echo "env EMQX_LISTENERS__TCP__DEFAULT__BIND=127.0.0.1:$1 EMQX_LISTENERS__WS__DEFAULT__ENABLE=false EMQX_DASHBOARD__LISTENERS__HTTP__BIND=0" \
        "EMQX_NODE__DATA_DIR=$(mktemp -d "$work/data.XXXXXX") EMQX_NODE__WORKERS=2 EMQX_DURABLE__ENABLE=false" \
        "$emqxd console -c $work/emqx-$2.toml"
}
"$compare" -n "$runs" -d "$secs" -s "$scenarios" \
    -b mosquitto "$port" "/usr/sbin/mosquitto -c $work/mosquitto.conf" \
    -b emqxd-check-off $((port + 1)) "$(emqxd_cmd $((port + 1)) false)" \
    -b emqxd-check-on $((port + 2)) "$(emqxd_cmd $((port + 2)) true)"
