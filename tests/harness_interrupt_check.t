#!/usr/bin/env bash
# harness_interrupt_check.t -- Ctrl-C while the history is being checked
# ends the harness at once with 130 instead of waiting for the checker's
# budget: the lab is already stopped and the history is on disk, so it is
# kept and no results.json is written. The scenario makes a history that
# takes the checker seconds (40 clients on one key under delays), and the
# signal is sent once the lab's processes are gone: whether it lands while
# the lab finishes stopping or during the check, the run ends the same way.
. "$(dirname "$0")/lib.sh" int-check
plan 5
need_program pgrep procps
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
has_history () { [ -s "$(ls "$tmp"/st/slow/raft/*/history.jsonl 2>/dev/null | head -1)" ]; }
cut_short () { [ ! -e "$1/results.json" ] && grep -q 'interrupted after the load' "$tmp/out"; }

./harness run "$tmp/slow.conf" --system raft --seed 1 --store "$tmp/st" > "$tmp/out" 2>&1 &
pid=$!
wait_step=0.05 wait_for 10 has_history; ok $? "a history is on disk within 10 s"
wait_step=0.05 wait_for 20 no_process "$tmp/st/"; ok $? "the lab's processes are gone within 20 s"
kill -INT $pid
wait_exit $pid 5
dir=$(ls -d "$tmp"/st/slow/raft/*/ | head -1)
check "SIGINT during the check ends the harness with 130 (got $rc)" [ "$rc" = 130 ]
check "the history is kept" [ -s "$dir/history.jsonl" -a -s "$dir/faults.jsonl" ]
check "the check was cut short, and the harness says so" cut_short "$dir"
{ [ "$rc" = 130 ] && [ "$failed" = 0 ]; } || sed 's/^/# /' "$tmp/out" >&2
