#!/usr/bin/env bash
# chaos_node_stdio.t -- ./harness run --node 'CMD' runs a third-party
# Maelstrom binary through bin/node-stdio: the example Python lin-kv node
# keeps one copy on n1 (linearizable: valid), and with --local answers from
# each node's own copy (not linearizable even without faults: invalid).
# Without python3 every test fails saying what to install.
. "$(dirname "$0")/lib.sh" chaos-stdio
plan 6
need_program python3 python3
need_file examples/maelstrom/lin_kv.py "it is part of the repository (git checkout examples/maelstrom)"
for mode in one local; do
    flag=; status=0; [ $mode = local ] && flag=" --local" status=1
    # --node is held to valid: the invalid run exits 1.
    check_exit $status "--node (${mode} copy) runs to the end, exits $status" \
        timeout 120 ./harness run split-brain --node "python3 examples/maelstrom/lin_kv.py$flag" \
        --seed 4 --time-limit 5 --store "$tmp/$mode"
    v=$(verdict "$tmp"/$mode/split-brain/stdio/*/results.json 2>/dev/null)
    want=true; [ $mode = local ] && want=false
    check "--node (${mode} copy) verdict is $want ($v)" [ "$v" = $want ]
done
# stop NODE stops a --node program, not only its bridge: the ticker's
# stderr has a gap of about the 2 s it was stopped (it ticks every 100 ms)
# (its echoes meanwhile time out: invalid, exit 1, as Maelstrom's checker)
check_exit 1 "a stopped --node run finishes, invalid (exit 1)" \
    timeout 120 ./harness run tests/data/scenarios/stop-node.conf --seed 1 \
    --node "python3 tests/nodes/python/ticker_echo.py" --store "$tmp/stop"
gap=$(python3 - "$tmp"/stop/stop-node/stdio/*/n1.log <<'PY' 2>/dev/null
import re, sys
ts = [float(t) for t in re.findall(r"tick (\d+\.\d+)", open(sys.argv[1]).read())]
print(max(b - a for a, b in zip(ts, ts[1:])) if len(ts) > 1 else 0)
PY
)
check "the stopped program did not tick for >= 1.5 s (longest gap: ${gap:-none} s)" \
    python3 -c "import sys; sys.exit(0 if float(sys.argv[1] or 0) >= 1.5 else 1)" "${gap:-0}"
