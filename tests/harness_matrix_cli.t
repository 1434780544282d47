#!/usr/bin/env bash
# harness_matrix_cli.t -- ./harness matrix, cheaply: usage errors name the
# option (a --system with no row, a bad seed or time limit, a stray
# argument); then a one-row matrix (--system raft) on the phase plan scaled
# to 4 s of load: every phase is still there (a delay and two partitions in
# the row's faults.jsonl), the row's class and numbers are printed with the
# rule under the table, and STORE/matrix/STAMP/ holds matrix.json (seed,
# rule, rows with the fields docs/matrix.md lists, only raft's) and
# matrix.md. Exit 0: raft is linearizable, as pacelc.conf expects.
. "$(dirname "$0")/lib.sh" matrix-cli
plan 12
check_error 64 "--system none-such: the matrix has no row for it" \
    "--system none-such: exit 64 naming it" \
    timeout 30 ./harness matrix --system none-such --store "$tmp/st"
check_error 64 "seed" "--seed x: exit 64 naming the seed" \
    timeout 30 ./harness matrix --seed x --store "$tmp/st"
check_error 64 "time-limit\|time limit" "--time-limit 0: exit 64 naming it" \
    timeout 30 ./harness matrix --time-limit 0 --store "$tmp/st"
check_error 64 "unexpected 'extra' (matrix takes options only)" "a stray argument: exit 64" \
    timeout 30 ./harness matrix extra --store "$tmp/st"
check "nothing was run or written by a refused matrix" [ ! -e "$tmp/st" ]
run timeout 120 ./harness matrix --system raft --time-limit 4 --seed 1 --store "$tmp/st"
ok "$rc" "a one-row matrix of raft exits 0 (rc $rc)" || diag_run
check "the table has raft's row with a class (PC/..)" \
    sh -c "echo \"\$1\" | grep -qE '^raft +- +PC/E[CL] '" - "$out" || diag_run
check_output -F "rule: PA if the minority side" "the rule is written under the table"
json=$(ls "$tmp"/st/matrix/*/matrix.json 2>/dev/null | head -1)
check "matrix.json and matrix.md are in STORE/matrix/STAMP/" \
    [ -s "$json" -a -s "$(dirname "${json:-x}")/matrix.md" ]
check "the paths of matrix.json and matrix.md are printed" \
    out_has "^matrix: $tmp/st/matrix/.*/matrix.json" "^matrix: $tmp/st/matrix/.*/matrix.md"
check "matrix.json: seed, rule, one row (raft) with every field" python3 -c '
import json, sys
m = json.load (open (sys.argv [1]))
assert m ["seed"] == 1 and "PACELC_AVAILABLE" in m ["rule"], m
assert [r ["system"] for r in m ["rows"]] == ["raft"], m ["rows"]
r = m ["rows"] [0]
for k in ("system", "config", "pacelc", "linearizable", "availability_during_partitions",
          "converged", "lost_writes", "stale_reads", "latency_ms", "run_dir", "why"):
    assert k in r, k
assert r ["linearizable"] is True and r ["pacelc"].startswith ("PC/"), r
a = r ["availability_during_partitions"]
assert 0 <= a ["minority"] <= 1 and 0 <= a ["majority"] <= 1, a
for phase in ("calm", "slow"):
    assert r ["latency_ms"] [phase] ["p50"] > 0, r ["latency_ms"]
' "$json" || diag_run
faults=$(ls "$tmp"/st/pacelc/raft/*/faults.jsonl 2>/dev/null | head -1)
check "scaled to 4 s, the row still has its slow phase and both partitions" \
    [ "$(grep -c '"phase":"start","fault":"delay"' "$faults")" = 1 -a \
      "$(grep -c '"phase":"start","fault":"partition"' "$faults")" = 2 ]
