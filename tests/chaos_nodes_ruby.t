#!/usr/bin/env bash
# chaos_nodes_ruby.t -- the Ruby Maelstrom-style nodes of tests/nodes/ruby,
# unmodified, through the lab with --node and fixed seeds, 4 s of load
# each: every node gets the verdict it deserves (its header says which and
# why), with ops that really succeeded. The broadcast node that drops
# every 3rd message must come out invalid on a calm network and under
# partitions alike; the others valid.
. "$(dirname "$0")/lib.sh" chaos-nodes-rb
plan 18
need_program ruby ruby
need_program perl perl
R="ruby tests/nodes/ruby"
node_verdict no-faults   echo      1 true  "$R/echo.rb"
node_verdict split-brain g-set     2 true  "$R/g_set.rb"
node_verdict split-brain g-counter 3 true  "$R/g_counter.rb"
node_verdict split-brain lin-kv    4 true  "$R/lin_kv_forward.rb"
node_verdict no-faults   broadcast 5 false "$R/broadcast_drop.rb"
node_verdict split-brain broadcast 6 false "$R/broadcast_drop.rb"
