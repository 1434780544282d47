# lib.sh -- sourced by the shell tests, never run by prove (it does not end
# in .t). First thing in a test:
#
#     . "$(dirname "$0")/lib.sh" NAME
#
# moves to the repository root (tests run ./harness and bin/*), makes $tmp,
# a fresh /tmp/fl-NAME-XXXXXX removed when the test exits, and defines the
# TAP helpers below. The test prints its own plan ("1..N").
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d "/tmp/fl-${1:?lib.sh needs a test name}-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0

# ok STATUS DESCRIPTION: the next TAP line, "ok" when STATUS is 0.
ok () { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }

# verdict RESULTS_JSON: the run's "valid": true, false or unknown.
verdict () { grep -oE '^  "valid": (true|false|"unknown")' "$1" | sed 's/.*: //; s/"//g'; }

# raft_valid_under SCENARIO...: the plan, then two tests per scenario: an
# 8 s raft run with seed 3 exits 0, and its check says linearizable. The
# output of a failed run is echoed as TAP comments.
raft_valid_under () {
    echo "1..$(( $# * 2 ))"
    local s out rc v
    for s in "$@"; do
        out=$(timeout 120 ./harness run $s --system raft --seed 3 --time-limit 8 --store "$tmp" 2>&1)
        rc=$?
        v=$(verdict "$tmp"/$s/raft/*/results.json 2>/dev/null)
        ok $([ $rc = 0 ] && echo 0 || echo 1) "$s: run exits 0 (got $rc)"
        ok $([ "$v" = true ] && echo 0 || echo 1) "$s: raft is linearizable ($v)"
        [ $rc = 0 ] || echo "$out" | sed 's/^/# /'
    done
}
