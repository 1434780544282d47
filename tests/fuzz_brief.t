#!/usr/bin/env bash
# fuzz_brief.t -- every libFuzzer target of fuzz/ builds with clang
# (make fuzz-build) and runs FUZZ_BRIEF_SECONDS (default 3) from its seeds
# without a crash, leak or broken promise: `make test`'s taste of
# `make fuzz` (docs/fuzzing.md). Without clang every test fails saying
# what to install.
. "$(dirname "$0")/lib.sh" fuzz-brief
targets=$(ls fuzz/*.c | sed 's|fuzz/||; s|\.c$||' | grep -v '^replay$')
plan $(( 1 + $(wc -w <<< "$targets") ))
cc=${FUZZ_CC:-clang}        # as the Makefile's FUZZ_CC
command -v "$cc" > /dev/null 2>&1 || fail_rest "$cc not found: install clang (make lab does)"
seconds=${FUZZ_BRIEF_SECONDS:-3}

run make --no-print-directory fuzz-build FUZZ_CC="$cc"
check "make fuzz-build builds every target with clang (exit $rc)" [ "$rc" = 0 ] || diag_run
for name in $targets; do
    run scripts/fuzz.sh "$seconds" "$name"
    check "fuzz $name for ${seconds}s: ${out#*: }" [ "$rc" = 0 ] || {
        diag_run; sed -n '/ERROR\|promise broken\|SUMMARY/p' "build/clang/fuzz-$name.log" | head -20 |
        sed 's/^/# /' >&2; }
done
