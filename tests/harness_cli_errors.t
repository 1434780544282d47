#!/usr/bin/env bash
# harness_cli_errors.t -- command-line mistakes stop the harness before
# anything is started or written: each exits with DESIGN section 8's
# status and a message naming the option, and leaves no run directory.
. "$(dirname "$0")/lib.sh" cli-errors
harness=$PWD/harness
mkdir -p "$tmp/cwd"
# in_cwd ARGS...: ./harness ARGS in $tmp/cwd, only its stderr kept.
in_cwd () ( cd "$tmp/cwd" && FAULTLAB_UP="$tmp/up.json" stderr_of timeout 30 "$harness" "$@" )
# expect STATUS PATTERN DESCRIPTION -- ARGS...: want exit STATUS and
# PATTERN in its stderr.
expect () {
    local want=$1 pattern=$2 what=$3; shift 4
    check_error "$want" "$pattern" "$what: exit $want naming '$pattern'" in_cwd "$@"
}
plan 22

expect 64 "--store" "run --store ''" -- run split-brain --store ''
expect 64 "--store" "up --store ''" -- up --store ''
expect 64 "--store" "matrix --store ''" -- matrix --store ''
expect 69 "nosuch" "run --system nosuch" -- run split-brain --system nosuch --store st
check "a missing system makes no store directory" \
    [ ! -e "$tmp/cwd/st" -a ! -e "$tmp/cwd/latest" -a ! -e /latest ]

expect 64 "--seed needs a value" "run X --seed" -- run split-brain --seed
expect 64 "--node needs a value" "run X --node" -- run split-brain --node
for t in nan inf 0 -1; do
    expect 64 "--time-limit" "--time-limit $t" -- run split-brain --time-limit $t
done
expect 64 "--system may be given once" "two --system" -- run split-brain --system raft --system primary
expect 64 "--node needs a command" "--node ''" -- run split-brain --node ''
expect 64 "unknown option '--bogus'" "unknown option" -- run split-brain --bogus
expect 64 "--nodes needs a value" "up --nodes" -- up --nodes
expect 64 "--nodes needs a whole number" "up --nodes 99" -- up --nodes 99
expect 64 "unexpected 'x'" "up x" -- up x
expect 64 "--time-limit" "matrix --time-limit nan" -- matrix --time-limit nan
check "no usage error made a store" [ ! -e "$tmp/cwd/store" ]

# A partition the lab's cluster is too small for is refused before it is sent.
echo "{\"pid\": 1, \"nodes\": 2, \"control\": \"ipc://$tmp/none\"}" > "$tmp/up.json"
expect 64 "partition ring needs at least 3 nodes" "fault partition ring on 2 nodes" -- fault partition ring
sed -i 's/"nodes": 2/"nodes": 1/' "$tmp/up.json"
expect 64 "needs at least 2 nodes" "fault isolate n1 on 1 node" -- fault isolate n1

# A lab that never answers (nothing binds its control endpoint): fault
# gives up at FL_CONTROL_TIMEOUT_MS + FL_ROLE_TIMEOUT_MS (5.5 s) and says so.
sed -i 's/"nodes": 1/"nodes": 3/' "$tmp/up.json"
expect 69 "FL_CONTROL_TIMEOUT_MS + FL_ROLE_TIMEOUT_MS" "fault heal to a silent lab" -- fault heal
