#!/usr/bin/env bash
# harness_config.t -- `run --config K=V[,K=V...]`: each bad item is refused
# before anything runs, with exit 64 naming the option, the item and what
# is wrong (w and r against the scenario's node count, the booleans, the
# key's form, empty items, a key given twice, a key no system reads, a key
# no system the run chose reads (saying what they read and who reads it), the
# lab's own workload); a good one reaches results.json as the object
# "config" and the replay line; `up --config` is checked the same way.
. "$(dirname "$0")/lib.sh" config
plan 18
sed 's/^nodes = .*/nodes = 3/' scenarios/no-faults.conf > "$tmp/three.conf"
bad () {
    check_error 64 "$2" "--config $1: exit 64 ($2)" \
        timeout 30 ./harness run "$tmp/three.conf" --system raft --config "$1" --store "$tmp/st"
}
bad 'w=5' "--config: w=5: more than the scenario's 3 nodes"
bad 'w=quorum,r=some' "--config: r=some: 'some' is not one, quorum, all or a number 1..3"
bad 'r=0' "--config: r=0: '0' is not one, quorum, all or a number 1..3"
bad 'read_repair=maybe' "--config: read_repair=maybe: 'maybe' is not true or false"
bad 'W=1' "--config: W=1: 'W' is not a lowercase name"
bad 'w=' "--config: w=: empty value"
bad 'w=one,,r=one' "--config: w=one,,r=one: an empty item"
bad 'w=one,w=all' "--config: w=all: 'w' given twice (w=one and w=all)"
bad 'bogus=1' "--config: bogus=1: 'bogus' is not a key any of our systems reads (known: w, r, read_repair, hinted_handoff (quorum); gossip (crdt); .*; bug)"
bad 'workload=g-set' "--config: workload=g-set: 'workload' is set by the lab (the run's --workload), not by --config"
check "a refused --config made no run directory" [ ! -e "$tmp/st" ]
check_error 64 "--config: wait: not a key etcd reads (etcd reads: reads; redis reads it)" \
    "--config wait=2,w=quorum --system etcd: exit 64, etcd reads neither" \
    ./harness run split-brain --system etcd --config wait=2,w=quorum --store "$tmp/st"
check_error 64 "--config: w: not a key any of primary, raft reads (primary reads: none; raft reads: heartbeat_ms" \
    "--config w=2 on split-brain's primary and raft: exit 64, naming each one's keys" \
    ./harness run split-brain --config w=2 --store "$tmp/st"
run timeout 60 ./harness run "$tmp/three.conf" --system quorum --time-limit 1 --seed 3 \
    --config 'w=quorum,r=1,hinted_handoff=false' --store "$tmp/st"
results=$(ls "$tmp"/st/three/quorum/*/results.json 2>/dev/null | head -1)
check "results.json has config {w: quorum, r: 1, hinted_handoff: false}" python3 -c '
import json, sys
c = json.load (open (sys.argv [1])).get ("config")
sys.exit (c != {"w": "quorum", "r": "1", "hinted_handoff": "false"})' "$results" || diag_run
check_output -F "--config 'w=quorum,r=1,hinted_handoff=false'" "the replay line carries the --config"
#  up checks w and r against --nodes, given before or after --config.
check_error 64 "--config: w=4: more than the lab's 3 nodes" "up --config w=4 --nodes 3: exit 64 naming the item" \
    env FAULTLAB_UP="$tmp/up.json" timeout 30 ./harness up --system raft --config w=4 --nodes 3 \
    --store "$tmp/up"
check_error 64 "--config: r=all: 'r' given twice (r=one and r=all)" "up --config r=one,r=all: exit 64 naming both" \
    env FAULTLAB_UP="$tmp/up.json" timeout 30 ./harness up --system quorum --config r=one,r=all \
    --store "$tmp/up"
check_error 64 "--config: bogus=1: 'bogus' is not a key any of our systems reads" \
    "up --config bogus=1: exit 64 naming the key" \
    env FAULTLAB_UP="$tmp/up.json" timeout 30 ./harness up --system crdt --config bogus=1 \
    --store "$tmp/up"
