#!/usr/bin/env bash
# chaos_crdt.t -- bin/node-crdt under partitions, shortened, fixed seeds:
# a g-set and a pn-counter under halves partitions (scenarios of our own in
# tests/data/scenarios/), the counter scenario again as a g-counter
# (--workload), and scenarios/crdt-partition (halves, minority, isolate).
# Every node answers from its own replica, so every op succeeds, and after
# the final heal the gossip has joined the replicas: set-full and the
# counter check find every acknowledged add in every final read. The
# negative control: with gossip turned off (tests/data/scenarios/
# crdt-no-gossip.conf, --param gossip=false) set-full must find adds lost.
. "$(dirname "$0")/lib.sh" chaos-crdt
plan 19
need_file bin/node-crdt "run make lab"

# check_name RESULTS NAME: the verdict of the check NAME in results.json.
check_verdict () {
    perl -MJSON::PP -0777 -ne 'my $r = decode_json ($_); for my $c (@{$r->{checks}}) {
        print $c->{valid} ? "true" : "false" if $c->{name} eq "'"$2"'" }' "$1" 2>/dev/null
}

# crdt_valid DESC CHECK SCENARIO ARGS...: four tests of one run with seed 1:
# it exits 0 (every verdict as expected), results.json says valid, the
# workload's check is valid, and every op succeeded (AP: no errors, no
# timeouts, partitions or not).
crdt_valid () {
    local desc=$1 name=$2 store="$tmp/run$n"; shift 2
    check_exit 0 "$desc: exits 0" \
        timeout 150 ./harness run "$@" --system crdt --seed 1 --store "$store"
    local results=$(ls "$store"/*/crdt/*/results.json 2>/dev/null | head -1)
    local v=$(verdict "$results" 2>/dev/null) c=$(check_verdict "$results" "$name")
    check "$desc: verdict is valid (${v:-no results.json})" [ "$v" = true ] || diag_run
    check "$desc: check $name is valid (${c:-absent})" [ "$c" = true ]
    local ops=$(perl -MJSON::PP -0777 -ne 'my $o = decode_json ($_)->{ops};
        print "$o->{ok} $o->{fail} $o->{info}"' "$results" 2>/dev/null)
    check "$desc: every op ok (ok fail info: ${ops:-none})" \
        perl -e 'my ($ok, $f, $i) = split " ", $ARGV[0]; exit !($ok > 0 && !$f && !$i)' "$ops"
}

crdt_valid "g-set, halves" set-full tests/data/scenarios/crdt-gset-halves.conf --time-limit 6
crdt_valid "pn-counter, halves" counter tests/data/scenarios/crdt-counter-halves.conf --time-limit 6
crdt_valid "g-counter, halves" counter tests/data/scenarios/crdt-counter-halves.conf \
    --workload g-counter --time-limit 6
crdt_valid "crdt-partition" set-full crdt-partition --time-limit 8

store="$tmp/none"
check_exit 0 "no gossip: exits 0 (crdt invalid, as the scenario expects)" \
    timeout 150 ./harness run tests/data/scenarios/crdt-no-gossip.conf --seed 1 \
    --time-limit 4 --store "$store"
results=$(ls "$store"/*/crdt/*/results.json 2>/dev/null | head -1)
v=$(verdict "$results" 2>/dev/null)
check "no gossip: verdict is invalid (${v:-no results.json})" [ "$v" = false ] || diag_run
lost=$(perl -MJSON::PP -0777 -ne 'for my $c (@{decode_json ($_)->{checks}}) {
    print $c->{details}{lost_count} if $c->{name} eq "set-full" }' "$results" 2>/dev/null)
check "no gossip: set-full finds acknowledged adds lost (${lost:-none})" [ "${lost:-0}" -gt 0 ]
