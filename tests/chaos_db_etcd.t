#!/usr/bin/env bash
# chaos_db_etcd.t -- a real etcd cluster (Debian's etcd-server 3.4) under
# the lab's scenarios, on the IP-level fault plane (docs/real-databases.md),
# with fixed seeds. With linearizable reads (the shim's default) etcd is
# linearizable on split-brain and isolate-leader; with reads=serializable a
# member cut off with its clients answers from its own state and the
# checker finds the stale reads (tests/data/scenarios/etcd-stale-reads.conf);
# the same cut with linearizable reads stays valid.
. "$(dirname "$0")/lib.sh" chaos-db-etcd
plan 10
need_program etcd etcd-server
need_file bin/node-etcd "run make lab"
[ "$(id -u)" = 0 ] || fail_rest "the IP-level plane needs root (network namespaces, nftables)"

# db_run NAME STATUS SCENARIO ARGS...: one run into $tmp/NAME, exit STATUS.
db_run () {
    local name=$1 status=$2 sc=$3
    shift 3
    check_exit "$status" "$name: $sc $* exits $status" \
        timeout 200 ./harness run "$sc" --system etcd "$@" --store "$tmp/$name"
    results=$(ls "$tmp/$name"/*/etcd/*/results.json 2>/dev/null | head -1)
}

db_run sb 0 split-brain --seed 1 --time-limit 12
v=$(verdict "$results" 2>/dev/null)
check "split-brain: etcd is linearizable (${v:-no verdict})" [ "$v" = true ]
k=$(ok_count "$results")
check "split-brain: ops were served (ok ${k:-none})" [ "${k:-0}" -gt 100 ]

db_run il 0 isolate-leader --seed 1 --time-limit 12
v=$(verdict "$results" 2>/dev/null)
check "isolate-leader: etcd is linearizable (${v:-no verdict})" [ "$v" = true ]

db_run stale 0 tests/data/scenarios/etcd-stale-reads.conf --seed 1
v=$(verdict "$results" 2>/dev/null)
check "serializable reads on a cut-off member: not linearizable (${v:-no verdict})" [ "$v" = false ]
k=$(ok_count "$results")
check "serializable reads: the cut-off member kept answering (ok ${k:-none})" [ "${k:-0}" -gt 100 ]

# The same cut with linearizable reads: valid, which differs from the
# scenario's expectation (invalid), so the run exits 1.
db_run lin 1 tests/data/scenarios/etcd-stale-reads.conf --seed 1 --config reads=linearizable
v=$(verdict "$results" 2>/dev/null)
check "linearizable reads on the same cut: linearizable (${v:-no verdict})" [ "$v" = true ]
