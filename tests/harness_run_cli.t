#!/usr/bin/env bash
# harness_run_cli.t -- ./harness run's command line and replay: usage
# errors exit 64, a bad scenario exits 65 naming file:line:key, an unknown
# scenario 65; the same seed replays the same fault schedule, scenario.conf
# records the seed and replays it; ./harness list shows the scenarios.
. "$(dirname "$0")/lib.sh" run-cli
echo "1..14"

./harness run > /dev/null 2>&1; rc=$?
ok $([ $rc = 64 ] && echo 0 || echo 1) "no scenario: usage, 64 (got $rc)"
./harness run split-brain --seed x > /dev/null 2>&1; rc=$?
ok $([ $rc = 64 ] && echo 0 || echo 1) "bad --seed: usage, 64 (got $rc)"
./harness run split-brain --system raft --node 'x' > /dev/null 2>&1; rc=$?
ok $([ $rc = 64 ] && echo 0 || echo 1) "--system with --node: usage, 64 (got $rc)"
./harness run no-such-scenario > /dev/null 2>&1; rc=$?
ok $([ $rc = 65 ] && echo 0 || echo 1) "unknown scenario: 65 (got $rc)"

sed 's/^    clients = 5/    clients = lots/' scenarios/split-brain.conf > "$tmp/bad.conf"
line=$(grep -n 'clients = lots' "$tmp/bad.conf" | cut -d: -f1)
out=$(./harness run "$tmp/bad.conf" 2>&1); rc=$?
ok $([ $rc = 65 ] && echo 0 || echo 1) "bad scenario: 65 (got $rc)"
ok $(echo "$out" | grep -q "bad.conf:$line: workload/clients: 'lots'" && echo 0 || echo 1) \
   "the message names file, line $line and key ($out)"

# Replay: two short primary runs with one seed make the same fault schedule.
for i in 1 2; do
    timeout 60 ./harness run split-brain --system primary --seed 21 --time-limit 7 \
        --store "$tmp/r$i" > "$tmp/r$i.out" 2>&1
done
strip () { sed 's/"time":[0-9]*,//' "$1"; }
f1=$(ls "$tmp"/r1/split-brain/primary/*/faults.jsonl); f2=$(ls "$tmp"/r2/split-brain/primary/*/faults.jsonl)
ok $([ -s "$f1" ] && [ "$(strip "$f1")" = "$(strip "$f2")" ] && echo 0 || echo 1) "same seed, same faults"
conf=$(dirname "$f1")/scenario.conf
ok $(grep -q '^seed = 21 ' "$conf" && echo 0 || echo 1) "scenario.conf records the seed"
# And the recorded scenario.conf replays with that seed and duration by
# itself, filed under the scenario's name; the printed replay line says so.
timeout 60 ./harness run "$conf" --system primary --store "$tmp/r3" > "$tmp/r3.out" 2>&1
f3=$(ls "$tmp"/r3/split-brain/primary/*/faults.jsonl 2>/dev/null)
ok $(grep -q 'seed 21' "$tmp/r3.out" && grep -q ' 7 s$' "$tmp/r3.out" && [ "$(strip "$f1")" = "$(strip "$f3")" ] \
     && echo 0 || echo 1) "scenario.conf as run replays the same faults, duration and name"
ok $(grep -qF "replay: ./harness run '$(dirname "$f1")/scenario.conf' --system primary" "$tmp/r1.out" \
     && ! grep -q latest "$tmp/r1.out" && echo 0 || echo 1) "the replay hint names the run's scenario.conf"
# Per-client op kinds and keys replay too. What a node answered may turn a
# cas into a write (no value known yet), so compare reads vs updates.
ops () { grep '"invoke"' "$1" | sed 's/.*"process":\([0-9]*\).*"f":"\([a-z]*\)","key":"\([0-9]*\)".*/\1 \2 \3/' |
         sed 's/ cas / write /'; }
h1=$(dirname "$f1")/history.jsonl; h2=$(dirname "$f2")/history.jsonl
# The first 30 ops of each client fall before the first fault (at 2 s, at
# 20 ops/s per client), so no timeout can have moved a client to a new process.
first () { for p in 0 1 2 3 4; do ops "$1" | awk -v p=$p '$1 == p' | head -30; done; }
ok $([ "$(first "$h1" | wc -l)" = 150 ] && [ "$(first "$h1")" = "$(first "$h2")" ] && echo 0 || echo 1) \
   "same seed, same first ops per process"

# first_op_ms counts from each system's start: the second system's is not
# its wait for the first system's whole run.
timeout 90 ./harness run split-brain --seed 5 --time-limit 2 --store "$tmp/two" > /dev/null 2>&1
num () { grep -oE "\"$2\": [0-9.]+" "$1" | sed 's/.*: //'; }
p=$(ls "$tmp"/two/split-brain/primary/*/results.json); r=$(ls "$tmp"/two/split-brain/raft/*/results.json)
first=$(num "$r" first_op_ms); before=$(num "$p" elapsed_s)
ok $([ -n "$first" ] && [ -n "$before" ] && awk -v f="$first" -v e="$before" 'BEGIN { exit !(f < e * 1000) }' \
     && echo 0 || echo 1) "the second system's first_op_ms ($first) is less than the first's run (${before} s)"

out=$(./harness list 2>&1)
ok $(echo "$out" | grep -q 'split-brain' && echo "$out" | grep -q 'primary=invalid raft=valid' && echo 0 || echo 1) \
   "list shows scenarios with their expected verdicts"
ok $(echo "$out" | grep -q 'lin-kv' && echo "$out" | grep -q 'cas-register' && echo 0 || echo 1) \
   "list shows workloads and models"
