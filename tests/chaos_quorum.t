#!/usr/bin/env bash
# chaos_quorum.t -- bin/node-quorum, the Dynamo-style store, in the lab and
# alone. In the lab, fixed seeds, scenarios of our own
# (tests/data/scenarios/): W = all, R = all on a calm network is
# linearizable (at this light load: cas is not atomic, see docs/nodes.md);
# W = one, R = one under halves partitions is not. Alone (--stdio, no
# lab): a param that is not a word is a usage error at startup, a count
# above N is found at init and every request then gets error 12 naming
# the param, and one replica serves read, write, cas and replica_read.
. "$(dirname "$0")/lib.sh" chaos-quorum
plan 15
need_file bin/node-quorum "run make lab"

# (a) all/all, no faults: valid.
check_exit 0 "w=all r=all, no faults: exits 0 (verdict as expected)" \
    timeout 120 ./harness run tests/data/scenarios/quorum-all.conf --seed 1 \
    --time-limit 3 --store "$tmp/all"
v=$(verdict "$tmp"/all/quorum-all/quorum/*/results.json 2>/dev/null)
check "w=all r=all, no faults: linearizable ($v)" [ "$v" = true ]
k=$(ok_count "$tmp"/all/quorum-all/quorum/*/results.json)
check "w=all r=all: ops succeeded (${k:-none})" [ "${k:-0}" -gt 0 ]

# (b) one/one, halves partitions: invalid.
check_exit 0 "w=one r=one, halves: exits 0 (verdict as expected)" \
    timeout 120 ./harness run tests/data/scenarios/quorum-one-halves.conf --seed 1 \
    --time-limit 4 --store "$tmp/one"
v=$(verdict "$tmp"/one/quorum-one-halves/quorum/*/results.json 2>/dev/null)
check "w=one r=one, halves: not linearizable ($v)" [ "$v" = false ]
check_grep partition "$(ls "$tmp"/one/quorum-one-halves/quorum/*/faults.jsonl 2>/dev/null)" \
    "w=one r=one: a partition was in force"

# Params: a word it does not know is a usage error at startup.
check_error 64 "quorum: param w: 'x' is not one, quorum, all or 1..N" \
    "w=x: exit 64 naming the param" bin/node-quorum --stdio --param w=x
check_error 64 "quorum: param r: '0' is not one, quorum, all or 1..N" \
    "r=0: exit 64 naming the param" bin/node-quorum --stdio --param r=0
check_error 64 "quorum: param read_repair: 'yes' is not true or false" \
    "read_repair=yes: exit 64 naming the param" bin/node-quorum --stdio --param read_repair=yes

# A count above N is known only at init: then every request gets error 12.
init3='{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2","n3"]}}'
write='{"src":"c1","dest":"n1","body":{"type":"write","msg_id":2,"key":1,"value":5}}'
run sh -c "printf '%s\n' '$init3' '$write' | timeout 10 bin/node-quorum --stdio --param w=7 2>/dev/null"
check_output -F '"type":"init_ok"' "w=7 with 3 nodes: init is answered"
check_output -F '"code":12,"text":"param w: '"'7'"' is not one, quorum, all or 1..3"' \
    "w=7 with 3 nodes: a write gets error 12 naming the param"

# One replica alone (N = 1): the lin-kv bodies and replica_read.
init1='{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}'
req () { printf '{"src":"c1","dest":"n1","body":{"msg_id":%s,%s}}' "$1" "$2"; }
run sh -c "printf '%s\n' '$init1' '$(req 2 '"type":"write","key":1,"value":5')' \
    '$(req 3 '"type":"read","key":2')' '$(req 4 '"type":"cas","key":1,"from":4,"to":6')' \
    '$(req 5 '"type":"cas","key":1,"from":5,"to":6')' '$(req 6 '"type":"read","key":1')' \
    '$(req 7 '"type":"replica_read"')' | timeout 10 bin/node-quorum --stdio 2>/dev/null"
ok "$(out_has '"type":"write_ok","in_reply_to":2' '"code":20,.*"in_reply_to":3' \
      '"code":22,.*"in_reply_to":4' '"type":"cas_ok","in_reply_to":5' && echo 0 || echo 1)" \
    "one replica: write_ok, error 20 for a missing key, 22 for a cas whose from differs, cas_ok" ||
    diag_run
check_output -F '"type":"read_ok","value":6,"in_reply_to":6' "one replica: the read sees the cas"
check_output -F '"type":"replica_read_ok","state":[[1,6]]' "one replica: replica_read is [[key, value]]"

# Under Maelstrom's own transport (--stdio), as tests/node_raft_stdio.t
# drives raft: three replicas, each op sent to the next node in turn.
run timeout 120 python3 tests/maelstrom_driver.py --nodes 3 --workload lin-kv --spread \
    -- bin/node-quorum --stdio
check_output -F '"valid": true' "--stdio, 3 nodes, ops spread over the nodes: the driver finds it valid"
