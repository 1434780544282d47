#!/usr/bin/env bash
# causal.sh -- the causal and session checks on a generated 100,000-op kv
# history (bench/causal.c: checker_gen's shape, 10 clients, 10 keys, values
# fresh per key), against the time to read the same history, measured in
# the same run:
#   causal_load_ms, causal_ms, causal_vs_load     causal memory
#   session_ms, session_vs_load                   the four session guarantees
# and the same with 0.1% of answers lost (each a new process id): *_info_*.
cd "$(dirname "$0")/.."
[ -x bench/bin/causal ] || make -s bench/bin/causal >/dev/null || exit 1
bench/bin/causal 100000 10 1 || exit 1
bench/bin/causal 100000 10 1 0.001 | sed 's/^bench \([a-z]*\)_/bench \1_info_/' || exit 1
