#!/usr/bin/env bash
# spectrum.sh -- the consistency spectrum against the linearizability check
# on the same generated histories, measured in the same run (whole process,
# best of 3, as checker.sh):
#   spectrum_lin20k_ms          ./harness check (linearizable) on 20,000 kv ops
#   spectrum_seq20k_ms          --consistency sequential on the same history
#   spectrum_seq20k_vs_lin      that over the linearizability check
#   spectrum_all20k_ms          --spectrum (every model) on it
#   spectrum_all20k_vs_lin      that over the linearizability check
#   spectrum_seq20k_bad_ms      --consistency sequential on the history with
#                               one read changed (not linearizable: the
#                               search runs), budget 10 s and 512 MB
#   spectrum_seq20k_bad_verdict its verdict (0 valid, 1 invalid, 2 unknown):
#                               unknown within the budget is allowed, a
#                               crash is not
cd "$(dirname "$0")/.."
[ -x ./harness ] || { echo "spectrum.sh: ./harness is not built" >&2; exit 1; }
[ -x bench/bin/checker_gen ] || make -s bench/bin/checker_gen >/dev/null || exit 1
tmp=$(mktemp -d /tmp/spectrum_bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

best_ms () {    # best_ms ARGS...: fastest of 3 runs of ./harness check ARGS, in ms
    local best=
    for i in 1 2 3; do
        local t0=$(date +%s%N)
        ./harness check "$@" > /dev/null 2>&1
        local t1=$(date +%s%N)
        local us=$(( (t1 - t0) / 1000 ))
        if [ -z "$best" ] || [ "$us" -lt "$best" ]; then best=$us; fi
    done
    awk -v us="$best" 'BEGIN { printf "%.1f", us / 1000 }'
}

bench/bin/checker_gen 20000 10 1 0.01 > "$tmp/gen20k.jsonl"
lin=$(best_ms -m kv "$tmp/gen20k.jsonl")
seq=$(best_ms -m kv --consistency sequential "$tmp/gen20k.jsonl")
all=$(best_ms -m kv --spectrum "$tmp/gen20k.jsonl")
echo "bench spectrum_lin20k_ms $lin ms"
echo "bench spectrum_seq20k_ms $seq ms"
awk -v a="$seq" -v b="$lin" 'BEGIN { printf "bench spectrum_seq20k_vs_lin %.2f ratio\n", a / b }'
echo "bench spectrum_all20k_ms $all ms"
awk -v a="$all" -v b="$lin" 'BEGIN { printf "bench spectrum_all20k_vs_lin %.2f ratio\n", a / b }'

#  One ok read's value changed (the 5000th read with a value): no longer
#  linearizable, so the sequential search itself runs
awk 'BEGIN { n = 0 }
     /"type":"ok","f":"read"/ && !/"value":null/ && ++n == 5000 {
         match ($0, /"value":[0-9]+/); v = substr ($0, RSTART + 8, RLENGTH - 8)
         sub (/"value":[0-9]+/, "\"value\":" ((v + 1) % 5)) }
     { print }' "$tmp/gen20k.jsonl" > "$tmp/gen20k-bad.jsonl"
t0=$(date +%s%N)
./harness check -m kv --consistency sequential --timeout 10 --memory 512 "$tmp/gen20k-bad.jsonl" \
    > /dev/null 2>&1
rc=$?
t1=$(date +%s%N)
awk -v ns=$(( t1 - t0 )) 'BEGIN { printf "bench spectrum_seq20k_bad_ms %.1f ms\n", ns / 1e6 }'
echo "bench spectrum_seq20k_bad_verdict $rc exit"
[ "$rc" -le 2 ] || { echo "spectrum.sh: the sequential check exited $rc" >&2; exit 1; }
