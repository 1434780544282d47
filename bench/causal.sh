#!/usr/bin/env bash
# causal.sh -- the causal and session checks on a generated 100,000-op kv
# history (bench/checker_gen ... unique: 10 clients, 10 keys, values fresh
# per key), against the time to read the same history, measured in the
# same run (bench/causal.c):
#   causal_load_ms, causal_ms, causal_vs_load     causal memory
#   session_ms, session_vs_load                   the four session guarantees
# and the same with 0.1% of answers lost (each a new process id): *_info_*.
cd "$(dirname "$0")/.."
[ -x bench/bin/causal ] && [ -x bench/bin/checker_gen ] ||
    make -s bench/bin/causal bench/bin/checker_gen >/dev/null || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bench/bin/checker_gen 100000 10 1 0 10 unique > "$tmp/calm.jsonl" || exit 1
bench/bin/checker_gen 100000 10 1 0.001 10 unique > "$tmp/info.jsonl" || exit 1
bench/bin/causal "$tmp/calm.jsonl" || exit 1
bench/bin/causal "$tmp/info.jsonl" | sed 's/^bench \([a-z]*\)_/bench \1_info_/' || exit 1
