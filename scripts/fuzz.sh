#!/bin/sh
# fuzz.sh SECONDS [TARGET...] -- run each libFuzzer target (fuzz/bin/NAME,
# built by `make fuzz-build`) for SECONDS, from its corpus. `make fuzz`
# calls it with FUZZ_SECONDS; tests/fuzz_brief.t with FUZZ_BRIEF_SECONDS.
#
# A target's corpus is build/clang/corpus/NAME (kept between runs, so it
# grows), seeded every time from tests/data and the tree (the list below)
# and from fuzz/regressions/NAME/. A crash, leak or broken promise is saved
# as fuzz/crashes/NAME-crash-HASH (libFuzzer's artifact), its report in
# build/clang/fuzz-NAME.log; fix it, then move the input to
# fuzz/regressions/NAME/ so that tests/fuzz_regressions.t replays it
# through the normal build ever after (docs/fuzzing.md).
#
# Prints one line per target, "fuzz NAME ok: RUNS runs, cov N" or "fuzz
# NAME FAILED: ARTIFACT"; exits 1 if any failed.
#
# scripts/fuzz.sh --seeds NAME DIR only fills DIR with NAME's seeds (what
# tests/fuzz_regressions.t replays besides fuzz/regressions/NAME/).
set -u
root=build/clang
mkdir -p fuzz/crashes

# seed NAME DIR: fill DIR with NAME's seeds.
seed () {
    case $1 in
        history_jsonl) cp tests/data/*.jsonl tests/data/run-basic/history.jsonl "$2"/ 2>/dev/null
                       cp tests/data/run-basic/history.jsonl "$2"/run-basic.jsonl ;;
        history_edn) cp tests/data/*.edn "$2"/ ;;
        history_jepsen_log) cp tests/data/*.log "$2"/ ;;
        scenario) cp scenarios/*.conf tests/data/scenarios/*.conf "$2"/ ;;
        action)       # each scenario's `do = ...` and `kinds`, for a 5-node cluster
            i=0
            sed -n 's/^ *do *= *\([^#]*\).*/\1/p; s/^ *kinds *= *\([^#]*\).*/\1/p' \
                scenarios/*.conf tests/data/scenarios/*.conf | tr ';' '\n' | sort -u |
            while read -r line; do
                i=$((i + 1)); printf '\004%s' "$line" > "$2/do-$i"
            done ;;
        control)      # every request docs/proxy.md and proxy_cli.t show
            i=0
            grep -ho '{"cmd":[^`'"'"']*}' docs/proxy.md tests/proxy_cli.t | sort -u |
            while read -r line; do
                i=$((i + 1)); printf '%s' "$line" > "$2/req-$i"
            done ;;
        envelope)     # the messages of a recorded run, as envelopes
            i=0
            head -50 tests/data/run-basic/messages.jsonl | while read -r line; do
                i=$((i + 1)); printf '%s' "$line" > "$2/msg-$i"
            done
            printf '%s' '{"src":"c1","dest":"n1","body":{"type":"clock_skew","msg_id":5,"offset_ms":500}}' > "$2/skew"
            printf '%s' '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":6,"echo":"hi"}}' > "$2/echo" ;;
    esac
    [ -d "fuzz/regressions/$1" ] && cp fuzz/regressions/"$1"/* "$2"/ 2>/dev/null
    return 0
}

if [ "${1:-}" = --seeds ]; then
    mkdir -p "$3" && seed "$2" "$3"
    exit 0
fi
seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...] | --seeds NAME DIR}
shift
targets=${*:-$(ls fuzz/*.c | sed 's|fuzz/||; s|\.c$||' | grep -v '^replay$')}
failed=0
for name in $targets; do
    corpus=$root/corpus/$name
    seeds=$root/seeds/$name
    rm -rf "$seeds"; mkdir -p "$corpus" "$seeds"
    seed "$name" "$seeds"
    log=$root/fuzz-$name.log
    # -rss_limit_mb: the lab's readers hold at most a few MiB per input.
    fuzz/bin/"$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
        -artifact_prefix=fuzz/crashes/"$name"- -print_final_stats=1 \
        "$corpus" "$seeds" > "$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ "$rc" = 0 ]; then
        echo "fuzz $name ok: ${runs:-?} runs, ${cov:-cov: ?}"
    else
        artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        echo "fuzz $name FAILED (exit $rc): ${artifact:-no artifact}; see $log"
        failed=1
    fi
done
exit $failed
