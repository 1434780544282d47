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

# Issue 13: unique values, key interleaving, one core. Each line has its
# baseline in this same run (the search alone, or the hard key alone):
#   checker_unique16_ms / _search_ms   60,000 ops, 3 keys, 16 clients, unique values
#   checker_unique64_ms, _rss_mb, _decided   the same with 64 clients
#   checker_single60_ms, _rss_mb, _decided   1 key, 60 clients, 2,000 ops, 10% info
#   checker_single60_search_decided     that by the search alone (10 s)
#   checker_interleave_ms / _hard_ms    --threads 1: a hard valid key and an
#                                       easy invalid one, against the hard key alone
#   checker_c10_threads1_ms             Porcupine's c10 kv pair with --threads 1
#                                       (its c50 pair is not in the shared data)
one () {        # one NAME ARGS...: "ms rss_mb decided" of one ./harness check --json --stats
    local out
    out=$(./harness check --json --stats "$@" 2> "$tmp/stats")
    local rss=$(awk '/^stats peak_rss_mb/ { print $3 }' "$tmp/stats")
    echo "$out" | jq -r --arg rss "$rss" '"\(.time_ms * 10 | round / 10) \($rss) \(if .valid == "unknown" then 0 else 1 end)"'
}
bench/bin/checker_gen 60000 3 7 0.01 16 unique > "$tmp/u16.jsonl"
read ms rss dec <<< "$(one --timeout 30 "$tmp/u16.jsonl")"
echo "bench checker_unique16_ms $ms ms"
read ms rss dec <<< "$(one --timeout 30 --method search "$tmp/u16.jsonl")"
echo "bench checker_unique16_search_ms $ms ms"
bench/bin/checker_gen 60000 3 7 0.01 64 unique > "$tmp/u64.jsonl"
read ms rss dec <<< "$(one --timeout 10 "$tmp/u64.jsonl")"
echo "bench checker_unique64_ms $ms ms"
echo "bench checker_unique64_rss_mb $rss MB"
echo "bench checker_unique64_decided $dec bool"
bench/bin/checker_gen 2000 1 7 0.1 60 unique > "$tmp/s60.jsonl"
read ms rss dec <<< "$(one --timeout 10 "$tmp/s60.jsonl")"
echo "bench checker_single60_ms $ms ms"
echo "bench checker_single60_rss_mb $rss MB"
echo "bench checker_single60_decided $dec bool"
read ms rss dec <<< "$(one --timeout 10 --method search "$tmp/s60.jsonl")"
echo "bench checker_single60_search_decided $dec bool"
bench/bin/checker_gen 40000 1 3 0.02 20 > "$tmp/hard.jsonl"
bench/bin/checker_gen 300 1 5 0.02 6 unique-bad \
    | sed 's/"key":"k0"/"key":"easy"/; s/"process":\([0-9]*\)/"process":1\1000/' > "$tmp/easy.jsonl"
cat "$tmp/hard.jsonl" "$tmp/easy.jsonl" > "$tmp/pair.jsonl"
read hard rss dec <<< "$(one --threads 1 --method search --timeout 60 "$tmp/hard.jsonl")"
read pair rss dec <<< "$(one --threads 1 --method search --timeout 60 "$tmp/pair.jsonl")"
echo "bench checker_interleave_ms $pair ms"
echo "bench checker_interleave_hard_ms $hard ms"
awk -v a="$pair" -v b="$hard" 'BEGIN { printf "bench checker_interleave_ratio %.3f ratio\n", a / b }'
if [ -d "$data/kv" ]; then
    echo "bench checker_c10_threads1_ms $(best_ms -m kv --init '""' --threads 1 "$data"/kv/c10-*.edn) ms"
fi

# Issue 13, item 3: repeated values (0..4, so unique values do not apply),
# the search alone, one thread, within 1 GiB (--memory 1024):
#   checker_single40_rep_ms, _rss_mb, _decided   1 key, 40 clients, 2,000 ops, 10% info
#   checker_single60_rep_ms, _rss_mb, _decided   the same with 60 clients
#   checker_single60_rep_bad_decided             60 clients, one read of a value nobody wrote
#   checker_single60_rep_bad_default_ms, _decided  that by the default method (no
#                                                --method search): the pre-check decides it,
#                                                the time includes the explaining search
#   checker_cache_bytes_per_config               the cache's bytes over its configurations
#                                                (the bad one's search, which exhausts
#                                                its budget: at its end)
#   checker_cache_bytes_per_config_wide          the layout before, computed for the same
#                                                configurations (not run: it is gone)
#   checker_memcap_rss_ratio                     peak RSS over --memory for that search,
#                                                which exhausts its budget
rep () {        # rep ARGS...: "ms rss_mb decided configs bytes wide" of one search
    local out
    out=$(./harness check --json --stats --method search --threads 1 --memory 1024 "$@" 2> "$tmp/stats")
    local rss=$(awk '/^stats peak_rss_mb/ { print $3 }' "$tmp/stats")
    echo "$out" | jq -r --arg rss "$rss" '"\(.time_ms | round) \($rss) \(if .valid == "unknown" then 0 else 1 end) \(.cache.configurations) \(.cache.bytes) \(.cache.bytes_wide)"'
}
bench/bin/checker_gen 2000 1 8 0.1 40 > "$tmp/r40.jsonl"
read ms rss dec cfg bytes wide <<< "$(rep --timeout 60 "$tmp/r40.jsonl")"
echo "bench checker_single40_rep_ms $ms ms"
echo "bench checker_single40_rep_rss_mb $rss MB"
echo "bench checker_single40_rep_decided $dec bool"
bench/bin/checker_gen 2000 1 7 0.1 60 > "$tmp/r60.jsonl"
read ms rss dec cfg bytes wide <<< "$(rep --timeout 60 "$tmp/r60.jsonl")"
echo "bench checker_single60_rep_ms $ms ms"
echo "bench checker_single60_rep_rss_mb $rss MB"
echo "bench checker_single60_rep_decided $dec bool"
bench/bin/checker_gen 2000 1 7 0.1 60 bad > "$tmp/r60bad.jsonl"
read ms rss dec cfg bytes wide <<< "$(rep --timeout 60 "$tmp/r60bad.jsonl")"
echo "bench checker_single60_rep_bad_decided $dec bool"
awk -v b="$bytes" -v c="$cfg" 'BEGIN { printf "bench checker_cache_bytes_per_config %.1f bytes\n", b / c }'
awk -v b="$wide" -v c="$cfg" 'BEGIN { printf "bench checker_cache_bytes_per_config_wide %.1f bytes\n", b / c }'
awk -v r="$rss" 'BEGIN { printf "bench checker_memcap_rss_ratio %.3f ratio\n", r / 1024 }'
read ms rss dec <<< "$(one --threads 1 --memory 1024 --timeout 60 "$tmp/r60bad.jsonl")"
echo "bench checker_single60_rep_bad_default_ms $ms ms"
echo "bench checker_single60_rep_bad_default_decided $dec bool"
