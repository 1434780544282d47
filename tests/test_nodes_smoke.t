#!/usr/bin/env bash
# test_nodes_smoke.t -- the Maelstrom-style test nodes of tests/nodes/
# (Python, JavaScript, Ruby), by hand, without the lab: each gets init and
# a few requests of its workload as JSON lines on stdin, and must answer
# init_ok and its workload's replies with Maelstrom's exact bodies (each
# line compared whole, keys sorted, so an extra key fails too). Every run
# ends with a message of a type the node has no handler for: as with
# Maelstrom's own libraries, that must kill the node (exit non-zero, "no
# handler" on stderr), not be answered or ignored. counter_kv.js, which
# talks to seq-kv, is driven as a conversation: this test plays seq-kv.
# Without python3, node or ruby every test fails saying what to install.
. "$(dirname "$0")/lib.sh" nodes-smoke
plan 94
need_program python3 python3
need_program node nodejs
need_program ruby ruby
need_program perl perl
N=tests/nodes

# Each line of JSON, re-encoded with sorted keys; other lines as they are.
cat > "$tmp/canon.pl" <<'PL'
use strict; use warnings; use JSON::PP;
my $j = JSON::PP->new->canonical;
while (my $l = <STDIN>) {
    chomp $l;
    my $v = eval { $j->decode ($l) };
    print ref $v ? $j->encode ($v) : $l, "\n";
}
PL
canon () { perl "$tmp/canon.pl"; }

init_ok () { echo '{"body":{"in_reply_to":1,"type":"init_ok"},"dest":"c0","src":"'"$1"'"}'; }
UNKNOWN='{"src":"c1","dest":"n1","body":{"type":"no_such_type","msg_id":99}}'

# feed NAME NODE_ID CMD -- LINE...: runs CMD (5 s at most) with stdin the
# init for NODE_ID (of n1, n2), the LINEs, then a message of an unknown
# type. $tmp/NAME.out: its stdout, canonical; $tmp/NAME.err: its stderr;
# $rc its exit status. Then tests that it answered init.
feed () {
    local name=$1 id=$2 cmd=()
    shift 2
    while [ "$1" != -- ]; do cmd+=("$1"); shift; done
    shift
    {
        echo '{"src":"c0","dest":"'"$id"'","body":{"type":"init","node_id":"'"$id"'","node_ids":["n1","n2"],"msg_id":1}}'
        printf '%s\n' "$@" "${UNKNOWN/\"n1\"/\"$id\"}"
    } > "$tmp/$name.in"
    timeout 5 "${cmd[@]}" < "$tmp/$name.in" > "$tmp/$name.raw" 2> "$tmp/$name.err"
    rc=$?
    canon < "$tmp/$name.raw" > "$tmp/$name.out"
    answers "$name" "$(init_ok "$id")" "$name: init_ok"
}

# _show NAME: what NAME was given and what it wrote, as TAP comments.
_show () {
    diag "it was given:" "$(cat "$tmp/$1.in")" "it wrote:" "$(cat "$tmp/$1.out")" \
         "on stderr (last lines):" "$(tail -n 8 "$tmp/$1.err")"
}

# answers NAME LINE DESC: NAME's stdout has LINE (canonical), whole.
answers () {
    grep -qFx -- "$2" "$tmp/$1.out"
    ok $? "$3" && return 0
    diag "wanted the line: $2"; _show "$1"; return 1
}

# lacks NAME PATTERN DESC: no line of NAME's stdout matches PATTERN.
lacks () {
    ! grep -qF -- "$2" "$tmp/$1.out"
    ok $? "$3" && return 0
    diag "wanted no line with: $2"; _show "$1"; return 1
}

# died NAME: the message of unknown type killed it (not a timeout).
died () {
    [ "$rc" != 0 ] && [ "$rc" != 124 ] && grep -qi 'no handler' "$tmp/$1.err"
    ok $? "$1: a message of unknown type kills it (exit $rc)" && return 0
    diag "wanted a non-zero exit other than 124 and 'no handler' on stderr"; _show "$1"; return 1
}

# req MSG_ID BODY-FIELDS [SRC]: a request to n1 from c1 (or SRC).
req () { echo '{"src":"'"${3:-c1}"'","dest":"n1","body":{'"$2"',"msg_id":'"$1"'}}'; }
reply () { echo '{"body":{'"$2"'"in_reply_to":'"$1"',"type":"'"$3"'"},"dest":"'"${4:-c1}"'","src":"n1"}' | canon; }
TOPOLOGY='"type":"topology","topology":{"n1":["n2"],"n2":["n1"]}'

