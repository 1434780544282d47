#!/usr/bin/env bash
# checker.sh -- how fast ./harness check is, whole process (start, parse,
# search, print), best of 3 runs on a shared machine:
#   checker_etcd_ms            the 52 etcd logs of ../shared/data/etcd
#   checker_etcd_vs_porcupine  that over Porcupine's 270 ms for the same logs
#                              (its search alone, parsing excluded)
#   checker_etcd002_ms         etcd_002.log alone (Porcupine: ~245 ms)
#   checker_kv_ms              the 4 kv histories of ../shared/data/kv
#   checker_gen20k_ms          a generated kv history: 10 keys, 20,000 ops, 1% info
#   checker_gen20k_info30_ms   20,000 ops on 10 keys with 30% of answers lost
#   checker_gen100k_ms         the same as gen20k with 100,000 ops, to show the growth
#   checker_peak_rss_mb        peak memory of the largest of these runs
cd "$(dirname "$0")/.."
data=../shared/data
[ -x ./harness ] || { echo "checker.sh: ./harness is not built" >&2; exit 1; }
[ -x bench/bin/checker_gen ] || make -s bench/bin/checker_gen >/dev/null || exit 1
tmp=$(mktemp -d /tmp/checker_bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

best_ms () {    # best_ms ARGS...: fastest of 3 runs of ./harness check ARGS, in ms
    local best=
    for i in 1 2 3; do
        local t0=$(date +%s%N)
        ./harness check "$@" > /dev/null 2> "$tmp/stats"
        local t1=$(date +%s%N)
        local ms=$(( (t1 - t0) / 1000 ))
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    awk -v us="$best" 'BEGIN { printf "%.1f", us / 1000 }'
}

if [ -d "$data/etcd" ]; then
    etcd=$(best_ms -m cas-register -f jepsen-log "$data"/etcd/*.log)
    echo "bench checker_etcd_ms $etcd ms"
    awk -v ms="$etcd" 'BEGIN { printf "bench checker_etcd_vs_porcupine %.3f ratio\n", ms / 270 }'
    echo "bench checker_etcd002_ms $(best_ms -m cas-register "$data"/etcd/etcd_002.log) ms"
    echo "bench checker_kv_ms $(best_ms -m kv --init '""' "$data"/kv/*.edn) ms"
else
    echo "checker.sh: no shared data at $data; etcd and kv figures skipped" >&2
fi
bench/bin/checker_gen 20000 10 1 0.01 > "$tmp/gen20k.jsonl"
echo "bench checker_gen20k_ms $(best_ms -m kv "$tmp/gen20k.jsonl") ms"
bench/bin/checker_gen 20000 10 2 0.3 > "$tmp/gen20k30.jsonl"
echo "bench checker_gen20k_info30_ms $(best_ms -m kv "$tmp/gen20k30.jsonl") ms"
bench/bin/checker_gen 100000 10 1 0.01 > "$tmp/gen100k.jsonl"
echo "bench checker_gen100k_ms $(best_ms -m kv --stats "$tmp/gen100k.jsonl") ms"
awk '/^stats peak_rss_mb/ { printf "bench checker_peak_rss_mb %s MB\n", $3 }' "$tmp/stats"
