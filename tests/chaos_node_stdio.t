#!/usr/bin/env bash
# chaos_node_stdio.t -- ./harness run --node 'CMD' runs a third-party
# Maelstrom binary through bin/node-stdio: the example Python lin-kv node
# keeps one copy on n1 (linearizable: valid), and with --local answers from
# each node's own copy (not linearizable even without faults: invalid).
# Without python3 every test fails saying what to install.
. "$(dirname "$0")/lib.sh" chaos-stdio
plan 4
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
