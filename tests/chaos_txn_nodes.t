#!/usr/bin/env bash
# chaos_txn_nodes.t -- the txn workloads judged by Elle's check in real
# runs (lab/runner.c through check.h): tests/nodes/python/txn_single.py (one
# store, txns applied whole) is valid, strict serializable, for list-append
# and rw-register; txn_gossip.py (a store per node, writes gossiped late) is
# invalid, and results.json names its anomalies. Fixed seeds, 4 s each.
. "$(dirname "$0")/lib.sh" chaos-txn-nodes
plan 15
need_program python3 python3
need_program perl perl
P="python3 tests/nodes/python"
node_verdict no-faults txn-list-append 1 true  "$P/txn_single.py"
node_verdict no-faults txn-rw-register 2 true  "$P/txn_single.py"
node_verdict no-faults txn-list-append 3 false "$P/txn_gossip.py"
types=$(perl -MJSON::PP -0777 -ne 'my $c = decode_json ($_)->{checks}[0];
    print "$c->{name}: ", join (" ", @{$c->{details}{anomaly_types}})' "$tmp"/run*/latest/results.json 2>/dev/null | tail -1)
check "the gossip store's list-append anomalies are named ($types)" grep -qE '^elle: .*G' <<< "$types"
check "a txn run's check is elle, not a placeholder" \
    grep -q '"name": "elle"' "$tmp"/run*/latest/results.json
node_verdict no-faults txn-rw-register 4 false "$P/txn_gossip.py"
check "the gossip store's register run rules out a level" \
    perl -MJSON::PP -0777 -ne 'exit !@{decode_json ($_)->{checks}[0]{details}{not}}' \
    $(ls -d "$tmp"/run*/latest | tail -1)/results.json
