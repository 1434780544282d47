#!/usr/bin/env bash
# harness_up.t -- ./harness up keeps a lab running and says where it is;
# ./harness fault from another process partitions, kills, restarts and
# heals it; a typo is a usage error; Ctrl-C stops it all and removes
# up.json. Without a lab, fault says so (69).
. "$(dirname "$0")/lib.sh" up
export FAULTLAB_UP="$tmp/up.json"
pid=
at_exit '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null'
plan 20
need_program pgrep procps

check_exit 69 "fault with no lab up: 69" ./harness fault heal

./harness up --system raft --nodes 5 --seed 9 --store "$tmp/store" > "$tmp/up.out" 2>&1 &
pid=$!
wait_for 10 test -s "$FAULTLAB_UP"
check_grep '"control"' "$FAULTLAB_UP" "up writes up.json with its control endpoint"

run timeout 20 ./harness fault partition halves
check_output -E 'in force: partition halves: [n0-9,]+ [|] [n0-9,]+' "partition halves (${out//$'\n'/ })"
run timeout 20 ./harness fault partition ring
check_output -E 'in force: partition ring: [^;]*$' "a new partition replaces the old one (${out//$'\n'/ })"
check_grep -F '"phase":"end","fault":"partition"' "$tmp"/store/up/raft/*/faults.jsonl \
   "the replaced partition's end is recorded"
run timeout 20 ./harness fault isolate n2
check_output -E 'in force: partition isolate n2: n2 [|] [^;]*$' "isolate n2 without the word partition (${out//$'\n'/ })"
run timeout 20 ./harness fault kill n3
check_output 'kill n3' "kill n3"
run timeout 20 ./harness fault heal
check_output 'in force: kill n3' "heal ends the partition, not the kill (${out//$'\n'/ })"
run timeout 20 ./harness fault restart n3
check_output 'in force: none' "restart n3 ends the kill"
check_exit 64 "a bad probability is a usage error" timeout 20 ./harness fault drop 2
starts=$(grep -c '"phase":"start"' "$tmp"/store/up/raft/*/faults.jsonl)
check "the faults are recorded in the lab's faults.jsonl ($starts starts)" [ "$starts" = 4 ]
# A kill ends a stop in force on the node (the process is gone); a kill of
# a killed node changes nothing, and says so
run timeout 20 ./harness fault stop n3
run timeout 20 ./harness fault kill n3
check_output -E 'in force: kill n3 [(]SIGKILL[)]$' "kill ends the stop of n3 (${out//$'\n'/ })"
run timeout 20 ./harness fault kill n3
check "a second kill says it did nothing and keeps the first in force (${out//$'\n'/ })" \
    grep -qz 'nothing to kill.*in force: kill n3 (SIGKILL)' "$tmp/.run"
run timeout 20 ./harness fault restart n3
check_output 'in force: none' "and restart ends it"
kills=$(grep -c '"phase":"start","fault":"kill"' "$tmp"/store/up/raft/*/faults.jsonl)
ends=$(grep -c '"phase":"end","fault":"kill"' "$tmp"/store/up/raft/*/faults.jsonl)
check "faults.jsonl has two kill periods, the second kill none of its own ($kills starts, $ends ends)" \
    [ "$kills" = 2 -a "$ends" = 2 ]

refused () {
    [ "$rc" = 69 ] && out_has "pid $pid" && grep -qF "$FAULTLAB_UP" "$tmp/.run" &&
        grep -q "\"pid\": $pid" "$FAULTLAB_UP"
}
run timeout 20 ./harness up --system raft --nodes 3 --store "$tmp/store2"
check "a second up while the first is alive: 69 naming pid and file, up.json kept (got $rc: $out)" refused

kill -INT $pid
wait_exit $pid 10
pid=
check "Ctrl-C stops up (got $rc) and removes up.json" [ "$rc" = 0 -a ! -e "$FAULTLAB_UP" ]
wait_for 0.3 no_process "$tmp/store"
left=$(procs "$tmp/store")
check "no process of the lab is left ($left)" [ "$left" = 0 ]

# A stale up.json (its pid is gone) is replaced by the next up.
dead=$(sh -c 'echo $$')
echo "{\"pid\": $dead, \"control\": \"ipc:///nonexistent\"}" > "$FAULTLAB_UP"
./harness up --system raft --nodes 3 --seed 9 --store "$tmp/store3" > "$tmp/up3.out" 2>&1 &
pid=$!
wait_for 10 grep -q "\"pid\": $pid" "$FAULTLAB_UP"
check_grep "\"pid\": $pid" "$FAULTLAB_UP" "a stale up.json is replaced"
kill -INT $pid
wait_exit $pid 10
pid=
check "and removed when that lab stops (got $rc)" [ "$rc" = 0 -a ! -e "$FAULTLAB_UP" ]
