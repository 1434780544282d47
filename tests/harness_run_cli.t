#!/usr/bin/env bash
# harness_run_cli.t -- ./harness run's command line and replay: usage
# errors exit 64, a bad scenario exits 65 naming file:line:key, an unknown
# scenario 65; the same seed replays the same fault schedule, scenario.conf
# records the seed and replays it; ./harness list shows the scenarios.
. "$(dirname "$0")/lib.sh" run-cli
plan 15

check_exit 64 "no scenario: usage, 64" ./harness run
check_exit 64 "bad --seed: usage, 64" ./harness run split-brain --seed x
check_exit 64 "--system with --node: usage, 64" ./harness run split-brain --system raft --node 'x'
check_exit 65 "unknown scenario: 65" ./harness run no-such-scenario

sed 's/^    clients = 5/    clients = lots/' scenarios/split-brain.conf > "$tmp/bad.conf"
line=$(grep -n 'clients = lots' "$tmp/bad.conf" | cut -d: -f1)
check_exit 65 "bad scenario: 65" ./harness run "$tmp/bad.conf"
check_output "bad.conf:$line: workload/clients: 'lots'" "the message names file, line $line and key ($out)"

# Replay: two short primary runs with one seed make the same fault schedule.
for i in 1 2; do
    timeout 60 ./harness run split-brain --system primary --seed 21 --time-limit 7 \
        --store "$tmp/r$i" > "$tmp/r$i.out" 2>&1
done
strip () { sed 's/"time":[0-9]*,//' "$1"; }
same_faults () { [ -s "$1" ] && [ "$(strip "$1")" = "$(strip "$2")" ]; }
f1=$(ls "$tmp"/r1/split-brain/primary/*/faults.jsonl); f2=$(ls "$tmp"/r2/split-brain/primary/*/faults.jsonl)
check "same seed, same faults" same_faults "$f1" "$f2"
conf=$(dirname "$f1")/scenario.conf
check_grep '^seed = 21 ' "$conf" "scenario.conf records the seed"
# And the recorded scenario.conf replays with that seed and duration by
# itself, filed under the scenario's name; the printed replay line says so.
timeout 60 ./harness run "$conf" --system primary --store "$tmp/r3" > "$tmp/r3.out" 2>&1
f3=$(ls "$tmp"/r3/split-brain/primary/*/faults.jsonl 2>/dev/null)
replayed () { grep -q 'seed 21' "$tmp/r3.out" && grep -q ' 7 s$' "$tmp/r3.out" && [ "$(strip "$f1")" = "$(strip "$f3")" ]; }
check "scenario.conf as run replays the same faults, duration and name" replayed
hinted () {
    grep -qF "replay: ./harness run '$(dirname "$f1")/scenario.conf' --system primary" "$tmp/r1.out" &&
        ! grep -q latest "$tmp/r1.out"
}
check "the replay hint names the run's scenario.conf" hinted
check "the replay hint keeps the run's --store" grep -qF -e "--store '$tmp/r1'" "$tmp/r1.out"
# Per-client op kinds and keys replay too. What a node answered may turn a
# cas into a write (no value known yet), so compare reads vs updates.
ops () { grep '"invoke"' "$1" | sed 's/.*"process":\([0-9]*\).*"f":"\([a-z]*\)","key":"\([0-9]*\)".*/\1 \2 \3/' |
         sed 's/ cas / write /'; }
h1=$(dirname "$f1")/history.jsonl; h2=$(dirname "$f2")/history.jsonl
# The first 30 ops of each client fall before the first fault (at 2 s, at
# 20 ops/s per client), so no timeout can have moved a client to a new process.
first () { for p in 0 1 2 3 4; do ops "$1" | awk -v p=$p '$1 == p' | head -30; done; }
same_first () { [ "$(first "$1" | wc -l)" = 150 ] && [ "$(first "$1")" = "$(first "$2")" ]; }
check "same seed, same first ops per process" same_first "$h1" "$h2"

# first_op_ms counts from each system's start: the second system's is not
# its wait for the first system's whole run.
timeout 90 ./harness run split-brain --seed 5 --time-limit 2 --store "$tmp/two" > /dev/null 2>&1
num () { grep -oE "\"$2\": [0-9.]+" "$1" | sed 's/.*: //'; }
p=$(ls "$tmp"/two/split-brain/primary/*/results.json); r=$(ls "$tmp"/two/split-brain/raft/*/results.json)
first=$(num "$r" first_op_ms); before=$(num "$p" elapsed_s)
earlier () { [ -n "$1" ] && [ -n "$2" ] && awk -v f="$1" -v e="$2" 'BEGIN { exit !(f < e * 1000) }'; }
check "the second system's first_op_ms ($first) is less than the first's run (${before} s)" \
    earlier "$first" "$before"

run ./harness list
check "list shows scenarios with their expected verdicts" out_has 'split-brain' 'primary=invalid raft=valid'
check "list shows workloads and models" out_has 'lin-kv' 'cas-register'
