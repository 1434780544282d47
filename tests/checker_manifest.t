#!/usr/bin/env bash
# checker_manifest.t -- the shared verdict suite, verdict for verdict:
# ./harness check --manifest ../shared/data/MANIFEST.tsv (118 histories from
# Jepsen's etcd, MongoDB and RethinkDB runs and Knossos's suite, each with the
# verdict Knossos or Porcupine gave it). One TAP line per history, then one
# for the exit status. Run from the repository root.
data=../shared/data
manifest=$data/MANIFEST.tsv
if [ ! -f "$manifest" ]; then
    echo "1..0 # SKIP no shared data at $data"
    exit 0
fi
if [ ! -x ./harness ]; then
    echo "1..1"
    echo "not ok 1 - ./harness is not built"
    exit 0
fi
rows=$(tail -n +2 "$manifest" | grep -c .)
echo "1..$((rows + 1))"
out=$(timeout 300 ./harness check --manifest "$manifest" 2>&1)
status=$?
n=0
while read -r tag file rest; do
    case "$tag" in
        ok)       n=$((n + 1)); echo "ok $n - $file $rest" ;;
        MISMATCH) n=$((n + 1)); echo "not ok $n - $file $rest" ;;
        ERROR)    n=$((n + 1)); echo "not ok $n - $file bad data" ;;
    esac
done <<< "$out"
while [ "$n" -lt "$rows" ]; do
    n=$((n + 1))
    echo "not ok $n - no verdict (the check stopped early)"
done
if [ "$status" -eq 0 ]; then
    echo "ok $((rows + 1)) - exit status 0: every verdict as expected"
else
    echo "not ok $((rows + 1)) - exit status $status"
    echo "$out" | grep -v '^ok' | sed 's/^/# /'
fi
