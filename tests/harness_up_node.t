#!/usr/bin/env bash
# harness_up_node.t -- ./harness up --node 'CMD' --workload W: a lab of
# anyone's Maelstrom program to poke by hand. The Python broadcast node gets
# init and broadcast's topology (its --workload), a message sent to n1 by a
# probe party reaches n4's read, and Ctrl-C ends the lab with nothing left.
. "$(dirname "$0")/lib.sh" harness-up-node
plan 5
need_program python3 python3
export FAULTLAB_UP="$tmp/up.json"
./harness up --node 'python3 tests/nodes/python/broadcast_retry.py' --workload broadcast \
    --nodes 4 --seed 5 --store "$tmp" > "$tmp/up.out" 2>&1 &
pid=$!
at_exit "kill -INT $pid 2>/dev/null"
wait_for 20 test -s "$FAULTLAB_UP"
check_grep '"system": *"stdio"' "$FAULTLAB_UP" "up --node runs the stdio system"
net=$(perl -ne 'print $1 if /"net": *"([^"]+)"/' "$FAULTLAB_UP")
check_exit 0 "a probe's broadcast to n1 is acknowledged" \
    bin/proxy --send "$net" --as c1 --to n1 --wait-ms 2000 '{"type":"broadcast","message":7}'
seen () { bin/proxy --send "$net" --as c2 --to n4 --wait-ms 1000 '{"type":"read"}' | grep -q '"messages":\[7\]'; }
check "the message reached n4 over the topology" wait_for 10 seen
kill -INT $pid
wait_exit $pid 15
check "Ctrl-C ends up (status $rc)" [ "$rc" = 0 ]
check "no node program is left" no_process "tests/nodes/python/broadcast_retry.py"
