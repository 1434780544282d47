#!/usr/bin/env bash
# harness_matrix_cli.t -- a --system no scenario lists is a usage error
# naming it (running nothing and printing an empty table would look like
# success); the matrix's header names every scenario in full (columns as
# wide as the longest name, not cut at 11 characters), here from a matrix of
# one system at the shortest load.
. "$(dirname "$0")/lib.sh" matrix-cli
plan 2
check_error 64 "no scenario lists system 'none-such'" "--system none-such: exit 64 naming it" \
    timeout 30 ./harness matrix --system none-such --time-limit 1 --store "$tmp/st"
run timeout 120 ./harness matrix --system primary --time-limit 0.1 --seed 1 --store "$tmp/st"
missing=
for f in scenarios/*.conf; do
    name=$(basename "$f" .conf)
    echo "$out" | grep -E "^system " | grep -qE "(^| )$name( |$)" || missing="$missing $name"
done
check "every scenario's full name is a column header (missing:${missing:- none})" [ -z "$missing" ] ||
    diag_run
