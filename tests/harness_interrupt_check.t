#!/usr/bin/env bash
# harness_interrupt_check.t -- Ctrl-C while the history is being checked
# ends the harness at once with 130 instead of waiting for the checker's
# budget: the lab is already stopped and the history is on disk, so it is
# kept and no results.json is written. The scenario makes a history that
# takes the checker seconds (40 clients on one key under delays), and the
# signal is sent once the lab's processes are gone.
. "$(dirname "$0")/lib.sh" int-check
echo "1..3"
cat > "$tmp/slow.conf" <<'SC'
nodes = 3
duration_s = 4
systems
    raft = valid
workload
    name = lin-kv
    clients = 40
    rate = 0
    keys = 1
    timeout_ms = 50
faults
    step
        at_s = 0.5
        do = delay 40 40
final
    heal = false
    settle_s = 0
SC
./harness run "$tmp/slow.conf" --system raft --seed 1 --store "$tmp/st" > "$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 1 200); do [ -s "$(ls "$tmp"/st/slow/raft/*/history.jsonl 2>/dev/null | head -1)" ] && break; sleep 0.05; done
for _ in $(seq 1 400); do pgrep -f "$tmp/st/" > /dev/null || break; sleep 0.05; done
kill -INT $pid
for _ in $(seq 1 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && { kill -KILL $pid; rc=running; } || { wait $pid; rc=$?; }
run=$(ls -d "$tmp"/st/slow/raft/*/ | head -1)
ok $([ "$rc" = 130 ] && echo 0 || echo 1) "SIGINT during the check ends the harness with 130 (got $rc)"
ok $([ -s "$run/history.jsonl" ] && [ -s "$run/faults.jsonl" ] && echo 0 || echo 1) "the history is kept"
ok $([ ! -e "$run/results.json" ] && grep -q 'interrupted while checking' "$tmp/out" && echo 0 || echo 1) \
   "the check was cut short, and the harness says so"
[ "$rc" = 130 ] || sed 's/^/# /' "$tmp/out"
