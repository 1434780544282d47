#!/usr/bin/env bash
# chaos_tours.t -- the scripted tours of issue 9, each run once against
# every system it lists (seed 1, one client, explicit steps): cap-tour's
# refusal at n3 for raft and stale read there for primary and lww,
# cap-proof's read at B during the partition, cart-conflict's lost item
# under lww and both items kept by the OR-set; the consistency spectrum of
# a tour's kv history in results.json and report.html; --workload refused
# on a tour. Asserted on results.json's
# "steps", "replicas" and "checks" (DESIGN section 9), never on timings.
. "$(dirname "$0")/lib.sh" chaos-tours
plan 21
for s in lww quorum crdt; do
    need_file bin/node-$s "make lab builds it (nodes/$s)"
done

# step RESULTS N: "TYPE VALUE" of step N (VALUE as JSON text, strings bare).
step () {
    perl -MJSON::PP -0777 -ne 'my $r = decode_json ($_);
        for my $s (@{$r->{steps}}) {
            next unless $s->{step} == '"$2"';
            my $v = $s->{value};
            $v = ref $v ? JSON::PP->new->canonical->encode ($v) : defined $v ? $v : "null";
            print "$s->{type} $v";
        }' "$1"
}
# held RESULTS KEY: what every replica holds for KEY, "n1=V n2=V ...".
held () {
    perl -MJSON::PP -0777 -ne 'my $r = decode_json ($_); my @out;
        for my $n (sort keys %{$r->{replicas}}) {
            my $v = "none";
            for my $p (@{$r->{replicas}{$n} // []}) {
                $v = JSON::PP->new->canonical->encode ($p->[1]) if $p->[0] eq "'"$2"'";
            }
            push @out, "$n=$v";
        }
        print join " ", @out' "$1"
}
# lost RESULTS: the values the "lost" check names, space-separated.
lost () {
    perl -MJSON::PP -0777 -ne 'my $r = decode_json ($_);
        for my $c (@{$r->{checks}}) {
            next unless $c->{name} eq "lost";
            print join " ", map { JSON::PP->new->allow_nonref->encode ($_->{value}) }
                @{$c->{details}{lost} // []};
        }' "$1"
}

check_exit 0 "cap-tour: every system's verdict as expected" \
    timeout 120 ./harness run cap-tour --store "$tmp/tour"
check_output '^10 read n3 user:alice' "cap-tour: the side-by-side table has step 10"
check_output '^after: user:alice n1/n2/n3' "cap-tour: and what each replica holds after the heal"
r="$tmp/tour/cap-tour"
raft8=$(step "$r"/raft/*/results.json 8)
check "cap-tour: raft refuses at n3 during the isolation ($raft8)" \
    grep -qE '^(fail|info) ' <<< "$raft8"
primary8=$(step "$r"/primary/*/results.json 8)
check "cap-tour: primary's isolated n3 answers the stale value ($primary8)" \
    [ "$primary8" = "ok active" ]
lww8=$(step "$r"/lww/*/results.json 8)
check "cap-tour: lww's isolated n3 answers the stale value ($lww8)" [ "$lww8" = "ok active" ]
f4=$(step "$r"/raft/*/results.json 4) f9=$(step "$r"/raft/*/results.json 9)
check "cap-tour: steps 4 and 9 are faults ($f4, $f9)" [ "${f4%% *}/${f9%% *}" = fault/fault ]
raft10=$(step "$r"/raft/*/results.json 10)
check "cap-tour: raft's n3 reads the suspension once settled ($raft10)" \
    [ "$raft10" = "ok suspended" ]
pl=$(lost "$r"/primary/*/results.json)
check "cap-tour: primary's heal lost the acknowledged suspension ($pl)" [ "$pl" = '"suspended"' ]
sp=$(perl -MJSON::PP -0777 -ne 'my $s = decode_json ($_)->{spectrum};
    print $s && $s->{models}{linearizable} ? "$s->{strongest}" : "none"' "$r"/raft/*/results.json)
check "cap-tour: raft's results.json has the spectrum (strongest $sp)" [ "$sp" = linearizable ]
check_grep 'Consistency spectrum' "$(ls "$r"/raft/*/report.html)" \
    "cap-tour: and its report.html the Consistency spectrum section"
check "cap-tour: raft's tour history checks linearizable on its own" \
    ./harness check "$(dirname "$(ls "$r"/raft/*/results.json)")/history.jsonl" --model kv

check_exit 0 "cap-proof: every system's verdict as expected" \
    timeout 60 ./harness run cap-proof --store "$tmp/proof"
p="$tmp/proof/cap-proof"
b1=$(step "$p"/primary/*/results.json 5) b2=$(step "$p"/raft/*/results.json 5)
check "cap-proof: B answers the old X = 10 under primary ($b1)" [ "$b1" = "ok 10" ]
check "cap-proof: B refuses under raft ($b2)" grep -qE '^(fail|info) ' <<< "$b2"

check_exit 0 "cart-conflict: every system's verdict as expected" \
    timeout 60 ./harness run cart-conflict --store "$tmp/cart"
c="$tmp/cart/cart-conflict"
ll=$(lost "$c"/lww/*/results.json) lh=$(held "$c"/lww/*/results.json cart:bob)
item=${ll//\"/}
check "cart-conflict: lww names the one item it lost ($ll; holds $lh)" \
    bash -c '[ "$1" = milk -o "$1" = eggs ] && ! grep -q "$1" <<< "$2"' _ "$item" "$lh"
ch=$(held "$c"/crdt/*/results.json cart:bob)
check "cart-conflict: the OR-set keeps both items on every replica ($ch)" \
    [ "$ch" = 'n1=["eggs","milk"] n2=["eggs","milk"] n3=["eggs","milk"]' ]
cl=$(lost "$c"/crdt/*/results.json)
check "cart-conflict: and the crdt run loses nothing (${cl:-none})" [ -z "$cl" ]

check_error 64 "--workload g-set: scenario cap-tour is a tour" \
    "run cap-tour --workload g-set: exit 64 naming the scenario as a tour" \
    timeout 30 ./harness run cap-tour --system crdt --workload g-set --store "$tmp/wl"
check "a refused --workload made no run directory" [ ! -e "$tmp/wl" ]
