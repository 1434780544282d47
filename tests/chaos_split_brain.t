#!/usr/bin/env bash
# chaos_split_brain.t -- the headline, shortened: split-brain with fixed
# seeds, 10 s of load (two halves partitions of 4 s each, the second cut
# short by the final heal). The primary/backup store must come out
# invalid, raft valid, and the run must exit 0 with both as expected.
. "$(dirname "$0")/lib.sh" chaos-sb
echo "1..8"
for seed in 1 2; do
    out=$(timeout 200 ./harness run split-brain --seed $seed --time-limit 10 --store "$tmp/s$seed" 2>&1)
    rc=$?
    ok $([ $rc = 0 ] && echo 0 || echo 1) "seed $seed: split-brain exits 0, every verdict as expected (got $rc)"
    p=$(verdict "$tmp"/s$seed/split-brain/primary/*/results.json)
    r=$(verdict "$tmp"/s$seed/split-brain/raft/*/results.json)
    ok $([ "$p" = false ] && echo 0 || echo 1) "seed $seed: primary is not linearizable ($p)"
    ok $([ "$r" = true ] && echo 0 || echo 1) "seed $seed: raft is linearizable ($r)"
    # The run directory has everything DESIGN section 9 lists.
    dir=$(dirname "$(ls "$tmp"/s$seed/split-brain/raft/*/results.json)")
    missing=""
    for f in scenario.conf history.jsonl faults.jsonl messages.jsonl results.json report.html n1.log n5.log proxy.log; do
        [ -s "$dir/$f" ] || missing="$missing $f"
    done
    [ $seed = 1 ] && ok $([ -z "$missing" ] && echo 0 || echo 1) "run directory is complete (missing:${missing:- none})"
    [ $seed = 2 ] && ok $([ -L "$tmp/s2/latest" ] && [ -f "$tmp/s2/latest/results.json" ] && echo 0 || echo 1) "store/latest points at the newest run"
    [ $rc = 0 ] && [ "$p" = false ] && [ "$r" = true ] || echo "$out" | sed 's/^/# /'
done
