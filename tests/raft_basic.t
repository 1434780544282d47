#!/usr/bin/env bash
# raft_basic.t -- bin/node-raft's command line and start-up, without a lab:
# exit statuses, the memory-only warning, a data directory that cannot be
# opened, a torn log tail cut off at start, a clean stop on SIGTERM.
# (Replication, elections, crashes and faults are tested end to end by
# tests/bin/node_raft_cluster.t and the chaos_raft_* tests.)
. "$(dirname "$0")/lib.sh" raft-basic
pid=
at_exit '[ -n "$pid" ] && kill -9 $pid 2>/dev/null'
plan 13
node=bin/node-raft
net="ipc://$tmp/net"            # nobody binds it: a node runs without its proxy

# Start a node in the background with stderr to $tmp/$1.log; wait (2 s at
# most) for a line matching $2 in that log.
start () {
    local name=$1 pattern=$2; shift 2
    #  No `timeout` wrapper: it re-sends a SIGTERM to its process group,
    #  which would hit the node again after node_run restored the default.
    $node --id n1 --connect "$net" "$@" >"$tmp/$name.out" 2>"$tmp/$name.log" &
    pid=$!
    wait_step=0.05 wait_for 2 grep -q "$pattern" "$tmp/$name.log"
}
# The node logs its state before node_run installs the SIGTERM handler: a
# stop waits until the process catches SIGTERM (bit 15 of SigCgt in
# /proc/PID/status), so that it is a clean stop, not the default's 143.
catches_term () {
    local mask
    mask=$(awk '/^SigCgt:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || return 1
    [ -n "$mask" ] && (( 0x$mask & (1 << 14) ))
}
stop () {
    wait_step=0.01 wait_for 2 catches_term
    kill -TERM $pid; wait $pid; local rc=$?; pid=; return $rc
}

[ -x $node ] || fail_rest "$node is missing: run make lab"

check_exit 64 "a bad --param exits 64" stderr_of $node --id n1 --connect "$net" --param heartbeat_ms=soon
check_output "heartbeat_ms='soon'" "the message names the param and its value"

check_exit 64 "noop neither true nor false exits 64" stderr_of $node --id n1 --connect "$net" --param noop=off
check_output "bad --param noop='off': want true or false" "the message names the param, its value and what it takes"
check_exit 64 "prevote neither true nor false exits 64" stderr_of $node --id n1 --connect "$net" --param prevote=1
check_exit 64 "election_min_ms above election_max_ms exits 64" \
    $node --id n1 --connect "$net" --param election_min_ms=500 --param election_max_ms=100

check_exit 70 "a data directory that cannot be created exits 70" \
    stderr_of $node --id n1 --connect "$net" --data /proc/no/such/dir
check_output "/proc/no/such/dir" "the message names the directory"

check "without --data the node says its state is in memory only" start memory "in memory only"
check "SIGTERM stops the node with exit 0" stop

mkdir -p "$tmp/torn"
printf 'not a record' > "$tmp/torn/raft.log"
check "a torn log tail is cut off at start, and the node says so" start torn "cut 12 bytes" --data "$tmp/torn"
stop >/dev/null
check "the cut is made on disk" [ "$(stat -c %s "$tmp/torn/raft.log")" = 0 ]

check "with --data the node reports the state it loaded" start durable "state in '$tmp/torn': term 0" --data "$tmp/torn"
stop >/dev/null
