#!/usr/bin/env bash
# chaos_raft_txn.t -- raft's txn operation (a whole txn in one log entry)
# under split-brain, seed 3, 8 s: the txn-list-append and txn-rw-register
# runs exit 0 and Elle's check (the "elle" entry of results.json) finds
# them strict serializable, with ops that really succeeded.
. "$(dirname "$0")/lib.sh" chaos-raft-txn
need_program perl perl
plan 6
for w in txn-list-append txn-rw-register; do
    store="$tmp/$w"
    check_exit 0 "$w: raft run under split-brain exits 0" \
        timeout 120 ./harness run split-brain --system raft --workload "$w" --seed 3 \
        --time-limit 8 --store "$store"
    r=$(ls "$store"/split-brain/raft/*/results.json 2>/dev/null | tail -1)
    e=$(perl -MJSON::PP -0777 -ne 'for (@{decode_json ($_)->{checks}}) {
        print "$_->{valid} $_->{details}{consistency}" if $_->{name} eq "elle" }' "$r" 2>/dev/null)
    check "$w: elle says strict serializable ($e)" [ "$e" = "1 strict-serializable" ]
    k=$(ok_count "$r")
    check "$w: real ok count (${k:-none})" [ "${k:-0}" -gt 100 ]
done
