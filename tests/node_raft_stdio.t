#!/usr/bin/env bash
# node_raft_stdio.t -- our C nodes under Maelstrom's own transport: with
# --stdio they speak JSON lines on stdin/stdout, learn their id from init
# and need no proxy. tests/maelstrom_driver.py plays Maelstrom: it routes
# the nodes' lines by dest, sends init once to each, and checks the replies
# of a lin-kv (or echo) client, with the key's possible values tracked
# exactly. A node that answers from its own copy must be caught by it.
. "$(dirname "$0")/lib.sh" node_raft_stdio
plan 8
need_program python3 python3
need_file bin/node-raft "build it: make lab"
need_file bin/node-echo "build it: make lab"
drive () { timeout 120 python3 tests/maelstrom_driver.py "$@"; }

check_exit 0 "node-raft --stdio: 3 nodes, lin-kv, every reply matches and reads are consistent" \
    drive --nodes 3 --workload lin-kv --ops 300 --seed 1 --logs "$tmp" -- bin/node-raft --stdio
check_output -F '"valid": true' "the driver says valid ($(tail -c 200 <<< "$out"))"
ok "$(cat "$tmp"/n?.log | grep -qE '^n[123] [0-9.]+ term [0-9]+: leader' && echo 0 || echo 1)" \
    "a leader was elected: the nodes learned their ids from init and their timers ran"
check_exit 0 "node-raft --stdio: ops sent to every node in turn (followers forward)" \
    drive --nodes 3 --workload lin-kv --ops 300 --seed 2 --spread -- bin/node-raft --stdio
check_exit 0 "node-echo --stdio: 3 nodes, every echo comes back" \
    drive --nodes 3 --workload echo --ops 100 -- bin/node-echo --stdio
check_exit 1 "the driver catches a node that answers from its own copy (lin_kv.py --local)" \
    drive --nodes 3 --workload lin-kv --ops 200 --seed 1 --spread -- \
    python3 examples/maelstrom/lin_kv.py --local
check_error 64 "takes no" "--stdio with --connect is a usage error" \
    bin/node-raft --stdio --connect ipc:///tmp/x
check_error 0 "init names another node_id than the first init did" \
    "a second init naming another node is refused with error 12" \
    bash -c 'printf "%s\n" \
        "{\"src\":\"c0\",\"dest\":\"n1\",\"body\":{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\"]}}" \
        "{\"src\":\"c1\",\"dest\":\"n2\",\"body\":{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n2\",\"node_ids\":[\"n2\"]}}" |
        timeout 10 bin/node-echo --stdio'
