#!/usr/bin/env bash
# harness_up.t -- ./harness up keeps a lab running and says where it is;
# ./harness fault from another process partitions, kills, restarts and
# heals it; a typo is a usage error; Ctrl-C stops it all and removes
# up.json. Without a lab, fault says so (69).
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d /tmp/fl-up-XXXXXX)
export FAULTLAB_UP="$tmp/up.json"
pid=
cleanup () { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
n=0
ok () { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
echo "1..16"

./harness fault heal > /dev/null 2>&1; rc=$?
ok $([ $rc = 69 ] && echo 0 || echo 1) "fault with no lab up: 69 (got $rc)"

./harness up --system raft --nodes 5 --seed 9 --store "$tmp/store" > "$tmp/up.out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s "$FAULTLAB_UP" ] && break; sleep 0.1; done
ok $([ -s "$FAULTLAB_UP" ] && grep -q '"control"' "$FAULTLAB_UP" && echo 0 || echo 1) "up writes up.json with its control endpoint"

out=$(timeout 20 ./harness fault partition halves 2>&1)
ok $(echo "$out" | grep -qE 'in force: partition halves: [n0-9,]+ [|] [n0-9,]+' && echo 0 || echo 1) "partition halves (${out//$'\n'/ })"
out=$(timeout 20 ./harness fault partition ring 2>&1)
ok $(echo "$out" | grep -qE 'in force: partition ring: [^;]*$' && echo 0 || echo 1) "a new partition replaces the old one (${out//$'\n'/ })"
ok $([ "$(grep -c '"phase":"end","fault":"partition"' "$tmp"/store/up/raft/*/faults.jsonl)" -ge 1 ] && echo 0 || echo 1) \
   "the replaced partition's end is recorded"
out=$(timeout 20 ./harness fault isolate n2 2>&1)
ok $(echo "$out" | grep -qE 'in force: partition isolate n2: n2 [|] [^;]*$' && echo 0 || echo 1) "isolate n2 without the word partition (${out//$'\n'/ })"
out=$(timeout 20 ./harness fault kill n3 2>&1)
ok $(echo "$out" | grep -q 'kill n3' && echo 0 || echo 1) "kill n3"
out=$(timeout 20 ./harness fault heal 2>&1)
ok $(echo "$out" | grep -q 'in force: kill n3' && echo 0 || echo 1) "heal ends the partition, not the kill (${out//$'\n'/ })"
out=$(timeout 20 ./harness fault restart n3 2>&1)
ok $(echo "$out" | grep -q 'in force: none' && echo 0 || echo 1) "restart n3 ends the kill"
timeout 20 ./harness fault drop 2 > /dev/null 2>&1; rc=$?
ok $([ $rc = 64 ] && echo 0 || echo 1) "a bad probability is a usage error (got $rc)"
ok $([ "$(grep -c '"phase":"start"' "$tmp"/store/up/raft/*/faults.jsonl)" = 4 ] && echo 0 || echo 1) \
   "the faults are recorded in the lab's faults.jsonl"

out=$(timeout 20 ./harness up --system raft --nodes 3 --store "$tmp/store2" 2>&1); rc=$?
ok $([ $rc = 69 ] && echo "$out" | grep -q "pid $pid" && echo "$out" | grep -qF "$FAULTLAB_UP" \
     && grep -q "\"pid\": $pid" "$FAULTLAB_UP" && echo 0 || echo 1) \
   "a second up while the first is alive: 69 naming pid and file, up.json kept (got $rc: $out)"

kill -INT $pid
for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && rc=running || { wait $pid; rc=$?; }
pid=
ok $([ "$rc" = 0 ] && [ ! -e "$FAULTLAB_UP" ] && echo 0 || echo 1) "Ctrl-C stops up (got $rc) and removes up.json"
sleep 0.3
left=$(pgrep -f "$tmp/store" | wc -l)
ok $([ "$left" = 0 ] && echo 0 || echo 1) "no process of the lab is left ($left)"

# A stale up.json (its pid is gone) is replaced by the next up.
dead=$(sh -c 'echo $$')
echo "{\"pid\": $dead, \"control\": \"ipc:///nonexistent\"}" > "$FAULTLAB_UP"
./harness up --system raft --nodes 3 --seed 9 --store "$tmp/store3" > "$tmp/up3.out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do grep -q "\"pid\": $pid" "$FAULTLAB_UP" 2>/dev/null && break; sleep 0.1; done
ok $(grep -q "\"pid\": $pid" "$FAULTLAB_UP" && echo 0 || echo 1) "a stale up.json is replaced"
kill -INT $pid
for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
kill -0 $pid 2>/dev/null && rc=running || { wait $pid; rc=$?; }
pid=
ok $([ "$rc" = 0 ] && [ ! -e "$FAULTLAB_UP" ] && echo 0 || echo 1) "and removed when that lab stops (got $rc)"
