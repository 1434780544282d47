#!/usr/bin/env bash
# chaos_tcp.t -- --transport tcp: the proxy binds tcp://127.0.0.1:* (ports
# the kernel picks, so tests still run in parallel) and the nodes and the
# clients use the ports it says it bound. split-brain against raft is
# valid over tcp, and ./harness up --transport tcp takes faults.
. "$(dirname "$0")/lib.sh" chaos-tcp
plan 4
run timeout 120 ./harness run split-brain --system raft --transport tcp --seed 3 \
    --time-limit 4 --store "$tmp/st"
v=$(verdict "$tmp"/st/split-brain/raft/*/results.json 2>/dev/null)
check "split-brain, raft, tcp: valid (got $rc, $v)" [ "$rc" = 0 -a "$v" = true ]
[ "$rc" = 0 ] || diag_run
check_grep -E '"net":"tcp://127\.0\.0\.1:[0-9]+"' "$tmp"/st/split-brain/raft/*/proxy.log \
   "the proxy bound a tcp port"

export FAULTLAB_UP="$tmp/up.json"
./harness up --system raft --nodes 3 --seed 2 --transport tcp --store "$tmp/up" > "$tmp/up.out" 2>&1 &
pid=$!
at_exit 'kill -KILL $pid 2>/dev/null'
wait_for 10 test -s "$FAULTLAB_UP"
check_grep -E '"net": "tcp://127\.0\.0\.1:[0-9]+"' "$FAULTLAB_UP" \
   "up --transport tcp says its tcp net endpoint"
run timeout 20 ./harness fault isolate-leader
check_output 'in force: partition' "and takes a fault (${out//$'\n'/ })"
kill -INT $pid
wait_exit $pid 10
