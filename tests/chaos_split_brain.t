#!/usr/bin/env bash
# chaos_split_brain.t -- the headline, shortened: split-brain with fixed
# seeds, 10 s of load (two halves partitions of 4 s each, the second cut
# short by the final heal). The primary/backup store must come out
# invalid, raft valid, and the run must exit 0 with both as expected;
# primary's invalid linearizable check is said once (the budget line).
. "$(dirname "$0")/lib.sh" chaos-sb
plan 9
for seed in 1 2; do
    check_exit 0 "seed $seed: split-brain exits 0, every verdict as expected" \
        timeout 200 ./harness run split-brain --seed $seed --time-limit 10 --store "$tmp/s$seed"
    p=$(verdict "$tmp"/s$seed/split-brain/primary/*/results.json)
    r=$(verdict "$tmp"/s$seed/split-brain/raft/*/results.json)
    check "seed $seed: primary is not linearizable ($p)" [ "$p" = false ]
    [ $seed = 1 ] && check "seed 1: primary's 'linearizable: invalid' is printed once" \
        [ "$(grep -c '^primary  *linearizable: invalid' "$tmp/.run")" = 1 ]
    check "seed $seed: raft is linearizable ($r)" [ "$r" = true ]
    # The run directory has everything DESIGN section 9 lists.
    dir=$(dirname "$(ls "$tmp"/s$seed/split-brain/raft/*/results.json)")
    missing=""
    for f in scenario.conf history.jsonl faults.jsonl messages.jsonl results.json report.html n1.log n5.log proxy.log; do
        [ -s "$dir/$f" ] || missing="$missing $f"
    done
    if [ $seed = 1 ]; then
        check "run directory is complete (missing:${missing:- none})" [ -z "$missing" ]
    else
        check "store/latest points at the newest run" [ -L "$tmp/s2/latest" -a -f "$tmp/s2/latest/results.json" ]
    fi
    # (a failed run has shown its output already)
    [ "$rc" = 0 ] && { [ "$p" = false ] && [ "$r" = true ] || diag_run; }
done
