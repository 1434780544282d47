#!/usr/bin/env bash
# chaos_lin_kv_values.t -- workload/values: lin-kv writes Maelstrom's
# repeated values 0..4 (tests/data/scenarios/lin-kv-values.conf, majority
# partitions) instead of unique ones. Raft must stay valid, decided by the
# search (unique values do not apply), with every value written many times;
# the key is refused for a workload that draws its own values.
. "$(dirname "$0")/lib.sh" chaos-lin-kv-values
plan 6
need_program jq jq
check_exit 0 "lin-kv with values = 5 on raft: exits 0" \
    timeout 150 ./harness run tests/data/scenarios/lin-kv-values.conf --system raft --seed 1 \
    --time-limit 4 --store "$tmp/s"
r=$(ls "$tmp"/s/lin-kv-values/raft/*/results.json 2>/dev/null | head -1)
v=$(verdict "$r")
check "raft is linearizable ($v)" [ "$v" = true ]
m=$(jq -r '[.checks[] | select(.name == "linearizable") | .details.method][0]' "$r" 2>/dev/null)
check "decided by the search, not unique values ($m)" [ "$m" = search ]
h=$(dirname "${r:-/nonexistent/x}")/history.jsonl
counts=$(jq -r 'select(.type == "invoke" and (.f == "write" or .f == "cas")) |
    if .f == "cas" then .value[1] else .value end' "$h" 2>/dev/null | sort | uniq -c | awk '{ print $2 ":" $1 }' | tr '\n' ' ')
distinct=$(echo "$counts" | wc -w)
check "writes draw 0..4, each many times ($counts)" \
    sh -c "[ $distinct = 5 ] && echo '$counts' | grep -qv ':[0-9] '"
sed 's/name = lin-kv/name = kafka/' tests/data/scenarios/lin-kv-values.conf > "$tmp/kafka.conf"
check_error 65 "workload/values: only lin-kv draws its values (workload 'kafka' has its own)" \
    "values on kafka: refused (65)" ./harness run "$tmp/kafka.conf" --store "$tmp/k"
check_error 64 "--workload echo: scenario lin-kv-values sets workload/values, which only lin-kv draws" \
    "--workload echo on a values scenario: refused (64)" \
    ./harness run tests/data/scenarios/lin-kv-values.conf --workload echo --store "$tmp/e"