# --- python ----------------------------------------------------------
feed py-echo n1 python3 $N/python/echo.py -- "$(req 2 '"type":"echo","echo":"Please echo 42"')"
answers py-echo "$(reply 2 '"echo":"Please echo 42",' echo_ok)" "py-echo: echo_ok with the same echo"
died py-echo

feed py-unique_ids n1 python3 $N/python/unique_ids.py -- "$(req 2 '"type":"generate"')" "$(req 3 '"type":"generate"')"
answers py-unique_ids "$(reply 2 '"id":"n1-1",' generate_ok)" "py-unique_ids: generate_ok with an id"
answers py-unique_ids "$(reply 3 '"id":"n1-2",' generate_ok)" "py-unique_ids: the next id differs"
died py-unique_ids

feed py-g_set n1 python3 $N/python/g_set.py -- "$(req 2 '"type":"add","element":3')" \
    '{"src":"n2","dest":"n1","body":{"type":"gossip","value":[5]}}' "$(req 3 '"type":"read"')"
answers py-g_set "$(reply 2 '' add_ok)" "py-g_set: add_ok"
answers py-g_set "$(reply 3 '"value":[3,5],' read_ok)" "py-g_set: read_ok value holds its add and the gossip's"
died py-g_set

feed py-broadcast_retry n1 python3 $N/python/broadcast_retry.py -- "$(req 2 "$TOPOLOGY")" \
    "$(req 3 '"type":"broadcast","message":7')" "$(req 4 '"type":"read"')"
answers py-broadcast_retry "$(reply 2 '' topology_ok)" "py-broadcast_retry: topology_ok"
answers py-broadcast_retry "$(reply 3 '' broadcast_ok)" "py-broadcast_retry: broadcast_ok"
answers py-broadcast_retry '{"body":{"message":7,"msg_id":1,"type":"broadcast"},"dest":"n2","src":"n1"}' \
    "py-broadcast_retry: the message goes to its neighbour as an rpc"
answers py-broadcast_retry "$(reply 4 '"messages":[7],' read_ok)" "py-broadcast_retry: read_ok messages"
died py-broadcast_retry

feed py-counter_wrong n1 python3 $N/python/counter_wrong.py -- "$(req 2 '"type":"add","delta":2')" \
    "$(req 3 '"type":"add","delta":3')" "$(req 4 '"type":"read"')"
answers py-counter_wrong "$(reply 2 '' add_ok)" "py-counter_wrong: add_ok"
answers py-counter_wrong "$(reply 4 '"value":5,' read_ok)" "py-counter_wrong: read_ok value (its own adds it counts right)"
died py-counter_wrong

feed py-junk_lines n1 python3 $N/python/junk_lines.py -- "$(req 2 '"type":"echo","echo":"Please echo 7"')"
answers py-junk_lines "$(reply 2 '"echo":"Please echo 7",' echo_ok)" "py-junk_lines: echo_ok with the same echo"
answers py-junk_lines 'this line is not JSON {' "py-junk_lines: it also prints a line that is not JSON"
answers py-junk_lines '{"body":{"type":"junk"},"dest":"n999","src":"n1"}' "py-junk_lines: and a message to an unknown dest"
died py-junk_lines

