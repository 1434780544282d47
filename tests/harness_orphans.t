#!/usr/bin/env bash
# harness_orphans.t -- what a --node program starts itself does not outlive
# the run: the node script backgrounds a `sleep` with an argument unique to
# this test, then execs the example Python node. After a normal end and
# after SIGINT no such sleep is left (the harness is a child subreaper and
# kills every orphan once the lab's own processes are reaped).
. "$(dirname "$0")/lib.sh" orphans
plan 4
need_program python3 python3
need_program pgrep procps
uniq="4$$$RANDOM"
at_exit 'pkill -KILL -f "sleep $uniq" 2>/dev/null'
cat > "$tmp/node.sh" <<SH
#!/bin/sh
sleep $uniq &
exec python3 $PWD/examples/maelstrom/lin_kv.py
SH
chmod +x "$tmp/node.sh"
cat > "$tmp/short.conf" <<'SC'
nodes = 3
duration_s = 2
systems
    raft = valid
workload
    name = lin-kv
    clients = 2
final
    settle_s = 0.5
SC
sed 's/^duration_s = 2$/duration_s = 30/' "$tmp/short.conf" > "$tmp/long.conf"
# left: how many of the node's children are still there after at most 0.3 s.
left () { wait_for 0.3 no_process "sleep $uniq"; procs "sleep $uniq"; }
children () { [ "$(procs "sleep $uniq")" -ge "$1" ]; }

check_exit 0 "run with a node that spawns a child ends" \
    timeout 60 ./harness run "$tmp/short.conf" --node "$tmp/node.sh" --seed 1 --store "$tmp/store"
l=$(left)
check "no child of a node is left after a normal end ($l)" [ "$l" = 0 ]

./harness run "$tmp/long.conf" --node "$tmp/node.sh" --seed 1 \
    --store "$tmp/store2" > "$tmp/int.out" 2>&1 &
pid=$!
wait_for 10 children 3
serving () { grep -qs '"type":"ok"' "$tmp"/store2/*/*/*/history.jsonl; }
wait_for 10 serving             # the run serves ops before the signal
kill -INT $pid
wait_exit $pid 10
check "SIGINT ends the run with 130 (got $rc)" [ "$rc" = 130 ]
l=$(left)
check "no child of a node is left after SIGINT ($l)" [ "$l" = 0 ]
