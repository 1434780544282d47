#!/usr/bin/env bash
# chaos_nodes_python.t -- the Python Maelstrom-style nodes of
# tests/nodes/python, unmodified, through the lab with --node and fixed
# seeds, 4 s of load each: every node gets the verdict it deserves (its
# header says which and why), with ops that really succeeded. The wrong
# counter and the node repeating ids past 64 bits must come out invalid;
# everything else valid, junk on stdout, ids past 64 bits and a partition
# included.
. "$(dirname "$0")/lib.sh" chaos-nodes-py
plan 27
need_program python3 python3
need_program perl perl
P="python3 tests/nodes/python"
node_verdict no-faults   echo       1 true  "$P/junk_lines.py"
node_verdict split-brain echo       2 true  "$P/echo.py"
node_verdict split-brain unique-ids 3 true  "$P/unique_ids.py"
node_verdict no-faults   unique-ids 3 true  "$P/unique_ids_wide.py"
node_verdict no-faults   unique-ids 3 false "$P/unique_ids_wide.py --repeat"
node_verdict split-brain g-set      4 true  "$P/g_set.py"
node_verdict split-brain broadcast  5 true  "$P/broadcast_retry.py"
node_verdict split-brain lin-kv     6 true  "$P/lin_kv_forward.py"
node_verdict no-faults   g-counter  7 false "$P/counter_wrong.py"
