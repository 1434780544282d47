#!/usr/bin/env bash
# harness_orphans.t -- what a --node program starts itself does not outlive
# the run: the node script backgrounds a `sleep` with an argument unique to
# this test, then execs the example Python node. After a normal end and
# after SIGINT no such sleep is left (the harness is a child subreaper and
# kills every orphan once the lab's own processes are reaped).
. "$(dirname "$0")/lib.sh" orphans
echo "1..4"
if ! command -v python3 > /dev/null 2>&1; then
    for i in 1 2 3 4; do echo "ok $i # SKIP python3 missing"; done
    exit 0
fi
uniq="4$$$RANDOM"
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
cleanup () { pkill -KILL -f "sleep $uniq" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
left () { sleep 0.3; pgrep -f "sleep $uniq" | wc -l; }

timeout 60 ./harness run "$tmp/short.conf" --node "$tmp/node.sh" --seed 1 \
    --store "$tmp/store" > "$tmp/run.out" 2>&1; rc=$?
ok $([ $rc = 0 ] && echo 0 || echo 1) "run with a node that spawns a child ends (got $rc)"
l=$(left)
ok $([ "$l" = 0 ] && echo 0 || echo 1) "no child of a node is left after a normal end ($l)"
[ $rc = 0 ] || sed 's/^/# /' "$tmp/run.out"

./harness run "$tmp/long.conf" --node "$tmp/node.sh" --seed 1 \
    --store "$tmp/store2" > "$tmp/int.out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ "$(pgrep -f "sleep $uniq" | wc -l)" -ge 3 ] && break; sleep 0.1; done
sleep 0.5
kill -INT $pid
for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && { kill -KILL $pid; rc=running; } || { wait $pid; rc=$?; }
ok $([ "$rc" = 130 ] && echo 0 || echo 1) "SIGINT ends the run with 130 (got $rc)"
l=$(left)
ok $([ "$l" = 0 ] && echo 0 || echo 1) "no child of a node is left after SIGINT ($l)"
