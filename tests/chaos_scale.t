#!/usr/bin/env bash
# chaos_scale.t -- scale (issue 12 item 9), short: tests/data/scenarios/scale-25.conf
# (25 raft nodes, 100 clients, 5,000 ops/s offered, the message trace on)
# for 3 s of load. The run must exit 0 with raft valid, and no op may be
# lost: every invoke in the history has a completion (ok, fail or info),
# and the invokes equal the ops the clients sent, counted from the proxy's
# trace (tests/scale_count.py). The 60 s run is measured in docs/proxy.md (Scale).
. "$(dirname "$0")/lib.sh" chaos-scale
plan 3
check_exit 0 "25 nodes, 100 clients: exits 0, raft valid" \
    timeout 300 ./harness run tests/data/scenarios/scale-25.conf --seed 1 --time-limit 3 --store "$tmp/s"
v=$(verdict "$tmp"/s/scale-25/raft/*/results.json)
check "raft is linearizable ($v)" [ "$v" = true ]
run python3 tests/scale_count.py "$(dirname "$(ls "$tmp"/s/scale-25/raft/*/results.json)")"
check "no op lost: $out" [ "$rc" = 0 ]
