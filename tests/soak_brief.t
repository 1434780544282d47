#!/usr/bin/env bash
# soak_brief.t -- make soak's script (scripts/soak.sh, docs/soak.md), small:
# one seed of one scenario and one system gives the table, soak.md and
# soak.json and exit 0; a scenario of our own that promises the wrong
# verdict is counted as unexpected, named with its seed and a rerun line,
# and makes the soak exit 1; bad settings are refused.
. "$(dirname "$0")/lib.sh" soak-brief
plan 12
check_exit 0 "one seed of no-faults on raft: exit 0" \
    env SOAK_SEEDS=1 SOAK_SCENARIOS=no-faults SOAK_SYSTEMS=raft SOAK_TIME_LIMIT=2 \
        SOAK_STORE="$tmp/s" timeout 120 scripts/soak.sh
check_output -E "^no-faults +raft +valid +1 +1 +0 +-$" "the table: 1 run, 1 expected, 0 unexpected"
check_output "1 runs, 0 unexpected" "the summary line"
md=$(ls "$tmp"/s/*/soak.md)
check_grep -F "| no-faults | raft | valid | 1 | 1 | 0 | - |" "$md" "soak.md has the row"
check "soak.json counts 0 unexpected of 1 run" \
    [ "$(jq -c '[.runs, .unexpected]' "$(dirname "$md")/soak.json")" = "[1,0]" ]

# A scenario promising raft invalid on no-faults: raft stays valid, so the
# run is unexpected ("missed"), and the soak says so and exits 1.
sed 's/^    raft = valid/    raft = invalid/' scenarios/no-faults.conf > "$tmp/wrong.conf"
check_exit 1 "a wrong promise: exit 1" \
    env SOAK_SEEDS=1 SOAK_SCENARIOS="$tmp/wrong.conf" SOAK_SYSTEMS=raft SOAK_TIME_LIMIT=2 \
        SOAK_STORE="$tmp/w" timeout 120 scripts/soak.sh
check_output -E "^wrong +raft +invalid +1 +0 +1 +1 \(missed\)$" "the row names seed 1 as missed"
check_output -F "./harness run $tmp/wrong.conf --system raft --seed 1" "the rerun line"
check_output "1 runs, 1 unexpected" "the summary counts it"
check "soak.json lists seed 1" \
    [ "$(jq -c '.rows[0].unexpected[0].seed' "$tmp"/w/*/soak.json)" = 1 ]

check_error 64 "SOAK_SEEDS='x': want a whole number" "a bad SOAK_SEEDS: exit 64" \
    env SOAK_SEEDS=x SOAK_STORE="$tmp/b" scripts/soak.sh
check_error 64 "SOAK_SCENARIOS: no scenario 'nope'" "an unknown scenario: exit 64" \
    env SOAK_SCENARIOS=nope SOAK_STORE="$tmp/b" scripts/soak.sh
