#!/usr/bin/env bash
# harness_matrix_cli.t -- a --system no scenario lists is a usage error
# naming it (running nothing and printing an empty table would look like
# success); the matrix's header names every scenario in full (columns as
# wide as the longest name, not cut at 11 characters), here from a matrix of
# one system at the shortest load.
. "$(dirname "$0")/lib.sh" matrix-cli
echo "1..2"
out=$(timeout 30 ./harness matrix --system none-such --time-limit 1 --store "$tmp/st" 2>&1); rc=$?
ok $([ $rc = 64 ] && echo "$out" | grep -q "no scenario lists system 'none-such'" && echo 0 || echo 1) \
   "--system none-such: exit 64 naming it (got $rc)"
out=$(timeout 120 ./harness matrix --system primary --time-limit 0.1 --seed 1 --store "$tmp/st" 2>&1)
missing=
for f in scenarios/*.conf; do
    name=$(basename "$f" .conf)
    echo "$out" | grep -E "^system " | grep -qE "(^| )$name( |$)" || missing="$missing $name"
done
ok $([ -z "$missing" ] && echo 0 || echo 1) "every scenario's full name is a column header (missing:${missing:- none})"
