#!/usr/bin/env bash
# harness_service_fault.t -- a scenario may cut one of Maelstrom's services
# off from every node (`partition isolate seq-kv`), which Maelstrom never
# does, and the cut is real: the proxy blocks node -> seq-kv messages while
# it holds and delivers them before and after. The JS counter kept in
# seq-kv stays valid; the services are never cut by a partition of nodes.
. "$(dirname "$0")/lib.sh" harness-service-fault
plan 6
need_program node nodejs
check_exit 0 "service-cut with a counter on seq-kv: exits 0 (valid)" \
    timeout 120 ./harness run tests/data/scenarios/service-cut.conf \
    --node 'node tests/nodes/js/counter_kv.js' --seed 1 --store "$tmp"
dir=$(dirname "$(ls "$tmp"/service-cut/stdio/*/results.json 2>/dev/null | head -1)")
check_grep '"target":"seq-kv"' "$dir/faults.jsonl" "faults.jsonl records the isolation of seq-kv"
check_grep '"dest":"seq-kv","action":"block"' "$dir/messages.jsonl" \
    "the proxy blocked a node's message to seq-kv"
check_grep '"dest":"seq-kv","action":"deliver"' "$dir/messages.jsonl" \
    "and delivered node -> seq-kv messages outside the cut"
sed 's/isolate seq-kv/isolate seq-kvx/' tests/data/scenarios/service-cut.conf > "$tmp/bad.conf"
check_exit 65 "a scenario that isolates no node or service is refused" \
    ./harness run "$tmp/bad.conf" --node 'node tests/nodes/js/counter_kv.js'
check_error 65 "lin-kv, seq-kv, lww-kv, lin-tso" "the error names what isolate takes" \
    ./harness run "$tmp/bad.conf" --node 'node tests/nodes/js/counter_kv.js'
