#!/usr/bin/env bash
# chaos_txn_systems.t -- our systems' txns judged by Elle's check (the
# "elle" entry of results.json). raft (a whole txn in one log entry) under
# split-brain, seed 3, 8 s: the txn-list-append and txn-rw-register runs
# exit 0 and are strict serializable, with ops that really succeeded. lww
# (per-key writes, no isolation, whole lists last-write-wins) on a calm
# network, seed 4, 5 s: invalid, its anomalies named.
. "$(dirname "$0")/lib.sh" chaos-txn-systems
need_program perl perl
plan 10
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
for w in txn-list-append txn-rw-register; do
    store="$tmp/lww-$w"
    timeout 120 ./harness run no-faults --system lww --workload "$w" --seed 4 \
        --time-limit 5 --store "$store" > "$tmp/lww.out" 2>&1
    r=$(ls "$store"/no-faults/lww/*/results.json 2>/dev/null | tail -1)
    e=$(perl -MJSON::PP -0777 -ne 'for (@{decode_json ($_)->{checks}}) {
        print $_->{valid} ? "valid" : "invalid:", join (",", @{$_->{details}{anomaly_types}})
        if $_->{name} eq "elle" }' "$r" 2>/dev/null)
    check "lww $w: elle finds it not strict serializable ($e)" grep -q '^invalid:.*G' <<< "$e"
    k=$(ok_count "$r")
    check "lww $w: real ok count (${k:-none})" [ "${k:-0}" -gt 100 ]
done
