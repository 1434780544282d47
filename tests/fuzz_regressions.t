#!/usr/bin/env bash
# fuzz_regressions.t -- the inputs the fuzzers found (fuzz/regressions/
# NAME/, each once a crash, now fixed) and each target's seeds go through
# the target again, built with the normal compiler and fuzz/replay.c
# (fuzz/bin/NAME-replay: make fuzz-replay), so none comes back even where
# clang is absent. A broken promise aborts: the test names the input.
. "$(dirname "$0")/lib.sh" fuzz-regressions
targets=$(ls fuzz/*.c | sed 's|fuzz/||; s|\.c$||' | grep -v '^replay$')
plan $(( 1 + $(wc -w <<< "$targets") ))

run make --no-print-directory fuzz-replay
check "make fuzz-replay builds every target without clang (exit $rc)" [ "$rc" = 0 ] || diag_run
for name in $targets; do
    scripts/fuzz.sh --seeds "$name" "$tmp/$name"
    regressions=$(ls fuzz/regressions/$name 2>/dev/null | wc -l)
    run timeout 120 fuzz/bin/$name-replay -v "$tmp/$name" $(ls -d fuzz/regressions/$name 2>/dev/null)
    check "$name: $regressions regression inputs and the seeds replay (${out##*$'\n'})" [ "$rc" = 0 ] ||
        diag_run
done
