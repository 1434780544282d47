#!/usr/bin/env bash
# chaos_replay.t -- replay (issue 12 item 8): one scenario with drop,
# duplicate and delay faults drawn from the seed, run twice with seed 7
# and once with seed 8. Same seed: the same fault schedule (faults.jsonl's
# actions in order) and the same proxy decision for every message both
# runs sent on a link (same link, same seq, same rule in force). Another
# seed: they differ, so the comparison can fail. tests/replay_compare.py
# does the comparing.
. "$(dirname "$0")/lib.sh" chaos-replay
plan 6
conf=tests/data/scenarios/replay.conf
for r in a b c; do
    seed=7; [ $r = c ] && seed=8
    check_exit 0 "run $r (seed $seed) exits 0, raft valid" \
        timeout 200 ./harness run $conf --seed $seed --store "$tmp/$r"
done
dir () { dirname "$(ls "$tmp"/$1/replay/raft/*/results.json)"; }
run python3 tests/replay_compare.py "$(dir a)" "$(dir b)"
same=$rc
faulted=$(echo "$out" | grep -oE '[0-9]+ with a fault decision' | cut -d' ' -f1)
check "seed 7 twice: same schedule and decisions ($out)" [ "$same" = 0 ]
check "some messages were faulted (${faulted:-0})" [ "${faulted:-0}" -gt 0 ]
run python3 tests/replay_compare.py "$(dir a)" "$(dir c)"
check "seed 7 against seed 8: they differ ($out)" [ "$rc" = 1 ]
