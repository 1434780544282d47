#!/usr/bin/env bash
# harness_cli_errors.t -- command-line mistakes stop the harness before
# anything is started or written: each exits with DESIGN section 8's
# status and a message naming the option, and leaves no run directory.
# run, up and matrix share their option parsers (cli/options.c); getopt's
# own complaints (check) say "harness check:"; every usage text lists every
# option its command's getopt table takes, and fault's every action.
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
plan 42

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
expect 64 "--time-limit given twice: give it once" "two --time-limit" -- run split-brain --time-limit 1 --time-limit 2
expect 64 "--transport given twice: give it once" "two --transport" -- up --transport tcp --transport ipc
expect 64 "--port given twice: give it once" "two --port" -- serve --port 1 --port 2
expect 64 "--model given twice: give it once" "two --model" -- check -m kv --model register x.jsonl
expect 64 "--node needs a command" "--node ''" -- run split-brain --node ''
expect 64 "unknown option '--bogus'" "unknown option" -- run split-brain --bogus
expect 64 "--nodes needs a value" "up --nodes" -- up --nodes
expect 64 "--nodes '99' is not a whole number in 1..64" "up --nodes 99" -- up --nodes 99
expect 64 "unexpected 'x'" "up x" -- up x
expect 64 "--time-limit" "matrix --time-limit nan" -- matrix --time-limit nan
# strtoull alone would take -1 as 18446744073709551615.
for c in run up matrix; do
    a=; [ $c = run ] && a=split-brain
    expect 64 "^harness $c: --seed '-1' is not a whole number in 0\.\.18446744073709551615" \
        "$c --seed -1" -- $c $a --seed -1
done
expect 64 "^harness matrix: --time-limit '0' is not a number of seconds in 0.1..3600" \
    "matrix --time-limit 0" -- matrix --time-limit 0
expect 64 "^harness matrix: --seed 'abc' is not a whole number" "matrix --seed abc" -- matrix --seed abc
expect 64 "^harness matrix: unknown option '--bogus'" "matrix --bogus" -- matrix --bogus
expect 64 "^harness matrix: unexpected 'stray'" "matrix stray" -- matrix stray
# node-stdio with no program would start the lab and fail with 70.
expect 64 "^harness run: --system stdio needs --node 'CMD ARGS'" "run --system stdio" \
    -- run split-brain --system stdio
expect 64 "^harness up: --system stdio needs --node 'CMD ARGS'" "up --system stdio" -- up --system stdio
expect 64 "^harness check: unrecognized option '--bogus'" "check --bogus (getopt's message)" \
    -- check --bogus x
expect 64 "^harness check: option requires an argument -- 'm'" "check -m (getopt's message)" -- check -m
check "no usage error made a store" [ ! -e "$tmp/cwd/store" ]

# A partition the lab's cluster is too small for is refused before it is sent.
echo "{\"pid\": 1, \"nodes\": 2, \"control\": \"ipc://$tmp/none\"}" > "$tmp/up.json"
expect 64 "partition ring needs at least 4 nodes" "fault partition ring on 2 nodes" -- fault partition ring
sed -i 's/"nodes": 2/"nodes": 1/' "$tmp/up.json"
expect 64 "needs at least 2 nodes" "fault isolate n1 on 1 node" -- fault isolate n1

# A lab that never answers (nothing binds its control endpoint): fault
# gives up at FL_CONTROL_TIMEOUT_MS + FL_ROLE_TIMEOUT_MS (5.5 s) and says so.
sed -i 's/"nodes": 1/"nodes": 3/' "$tmp/up.json"
expect 69 "FL_CONTROL_TIMEOUT_MS + FL_ROLE_TIMEOUT_MS" "fault heal to a silent lab" -- fault heal

# Every long option in a command's getopt table is in its --help and in
# ./harness --help; every fault action word (scenario/action.c) in fault's.
./harness --help > "$tmp/help" 2>&1
for c in run check up matrix; do
    ./harness $c --help > "$tmp/help.$c" 2>&1
    missing=
    for o in $(grep -o '{ "[a-z-]*", \(required\|no\)_argument' cli/cmd_$c.c | cut -d'"' -f2 | sort -u); do
        [ "$o" = help ] && continue
        grep -q -- "--$o\b" "$tmp/help.$c" && grep "^  harness $c " "$tmp/help" | grep -q -- "--$o\b" ||
            missing+=" --$o"
    done
    check "$c --help and ./harness --help list every option (missing:${missing:- none})" [ -z "$missing" ]
done
./harness fault --help > "$tmp/help.fault" 2>&1
missing=
for w in $(sed -n '/s_kinds \[\] = {/,/^};/p; /s_shapes \[\] = {/,/^};/p' scenario/action.c | grep -o '"[a-z-]\+"' | tr -d '"') state; do
    grep -q -- "\b$w\b" "$tmp/help.fault" && grep "^  harness fault " "$tmp/help" | grep -q -- "\b$w\b" ||
        missing+=" $w"
done
check "fault --help and ./harness --help list every action (missing:${missing:- none})" [ -z "$missing" ]