# lin_kv_forward in each language: n1 answers from its store; n2 forwards
# the request to n1 unchanged, the client's src and msg_id kept, and does
# not answer the client itself.
lin_kv () {   # lin_kv LANG CMD...
    local l=$1; shift
    feed $l-lin_kv_forward n1 "$@" -- "$(req 2 '"type":"read","key":0')" "$(req 3 '"type":"write","key":0,"value":4')" \
        "$(req 4 '"type":"cas","key":0,"from":3,"to":1')" "$(req 5 '"type":"cas","key":0,"from":4,"to":1')" \
        "$(req 6 '"type":"read","key":0')"
    answers $l-lin_kv_forward "$(reply 2 '"code":20,"text":"key does not exist",' error)" \
        "$l-lin_kv_forward: n1: read of a missing key is error 20"
    answers $l-lin_kv_forward "$(reply 3 '' write_ok)" "$l-lin_kv_forward: n1: write_ok"
    grep -q '"code":22.*"in_reply_to":4' "$tmp/$l-lin_kv_forward.out"
    ok $? "$l-lin_kv_forward: n1: cas from a value that is not there is error 22" || _show $l-lin_kv_forward
    answers $l-lin_kv_forward "$(reply 5 '' cas_ok)" "$l-lin_kv_forward: n1: cas_ok"
    answers $l-lin_kv_forward "$(reply 6 '"value":1,' read_ok)" "$l-lin_kv_forward: n1: read_ok sees the cas"
    died $l-lin_kv_forward
    feed $l-lin_kv_n2 n2 "$@" -- '{"src":"c3","dest":"n2","body":{"type":"write","key":0,"value":4,"msg_id":7}}'
    answers $l-lin_kv_n2 '{"body":{"key":0,"msg_id":7,"type":"write","value":4},"dest":"n1","src":"c3"}' \
        "$l-lin_kv_forward: n2 forwards to n1 with the client's src and msg_id"
    lacks $l-lin_kv_n2 '"dest":"c3"' "$l-lin_kv_forward: n2 answers the client nothing itself"
}
lin_kv py python3 $N/python/lin_kv_forward.py

# --- javascript ------------------------------------------------------
feed js-unique_ids n1 node $N/js/unique_ids.js -- "$(req 2 '"type":"generate"')" "$(req 3 '"type":"generate"')"
answers js-unique_ids "$(reply 2 '"id":0,' generate_ok)" "js-unique_ids: generate_ok with an id"
answers js-unique_ids "$(reply 3 '"id":2,' generate_ok)" "js-unique_ids: the next id differs"
died js-unique_ids

feed js-broadcast_retry n1 node $N/js/broadcast_retry.js -- "$(req 2 "$TOPOLOGY")" \
    "$(req 3 '"type":"broadcast","message":7')" "$(req 4 '"type":"read"')"
answers js-broadcast_retry "$(reply 2 '' topology_ok)" "js-broadcast_retry: topology_ok"
answers js-broadcast_retry "$(reply 3 '' broadcast_ok)" "js-broadcast_retry: broadcast_ok"
answers js-broadcast_retry '{"body":{"message":7,"msg_id":1,"type":"broadcast"},"dest":"n2","src":"n1"}' \
    "js-broadcast_retry: the message goes to its neighbour as an rpc"
answers js-broadcast_retry "$(reply 4 '"messages":[7],' read_ok)" "js-broadcast_retry: read_ok messages"
died js-broadcast_retry

feed js-pn_counter n1 node $N/js/pn_counter.js -- "$(req 2 '"type":"add","delta":5')" "$(req 3 '"type":"add","delta":-2')" \
    '{"src":"n2","dest":"n1","body":{"type":"gossip","p":{"n2":4,"n1":1},"n":{"n2":1}}}' "$(req 4 '"type":"read"')"
answers js-pn_counter "$(reply 3 '' add_ok)" "js-pn_counter: add_ok"
answers js-pn_counter "$(reply 4 '"value":6,' read_ok)" "js-pn_counter: read_ok value = P - N, max-merged with the gossip"
died js-pn_counter

lin_kv js node $N/js/lin_kv_forward.js

