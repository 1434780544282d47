#!/usr/bin/env bash
# raft_basic.t -- bin/node-raft's command line and start-up, without a lab:
# exit statuses, the memory-only warning, a data directory that cannot be
# opened, a torn log tail cut off at start, a clean stop on SIGTERM.
# (Replication, elections, crashes and faults are tested end to end by
# tests/bin/node_raft_cluster.t and the chaos_raft_* tests.)
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d /tmp/fl-raft-basic-XXXXXX)
pid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; rm -rf "$tmp"' EXIT
n=0
ok () { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
check () { if eval "$1"; then ok 0 "$2"; else ok 1 "$2"; fi; }
echo "1..10"
node=bin/node-raft
net="ipc://$tmp/net"            # nobody binds it: a node runs without its proxy

# Start a node in the background with stderr to $tmp/$1.log; wait (2 s at
# most) for a line matching $2 in that log.
start () {
    local name=$1 pattern=$2; shift 2
    #  No `timeout` wrapper: it re-sends a SIGTERM to its process group,
    #  which would hit the node again after node_run restored the default.
    $node --id n1 --connect "$net" "$@" 2>"$tmp/$name.log" &
    pid=$!
    for _ in $(seq 40); do
        grep -q "$pattern" "$tmp/$name.log" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
# The node logs its state before node_run installs the SIGTERM handler:
# give it a moment to enter the loop, so a stop is a clean stop.
stop () { sleep 0.2; kill -TERM $pid; wait $pid; local rc=$?; pid=; return $rc; }

[ -x $node ] || { for i in $(seq 10); do echo "not ok $i - $node is missing: make lab"; done; exit 1; }

$node --id n1 --connect "$net" --param heartbeat_ms=soon 2>"$tmp/param.log"
check "[ $? = 64 ]" "a bad --param exits 64"
check "grep -q \"heartbeat_ms='soon'\" '$tmp/param.log'" "the message names the param and its value"

$node --id n1 --connect "$net" --param election_min_ms=500 --param election_max_ms=100 2>/dev/null
check "[ $? = 64 ]" "election_min_ms above election_max_ms exits 64"

$node --id n1 --connect "$net" --data /proc/no/such/dir 2>"$tmp/data.log"
check "[ $? = 70 ]" "a data directory that cannot be created exits 70"
check "grep -q \"/proc/no/such/dir\" '$tmp/data.log'" "the message names the directory"

start memory "in memory only"
check "[ $? = 0 ]" "without --data the node says its state is in memory only"
stop
check "[ $? = 0 ]" "SIGTERM stops the node with exit 0"

mkdir -p "$tmp/torn"
printf 'not a record' > "$tmp/torn/raft.log"
start torn "cut 12 bytes" --data "$tmp/torn"
check "[ $? = 0 ]" "a torn log tail is cut off at start, and the node says so"
stop >/dev/null
check "[ \"\$(stat -c %s '$tmp/torn/raft.log')\" = 0 ]" "the cut is made on disk"

start durable "state in '$tmp/torn': term 0" --data "$tmp/torn"
check "[ $? = 0 ]" "with --data the node reports the state it loaded"
stop >/dev/null
