#!/usr/bin/env bash
# chaos_node_stdio.t -- ./harness run --node 'CMD' runs a third-party
# Maelstrom binary through bin/node-stdio: the example Python lin-kv node
# keeps one copy on n1 (linearizable: valid), and with --local answers from
# each node's own copy (not linearizable even without faults: invalid).
# Skipped (TAP "# SKIP") where python3 is not installed.
. "$(dirname "$0")/lib.sh" chaos-stdio
echo "1..4"
if ! command -v python3 > /dev/null 2>&1 || [ ! -f examples/maelstrom/lin_kv.py ]; then
    for i in 1 2 3 4; do echo "ok $i # SKIP python3 or examples/maelstrom/lin_kv.py missing"; done
    exit 0
fi
for mode in one local; do
    flag=; [ $mode = local ] && flag=" --local"
    out=$(timeout 120 ./harness run split-brain --node "python3 examples/maelstrom/lin_kv.py$flag" \
          --seed 4 --time-limit 5 --store "$tmp/$mode" 2>&1)
    rc=$?
    v=$(verdict "$tmp"/$mode/split-brain/stdio/*/results.json 2>/dev/null)
    ok $([ $rc = 0 ] && echo 0 || echo 1) "--node (${mode} copy) runs to the end (got $rc)"
    want=true; [ $mode = local ] && want=false
    ok $([ "$v" = $want ] && echo 0 || echo 1) "--node (${mode} copy) verdict is $want ($v)"
    [ $rc = 0 ] || echo "$out" | sed 's/^/# /'
done
