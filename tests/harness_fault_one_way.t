#!/usr/bin/env bash
# harness_fault_one_way.t -- ./harness fault partition one-way on a lab
# kept up by ./harness up (raft, 3 nodes): the proxy then blocks exactly
# n1->n3 and n2->n3, replacing the partition in force; its stats show every
# message from n1,n2 to n3 dropped and none delivered while n3's messages to
# n1,n2 are all delivered; faults.jsonl records it; heal ends it; a bad
# one-way is a usage error (64) naming the word.
. "$(dirname "$0")/lib.sh" oneway
export FAULTLAB_UP="$tmp/up.json"
pid=
at_exit '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null'
plan 24
need_program perl perl

./harness up --system raft --nodes 3 --seed 9 --store "$tmp/store" > "$tmp/up.out" 2>&1 &
pid=$!
wait_for 10 test -s "$FAULTLAB_UP" || fail_rest "up wrote no $FAULTLAB_UP: $(cat "$tmp/up.out")"
wait_for 2 perl -MJSON::PP -0777 -e 'decode_json (<STDIN>)' < "$FAULTLAB_UP"
proxy=$(perl -MJSON::PP -0777 -e 'print decode_json (<STDIN>)->{proxy}' < "$FAULTLAB_UP")

# snapshot NAME: the proxy's stats now, in $tmp/NAME.
snapshot () { bin/proxy --ctl "$proxy" '{"cmd":"stats"}' > "$tmp/$1"; }
# count NAME FIELD LINK...: FIELD summed over the links in snapshot NAME.
count () {
    local name=$1 field=$2; shift 2
    perl -MJSON::PP -0777 -e 'my $links = decode_json (<STDIN>)->{links}; my $sum = 0;
        $sum += ($links->{$_} || {})->{$ARGV[0]} || 0 for @ARGV[1 .. $#ARGV]; print $sum' \
        "$field" "$@" < "$tmp/$name"
}
# grown FIELD BY LINK...: FIELD over LINKs grew by BY or more since "before".
grown () {
    local field=$1 by=$2; shift 2
    snapshot now && [ $(( $(count now "$field" "$@") - $(count before "$field" "$@") )) -ge "$by" ]
}
rules () { bin/proxy --ctl "$proxy" '{"cmd":"state"}' | grep -o '"rules":\[[^]]*\]'; }

run timeout 20 ./harness fault partition halves
check_output 'in force: partition halves' "a two-way partition first (${out//$'\n'/ })"

run timeout 20 ./harness fault partition one-way 'n1,n2 -> n3'
check_output -E '^done: one-way: n1,n2 -/-> n3$' "one-way: the detail says which way is cut (${out//$'\n'/ })"
check_output -E '^in force: partition one-way: n1,n2 -/-> n3$' "and it replaces the halves in force"
snapshot before
state=$(rules)
check "the proxy blocks n1->n3 and n2->n3 and nothing else ($state)" \
    [ "$state" = '"rules":[{"src":"n1","dest":"n3","block":true},{"src":"n2","dest":"n3","block":true}]' ]

# n3 hears no leader, so it asks for votes (n3 -> n1,n2) while the leader's
# heartbeats to it (n1,n2 -> n3) go on: traffic both ways, within seconds.
wait_for 10 grown sent 5 n1-\>n3 n2-\>n3
wait_for 10 grown sent 3 n3-\>n1 n3-\>n2
snapshot after
cut_sent=$(( $(count after sent n1-\>n3 n2-\>n3) - $(count before sent n1-\>n3 n2-\>n3) ))
cut_dropped=$(( $(count after dropped n1-\>n3 n2-\>n3) - $(count before dropped n1-\>n3 n2-\>n3) ))
cut_delivered=$(( $(count after delivered n1-\>n3 n2-\>n3) - $(count before delivered n1-\>n3 n2-\>n3) ))
open_sent=$(( $(count after sent n3-\>n1 n3-\>n2) - $(count before sent n3-\>n1 n3-\>n2) ))
open_dropped=$(( $(count after dropped n3-\>n1 n3-\>n2) - $(count before dropped n3-\>n1 n3-\>n2) ))
open_delivered=$(( $(count after delivered n3-\>n1 n3-\>n2) - $(count before delivered n3-\>n1 n3-\>n2) ))
check "n1,n2 -> n3: $cut_sent sent, all $cut_dropped dropped, $cut_delivered delivered" \
    [ "$cut_sent" -ge 5 -a "$cut_dropped" = "$cut_sent" -a "$cut_delivered" = 0 ]
check "n3 -> n1,n2: $open_sent sent, all $open_delivered delivered, $open_dropped dropped" \
    [ "$open_sent" -ge 3 -a "$open_delivered" = "$open_sent" -a "$open_dropped" = 0 ]
check_grep -F '"phase":"start","fault":"partition","target":"","detail":"one-way: n1,n2 -/-> n3"' \
    "$tmp"/store/up/raft/*/faults.jsonl "faults.jsonl records the one-way partition"

run timeout 20 ./harness fault partition one-way random '->' rest
check_output -E '^done: one-way: n[1-3] -/-> n[1-3],n[1-3]$' "random -> rest: one node drawn, the rest named (${out//$'\n'/ })"

run timeout 20 ./harness fault heal
check_output -E '^in force: none$' "heal ends the one-way partition (${out//$'\n'/ })"
state=$(rules)
check "and the proxy has no rule left ($state)" [ "$state" = '"rules":[]' ]
check_grep -F '"phase":"end","fault":"partition","target":"","detail":"one-way: n' \
    "$tmp"/store/up/raft/*/faults.jsonl "faults.jsonl records its end"

# Message-type blocks: appends dropped on every node link, votes delivered.
run timeout 20 ./harness fault block-type append_entries '* -> *'
check_output -E '^done: append_entries: \* -/-> \*$' "block-type: the detail names types and links (${out//$'\n'/ })"
state=$(bin/proxy --ctl "$proxy" '{"cmd":"state"}')
check "the proxy holds a type block on each of the 6 node links ($state)" \
    [ "$(grep -o '"types":\["append_entries"\]' <<< "$state" | wc -l)" = 6 ]
snapshot before
links="n1->n2 n1->n3 n2->n1 n2->n3 n3->n1 n3->n2"
# With appends dropped the followers hear no leader and pre-vote: some of
# what they send is delivered while every append is dropped.
wait_for 10 grown dropped 5 $links
wait_for 10 grown delivered 3 $links
snapshot after
check "appends dropped, other messages delivered on the same links" \
    [ $(( $(count after dropped $links) - $(count before dropped $links) )) -ge 5 \
      -a $(( $(count after delivered $links) - $(count before delivered $links) )) -ge 3 ]
# Unblocking one link leaves the others held: the fault is still in force.
run timeout 20 ./harness fault unblock-type append_entries 'n1 -> n2'
check_output -E '^in force: block-type append_entries: \* -/-> \*$' \
    "unblocking one link leaves the block in force (${out//$'\n'/ })"
check "and its period has not ended" \
    [ "$(grep -c '"phase":"end","fault":"block-type"' "$tmp"/store/up/raft/*/faults.jsonl)" = 0 ]
run timeout 20 ./harness fault unblock-type append_entries '* -> *'
check_grep -F '"phase":"end","fault":"block-type","target":"types:' \
    "$tmp"/store/up/raft/*/faults.jsonl "the last link unblocked ends its period"
state=$(rules)
check "unblock-type takes them all back ($state)" [ "$state" = '"rules":[]' ]
check_error 64 "'clients' in a block-type names the run's clients" \
    "block-type naming clients in an up lab (which runs none): 64" \
    timeout 20 ./harness fault block-type read 'clients -> n1'

# The proxy knows FL_PROXY_TYPES_MAX (32) types: append_entries and 31
# more fit ('read' was refused above, so it never reached the proxy); the
# 33rd is refused before anything changes.
for g in a b c; do
    timeout 20 ./harness fault block-type ${g}1,${g}2,${g}3,${g}4,${g}5,${g}6,${g}7,${g}8 \
        'n1 -> n2' > /dev/null 2>&1
done
timeout 20 ./harness fault block-type d1,d2,d3,d4,d5,d6,d7 'n1 -> n2' > /dev/null 2>&1
check_error 64 "blocked 32 distinct message types, and 1 more would pass the proxy's 32" \
    "a 33rd message type: 64, naming the proxy's limit" \
    timeout 20 ./harness fault block-type e1 'n1 -> n3'
run timeout 20 ./harness fault heal
check_output -E '^in force: none$' "heal ends every type block (${out//$'\n'/ })"

check_error 64 "'n4' in partition one-way 'n1 -> n4' is not a node (n1..n3" \
    "a node outside the lab: 64 naming it" timeout 20 ./harness fault partition one-way 'n1 -> n4'
# What a shell passes for an unquoted  n1,n2 -> n3 : "-", and stdout to n3.
check_error 64 "has no '->'.*quote it" "an unquoted arrow: 64, saying to quote it" \
    timeout 20 ./harness fault partition one-way n1,n2 -

kill -INT $pid
wait_exit $pid 10
pid=
check "Ctrl-C stops up (got $rc)" [ "$rc" = 0 ]
