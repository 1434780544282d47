#!/usr/bin/env bash
# harness_matrix_cli.t -- the matrix's header names every scenario in full
# (columns as wide as the longest name, not cut at 11 characters). A
# --system no scenario lists runs nothing, so only the header is printed.
. "$(dirname "$0")/lib.sh" matrix-cli
echo "1..1"
out=$(timeout 30 ./harness matrix --system none-such --time-limit 1 --store "$tmp/st" 2>&1)
missing=
for f in scenarios/*.conf; do
    name=$(basename "$f" .conf)
    echo "$out" | grep -qE "(^| )$name( |$)" || missing="$missing $name"
done
ok $([ -z "$missing" ] && echo 0 || echo 1) "every scenario's full name is a column header (missing:${missing:- none})"
