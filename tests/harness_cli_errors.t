#!/usr/bin/env bash
# harness_cli_errors.t -- command-line mistakes stop the harness before
# anything is started or written: each exits with DESIGN section 8's
# status and a message naming the option, and leaves no run directory.
. "$(dirname "$0")/lib.sh" cli-errors
harness=$PWD/harness
# expect STATUS PATTERN DESCRIPTION -- ARGS...: run ./harness ARGS in
# $tmp/cwd, want exit STATUS and PATTERN in its stderr.
mkdir -p "$tmp/cwd"
expect () {
    local want=$1 pattern=$2 what=$3; shift 4
    local out rc
    out=$(cd "$tmp/cwd" && FAULTLAB_UP="$tmp/up.json" timeout 30 "$harness" "$@" 2>&1 > /dev/null); rc=$?
    ok $([ $rc = "$want" ] && echo "$out" | grep -q -- "$pattern" && echo 0 || echo 1) \
       "$what: exit $want naming '$pattern' (got $rc: ${out//$'\n'/ })"
}
echo "1..5"

expect 64 "--store" "run --store ''" -- run split-brain --store ''
expect 64 "--store" "up --store ''" -- up --store ''
expect 64 "--store" "matrix --store ''" -- matrix --store ''
expect 69 "nosuch" "run --system nosuch" -- run split-brain --system nosuch --store st
ok $([ ! -e "$tmp/cwd/st" ] && [ ! -e "$tmp/cwd/latest" ] && [ ! -e /latest ] && echo 0 || echo 1) \
   "a missing system makes no store directory"