# counter_kv.js, as a conversation in which this test is seq-kv: an add
# reads the count, tries a cas, is refused (22), reads again, and its
# second cas succeeds before it answers add_ok.
coproc KV { timeout 10 node $N/js/counter_kv.js 2> "$tmp/js-counter_kv.err"; }
kv_in=${KV[1]} kv_out=${KV[0]} kv_pid=$KV_PID
: > "$tmp/js-counter_kv.in"; : > "$tmp/js-counter_kv.out"
say () { printf '%s\n' "$1" >&"$kv_in"; echo "$1" >> "$tmp/js-counter_kv.in"; }
hears () {   # hears LINE DESC: the node's next line is LINE (canonical)
    local l=
    IFS= read -r -t 5 l <&"$kv_out"
    l=$(canon <<< "$l"); echo "$l" >> "$tmp/js-counter_kv.out"
    [ "$l" = "$1" ]
    ok $? "$2" && return 0
    diag "wanted the line: $1" "got: ${l:-nothing within 5 s}"; _show js-counter_kv; return 1
}
kv_read () { echo '{"body":{"key":"counter","msg_id":'"$1"',"type":"read"},"dest":"seq-kv","src":"n1"}'; }
kv_cas () {  # kv_cas MSG_ID FROM TO
    echo '{"body":{"create_if_not_exists":true,"from":'"$2"',"key":"counter","msg_id":'"$1"',"to":'"$3"',"type":"cas"},"dest":"seq-kv","src":"n1"}'
}
say '{"src":"c0","dest":"n1","body":{"type":"init","node_id":"n1","node_ids":["n1","n2"],"msg_id":1}}'
hears "$(init_ok n1)" "js-counter_kv: init_ok"
say "$(req 2 '"type":"add","delta":3')"
hears "$(kv_read 1)" "js-counter_kv: add reads the count from seq-kv"
say '{"src":"seq-kv","dest":"n1","body":{"type":"read_ok","value":4,"in_reply_to":1}}'
hears "$(kv_cas 2 4 7)" "js-counter_kv: then cas from what it read to that + delta, create_if_not_exists"
say '{"src":"seq-kv","dest":"n1","body":{"type":"error","code":22,"text":"current value is 5","in_reply_to":2}}'
hears "$(kv_read 3)" "js-counter_kv: refused (22), it reads again"
say '{"src":"seq-kv","dest":"n1","body":{"type":"read_ok","value":5,"in_reply_to":3}}'
hears "$(kv_cas 4 5 8)" "js-counter_kv: and tries the cas again"
say '{"src":"seq-kv","dest":"n1","body":{"type":"cas_ok","in_reply_to":4}}'
hears "$(reply 2 '' add_ok)" "js-counter_kv: add_ok once a cas succeeded"
say "$UNKNOWN"
exec {kv_in}>&-
wait_exit "$kv_pid" 10; [ "$rc" = running ] && rc=124
died js-counter_kv

# --- ruby ------------------------------------------------------------
feed rb-echo n1 ruby $N/ruby/echo.rb -- "$(req 2 '"type":"echo","echo":"Please echo 42"')"
answers rb-echo "$(reply 2 '"echo":"Please echo 42",' echo_ok)" "rb-echo: echo_ok with the same echo"
died rb-echo

feed rb-g_set n1 ruby $N/ruby/g_set.rb -- "$(req 2 '"type":"add","element":3')" \
    '{"src":"n2","dest":"n1","body":{"type":"gossip","value":[5]}}' "$(req 3 '"type":"read"')"
answers rb-g_set "$(reply 2 '' add_ok)" "rb-g_set: add_ok"
answers rb-g_set "$(reply 3 '"value":[3,5],' read_ok)" "rb-g_set: read_ok value holds its add and the gossip's"
died rb-g_set

feed rb-broadcast_drop n1 ruby $N/ruby/broadcast_drop.rb -- "$(req 2 "$TOPOLOGY")" \
    "$(req 3 '"type":"broadcast","message":1')" "$(req 4 '"type":"broadcast","message":2')" \
    "$(req 5 '"type":"broadcast","message":3')" "$(req 6 '"type":"read"')"
answers rb-broadcast_drop "$(reply 5 '' broadcast_ok)" "rb-broadcast_drop: broadcast_ok"
answers rb-broadcast_drop '{"body":{"message":3,"type":"broadcast"},"dest":"n2","src":"n1"}' \
    "rb-broadcast_drop: a message goes to its neighbour once, no msg_id, no retry"
lacks rb-broadcast_drop '"message":2,' "rb-broadcast_drop: every 3rd message (2, 5, ...) is never passed on"
answers rb-broadcast_drop "$(reply 6 '"messages":[1,2,3],' read_ok)" "rb-broadcast_drop: read_ok messages"
died rb-broadcast_drop

lin_kv rb ruby $N/ruby/lin_kv_forward.rb

feed rb-g_counter n1 ruby $N/ruby/g_counter.rb -- "$(req 2 '"type":"add","delta":3')" \
    '{"src":"n2","dest":"n1","body":{"type":"gossip","counts":{"n2":4,"n1":1}}}' "$(req 3 '"type":"read"')"
answers rb-g_counter "$(reply 2 '' add_ok)" "rb-g_counter: add_ok"
answers rb-g_counter "$(reply 3 '"value":7,' read_ok)" "rb-g_counter: read_ok value, max-merged with the gossip"
died rb-g_counter
