#!/usr/bin/env bash
# errors_catalogue.t -- every row of tests/data/errors.tsv (docs/errors.md's
# catalogue of bad inputs) run as written: the exit status and one line of
# output exactly as the table says; and docs/errors.md's table is the one
# scripts/errors_doc.sh makes from the tsv, so the doc and the test cannot
# drift. Helpers a row may use:
#   with_proxy CMD...   CMD while a proxy serves ipc://$T/net and $T/ctl
#   node_says BODY      BODY sent from c1 to a --stdio node-echo n1 after
#                       its init; its reply lines, and its log lines with
#                       the time stamp left out ("n1 text")
. "$(dirname "$0")/lib.sh" errors
tsv=tests/data/errors.tsv
rows=$(grep -vc '^#' "$tsv")
plan $((rows + 1))
export E=tests/data/errors T=$tmp ROOT=$PWD
head -c 1048577 /dev/zero | tr '\0' '#' > "$T/big.conf"

with_proxy () {
    bin/proxy --net "ipc://$T/net" --control "ipc://$T/ctl" > /dev/null 2>&1 &
    local proxy=$! i status
    for i in $(seq 100); do [ -S "$T/ctl" ] && break; sleep 0.05; done
    "$@"; status=$?
    kill "$proxy"; wait "$proxy" 2>/dev/null
    return $status
}
node_says () {
    printf '%s\n%s\n' \
        '{"src":"c1","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}' \
        "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":$1}" |
    bin/node-echo --stdio --id n1 > "$T/.node" 2> "$T/.node-log"
    local status=${PIPESTATUS[1]}
    grep -v init_ok "$T/.node"
    sed -E 's/^(n1) [0-9.]+ /\1 /' "$T/.node-log" >&2
    return "$status"
}
export -f with_proxy node_says

while IFS=$'\t' read -r what command want message; do
    [[ $what == '#'* ]] && continue
    expected=${message//\$T/$T}
    expected=${expected//\$ROOT/$ROOT}
    bash -c "$command" > "$tmp/.row" 2>&1 < /dev/null
    got=$?
    if [ "$got" = "$want" ] && grep -qFx -- "$expected" "$tmp/.row"; then
        ok 0 "$what: exit $want"
    else
        ok 1 "$what: exit $want (got $got)"
        diag "command: $command" "expected line: $expected" "output:" "$(head -5 "$tmp/.row")"
    fi
done < "$tsv"

cp docs/errors.md "$tmp/errors.md"
scripts/errors_doc.sh "$tmp/errors.md"
check "docs/errors.md's table is errors.tsv's (scripts/errors_doc.sh docs/errors.md writes it)" \
    cmp -s docs/errors.md "$tmp/errors.md" || diag "$(diff docs/errors.md "$tmp/errors.md" | head -20)"
