#!/usr/bin/env bash
# harness_matrix_cli.t -- the table's caps (FL_MATRIX_SCENARIOS_MAX, FL_MATRIX_SYSTEMS_MAX)
# are reached by name; a --system no scenario lists is a usage error
# naming it (running nothing and printing an empty table would look like
# success); the matrix's header names every scenario in full (columns as
# wide as the longest name, not cut at 11 characters), here from a matrix of
# one system at the shortest load, whose exit status says what its cells
# do: 1 when one is UPPERCASE (not the verdict its scenario expects), 0
# when none is, as run's does.
. "$(dirname "$0")/lib.sh" matrix-cli
plan 7
check_error 64 "no scenario lists system 'none-such'" "--system none-such: exit 64 naming it" \
    timeout 30 ./harness matrix --system none-such --time-limit 1 --store "$tmp/st"
#  More scenario files than one table holds (FL_MATRIX_SCENARIOS_MAX, 64)
#  is an error before anything runs, not a table cut short.
mkdir -p "$tmp/many/scenarios"
for i in $(seq 1 65); do cp scenarios/split-brain.conf "$tmp/many/scenarios/s$i.conf"; done
check_error 65 "more than the 64 one table holds (FL_MATRIX_SCENARIOS_MAX)" \
    "65 scenario files: exit 65 naming FL_MATRIX_SCENARIOS_MAX" \
    sh -c "cd '$tmp/many' && timeout 30 '$PWD/harness' matrix --time-limit 1 --store '$tmp/st'"
#  Systems past the table's rows (FL_MATRIX_SYSTEMS_MAX, 32) are reported
#  and not run: three scenarios list sys1..sys33, none of them built, so
#  each of the 32 fails at once and sys33 gets no row.
mkdir -p "$tmp/wide/scenarios"
for f in 1 2 3; do
    {
        sed -n '/^description/,/^systems/p' scenarios/split-brain.conf
        for i in $(seq $(( (f - 1) * 16 + 1 )) $(( f * 16 < 33? f * 16: 33 ))); do
            echo "    sys$i = varies"
        done
        sed -n '/^workload/,$p' scenarios/split-brain.conf
    } > "$tmp/wide/scenarios/s$f.conf"
done
cp "$tmp/wide/scenarios/s3.conf" "$tmp/wide/scenarios/s4.conf"    # sys33 twice: told once
check_error 69 "sys33 not run: the table has room for 32 systems (FL_MATRIX_SYSTEMS_MAX)" \
    "33 systems: the 33rd is reported by FL_MATRIX_SYSTEMS_MAX, not run (69: none is built)" \
    sh -c "cd '$tmp/wide' && timeout 30 '$PWD/harness' matrix --time-limit 0.1 --store '$tmp/st'"
check "sys33, listed by two scenarios, is reported once" \
    [ "$(grep -c 'sys33 not run' <<< "$out")" = 1 ]
check "33 systems: the table has rows sys1..sys32 and none for sys33" \
    sh -c "echo \"\$1\" | grep -q '^sys32 ' && ! echo \"\$1\" | grep -q '^sys33 '" - "$out"
run timeout 120 ./harness matrix --system primary --time-limit 0.1 --seed 1 --store "$tmp/st"
missing=
for f in scenarios/*.conf; do
    name=$(basename "$f" .conf)
    echo "$out" | grep -E "^system " | grep -qE "(^| )$name( |$)" || missing="$missing $name"
done
check "every scenario's full name is a column header (missing:${missing:- none})" [ -z "$missing" ] ||
    diag_run
row=$(echo "$out" | grep -E "^primary ")
if grep -qE ' (VALID|INVALID) ' <<< "$row"; then want=1 why="an UPPERCASE cell"
elif grep -qiE ' unknown ' <<< "$row"; then want=2 why="an unknown cell and none UPPERCASE"
else want=0 why="no UPPERCASE cell"; fi
check "matrix exits $want: its table has $why (rc $rc)" [ "$rc" = "$want" ] || diag_run
