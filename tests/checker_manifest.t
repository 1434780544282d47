#!/usr/bin/env bash
# checker_manifest.t -- the shared verdict suite, verdict for verdict:
# ./harness check --manifest ../shared/data/MANIFEST.tsv (118 histories from
# Jepsen's etcd, MongoDB and RethinkDB runs and Knossos's suite, each with the
# verdict Knossos or Porcupine gave it). One TAP line per history, then one
# for the exit status. The data is the shared/ folder beside the repository
# (FAULTLAB_SHARED_DATA=DIR points elsewhere); without it the test fails.
. "$(dirname "$0")/lib.sh" manifest
data=${FAULTLAB_SHARED_DATA:-../shared/data}
manifest=$data/MANIFEST.tsv
need_file "$manifest" "the verdict suite must be at $(realpath -m "$data"): put the shared/ folder (data/MANIFEST.tsv with its etcd/, knossos/ and kv/ histories) beside the repository, or set FAULTLAB_SHARED_DATA=DIR"
[ -x ./harness ] || fail_rest "./harness is not built: run make lab"
rows=$(tail -n +2 "$manifest" | grep -c .)
plan $((rows + 1))
run timeout 300 ./harness check --manifest "$manifest"
while read -r tag file rest; do
    case "$tag" in
        ok)       ok 0 "$file $rest" ;;
        MISMATCH) ok 1 "$file $rest" ;;
        ERROR)    ok 1 "$file bad data" ;;
    esac
done <<< "$out"
while [ "$n" -lt "$rows" ]; do ok 1 "no verdict (the check stopped early)"; done
check "exit status $rc: every verdict as expected" [ "$rc" = 0 ] || grep -v '^ok' <<< "$out" | sed 's/^/# /' >&2
