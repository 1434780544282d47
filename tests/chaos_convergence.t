#!/usr/bin/env bash
# chaos_convergence.t -- results.json's convergence, end to end (DESIGN
# section 7; docs/checker.md, Convergence). Split-brain, fixed seed, 6 s:
# raft's replicas, read directly with replica_read after the drain, agree,
# lost nothing and invented nothing, and the convergence check is in the
# verdict. The primary's run is invalid and its convergence object is
# well-formed: under lin-kv's continuous load every key is written again
# after the heal, so the primary's thrown-away writes are overwritten by
# later ones and none is lost by the register rule (seeds 1-4 gave
# lost_count 0); the linearizability check is what catches it. lww with
# n1's clock 5 s ahead (tests/data/scenarios/lww-skew.conf, the load stops
# at the heal) keeps n1's last write over later acknowledged ones: those
# are lost by the register rule (seed 4: 11 lost, 3 runs of 3). crdt told
# not to gossip keeps only its own adds: its replicas, read directly,
# disagree and miss acknowledged adds (seed 1: 307 lost). A --node
# program is judged on its final reads: a wrong g-counter (every node but
# the one that took an add forgets all but the peer's last delta) falls
# below the acknowledged sum, and lin-kv, without final reads, is unknown
# and out of the verdict.
. "$(dirname "$0")/lib.sh" chaos-conv
plan 20
need_program jq jq
P=tests/nodes/python

# conv FILE FILTER: jq -r of results.json's convergence.
conv () { jq -r ".convergence | $2" "$1" 2>/dev/null; }

check_exit 0 "split-brain seed 1: both systems as expected" \
    timeout 200 ./harness run split-brain --seed 1 --time-limit 6 --store "$tmp/sb"
r=$(ls "$tmp"/sb/split-brain/raft/*/results.json)
p=$(ls "$tmp"/sb/split-brain/primary/*/results.json)
check "raft: converged ($(conv "$r" .converged))" [ "$(conv "$r" .converged)" = true ]
check "raft: nothing lost ($(conv "$r" '.lost | length'))" \
    [ "$(conv "$r" '.lost | length')" = 0 -a "$(conv "$r" .lost_count)" = 0 ]
check "raft: convergence valid ($(conv "$r" .valid))" [ "$(conv "$r" .valid)" = true ]
check "raft: every node's final state, all alike" \
    [ "$(conv "$r" '[.final[]] | length')" = 5 -a "$(conv "$r" '[.final[]] | unique | length')" = 1 ]
check "raft: time to converge measured ($(conv "$r" .time_to_converge_ms))" \
    [ "$(conv "$r" '.time_to_converge_ms | type')" = number ]
check "raft: the convergence check counts in the verdict" \
    [ "$(jq -r '[.checks[] | select(.name == "convergence") | .valid] | tostring' "$r")" = '[true]' ]
check "primary: invalid ($(verdict "$p"))" [ "$(verdict "$p")" = false ]
check "primary: convergence well-formed" [ "$(conv "$p" '[(.valid | type), (.converged | type),
    (.lost | type), (.lost_count | type), (.invented | type), (.invented_count | type),
    (.final | length), (.reasons | type)] | join(",")')" = "boolean,boolean,array,number,array,number,5,array" ]
check "primary: lost_count matches its list ($(conv "$p" .lost_count))" \
    [ "$(conv "$p" '(.lost | length) == ([.lost_count, 32] | min)')" = true ]

store="$tmp/wrong"
check_exit 1 "--node wrong g-counter: invalid, exit 1" \
    timeout 150 ./harness run no-faults --workload g-counter --node "python3 $P/counter_wrong.py" \
    --seed 7 --time-limit 4 --store "$store"
w="$store/latest/results.json"
check "wrong counter: updates lost below the range ($(conv "$w" .lost_count))" \
    [ "$(conv "$w" .lost_count)" -gt 0 ]
check "wrong counter: from final reads, no time to converge" \
    [ "$(conv "$w" .time_to_converge_ms)" = null ]
check_output -E 'convergence: invalid: [0-9]+ lost updates' "the console says why convergence failed"

store="$tmp/kv"
run timeout 150 ./harness run no-faults --workload lin-kv --node "python3 $P/lin_kv_forward.py" \
    --seed 2 --time-limit 3 --store "$store"
k="$store/latest/results.json"
check "--node lin-kv: convergence unknown, not in the checks" \
    [ "$(conv "$k" .valid)" = unknown -a "$(jq '[.checks[] | select(.name == "convergence")] | length' "$k")" = 0 ]

store="$tmp/lww"
check_exit 0 "lww-skew seed 4: lww invalid, as expected" \
    timeout 150 ./harness run tests/data/scenarios/lww-skew.conf --system lww --seed 4 --store "$store"
l="$store/latest/results.json"
check "lww: acknowledged writes lost ($(conv "$l" .lost_count)), all replicas alike" \
    [ "$(conv "$l" .lost_count)" -gt 0 -a "$(conv "$l" .converged)" = true ]
check_output -E 'convergence: invalid: [0-9]+ lost writes \(first: (write|cas) ' "the console names the lost writes"

store="$tmp/crdt"
check_exit 0 "crdt-no-gossip seed 1: crdt invalid, as expected" \
    timeout 150 ./harness run tests/data/scenarios/crdt-no-gossip.conf --seed 1 --store "$store"
c="$store/latest/results.json"
check "crdt without gossip: adds lost ($(conv "$c" .lost_count)), not converged" \
    [ "$(conv "$c" .lost_count)" -gt 0 -a "$(conv "$c" .converged)" = false ]
