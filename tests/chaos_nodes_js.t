#!/usr/bin/env bash
# chaos_nodes_js.t -- the JavaScript Maelstrom-style nodes of
# tests/nodes/js, unmodified, through the lab with --node and fixed seeds,
# 4 s of load each: each valid (its header says why), with ops that really
# succeeded: the retrying broadcast and the gossiping pn-counter across a
# partition, the forwarding lin-kv node whose n1 answers clients directly,
# and the counter on the lab's seq-kv service.
. "$(dirname "$0")/lib.sh" chaos-nodes-js
plan 15
need_program node nodejs
need_program perl perl
J="node tests/nodes/js"
node_verdict no-faults   unique-ids 1 true "$J/unique_ids.js"
node_verdict split-brain broadcast  2 true "$J/broadcast_retry.js"
node_verdict split-brain pn-counter 3 true "$J/pn_counter.js"
node_verdict split-brain lin-kv     4 true "$J/lin_kv_forward.js"
node_verdict split-brain g-counter  5 true "$J/counter_kv.js"
