# lib.sh -- the one set of TAP helpers every shell test uses. Sourced, never
# run by prove (it does not end in .t). First thing in a test:
#
#     . "$(dirname "$0")/lib.sh" NAME
#     plan 12
#
# moves to the repository root (tests run ./harness and bin/*), makes $tmp,
# a fresh /tmp/fl-NAME-XXXXXX removed when the test exits, and defines:
#
#   plan N                       the plan, "1..N"
#   check DESC CMD...            ok when CMD exits 0
#   check_exit STATUS DESC CMD...
#                                runs CMD (see run); ok when it exits STATUS
#   check_error STATUS PATTERN DESC CMD...
#                                runs CMD; ok when it exits STATUS and its
#                                output has a line matching PATTERN (grep)
#   check_grep [-E|-F] PATTERN FILE DESC
#                                ok when FILE has a line matching PATTERN
#   check_output [-E|-F] PATTERN DESC
#                                ok when the last run's output has one
#   ok STATUS DESC               the next TAP line from a status already
#                                known (one command, many results)
#   run CMD...                   runs CMD: $out its stdout and stderr, $rc
#                                its exit status (also returned)
#   stderr_of CMD...             runs CMD with its stdout discarded: under
#                                run or check_error, only stderr is seen
#   out_has PATTERN...           true when the last run's output has a line
#                                matching each PATTERN
#   grep_all FILE PATTERN...     true when FILE has a line matching each
#                                PATTERN
#   diag TEXT...                 TEXT as TAP comments ("# ...")
#   diag_run                     the last run's command, status and output
#   need_program PROG PACKAGE    unless PROG is on PATH, every planned test
#                                fails saying what to install, and the test
#                                exits 1; never a skip
#   need_file PATH HOW           the same when PATH does not exist
#   fail_rest REASON             every planned test not yet run fails; exit 1
#   wait_for SECONDS CMD...      retries CMD every $wait_step s (0.1 unless
#                                set) until it succeeds; false when SECONDS
#                                pass first
#   wait_exit PID SECONDS [group]
#                                waits for background PID to end: $rc its
#                                status, or "running" when it had to be
#                                killed (its process group with "group")
#   no_process PATTERN           true when no command line matches PATTERN
#   procs PATTERN                how many command lines match PATTERN
#   at_exit SHELL-COMMAND        runs it when the test exits, before $tmp
#                                is removed
#   verdict RESULTS_JSON         the run's "valid": true, false or unknown
#   ok_count RESULTS_JSON        its "ops" "ok": how many ops succeeded
#   node_verdict SCENARIO WORKLOAD SEED WANT CMD
#                                three tests of a 4 s ./harness run of
#                                --node CMD: exit 0 if WANT is true, else 1;
#                                verdict WANT; some op succeeded
#   raft_valid_under SCENARIO... the plan and two tests per scenario
#
# A failed check prints, as TAP comments on stderr (as Test::More's diag
# does), the command, its exit status and the tail of its output, so that
# prove shows why even without -v, in CI's log too. A test with
# a failed check exits 1.
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d "/tmp/fl-${1:?lib.sh needs a test name}-XXXXXX") || exit 1
n=0 failed=0 planned= out= rc= last_cmd=
TAIL_LINES=${TAIL_LINES:-20}
_at_exit=()
at_exit () { _at_exit+=("$1"); }
_cleanup () {
    local c
    for c in "${_at_exit[@]}"; do eval "$c"; done
    rm -rf "$tmp"
    [ "$failed" = 0 ] || exit 1
}
trap _cleanup EXIT

plan () { planned=$1; echo "1..$1"; }

ok () { _tap "$1" "$2"; }

diag () { printf '%s\n' "$@" | sed 's/^/# /' >&2; }

# _tap STATUS DESC: the next TAP line; returns STATUS's truth.
_tap () {
    n=$((n + 1))
    local desc=${2//$'\n'/ }
    if [ "$1" = 0 ]; then echo "ok $n - $desc"; return 0; fi
    echo "not ok $n - $desc"
    failed=$((failed + 1))
    return 1
}
_cmdline () {   # the command as one line a shell would read back
    local a s=
    for a; do
        if [[ $a =~ ^[][A-Za-z0-9_./:=@%+,!-]+$ ]]; then s+="$a "; else printf -v a '%q' "$a"; s+="$a "; fi
    done
    printf '%s' "${s% }"
}
_tail () {      # _tail FILE: its last lines, or that there were none
    if [ -s "$1" ]; then
        echo "#   output (last $TAIL_LINES lines):" >&2
        tail -n "$TAIL_LINES" "$1" | sed 's/^/#     /' >&2
    else
        echo "#   (no output)" >&2
    fi
}

run () {
    last_cmd=$(_cmdline "$@")
    "$@" > "$tmp/.run" 2>&1
    rc=$?
    out=$(cat "$tmp/.run")
    return $rc
}

stderr_of () { "$@" 2>&1 > /dev/null; }

grep_all () {
    local file=$1 p; shift
    for p; do grep -q -- "$p" "$file" || return 1; done
}
out_has () { grep_all "$tmp/.run" "$@"; }

diag_run () {
    echo "#   command: $last_cmd" >&2
    echo "#   exit status: $rc" >&2
    _tail "$tmp/.run"
}

check () {
    local desc=$1; shift
    "$@" > "$tmp/.check" 2>&1
    local status=$?
    _tap $status "$desc" && return 0
    echo "#   command: $(_cmdline "$@")" >&2
    echo "#   exit status: $status" >&2
    _tail "$tmp/.check"
    return 1
}

check_exit () {
    local want=$1 desc=$2; shift 2
    run "$@"
    _tap "$([ "$rc" = "$want" ] && echo 0 || echo 1)" "$desc" && return 0
    echo "#   wanted exit status $want" >&2
    diag_run
    return 1
}

check_error () {
    local want=$1 pattern=$2 desc=$3; shift 3
    run "$@"
    _tap "$([ "$rc" = "$want" ] && grep -q -- "$pattern" "$tmp/.run" && echo 0 || echo 1)" "$desc" &&
        return 0
    echo "#   wanted exit status $want and output matching: $pattern" >&2
    diag_run
    return 1
}

check_grep () {
    local opt=
    case $1 in -E|-F) opt=$1; shift ;; esac
    local pattern=$1 file=$2 desc=$3
    _tap "$(grep -q $opt -- "$pattern" "$file" 2>/dev/null && echo 0 || echo 1)" "$desc" && return 0
    echo "#   grep $opt: $pattern" >&2
    if [ -e "$file" ]; then echo "#   in $file"; _tail "$file"; else echo "#   $file does not exist"; fi >&2
    return 1
}

check_output () {
    local opt=
    case $1 in -E|-F) opt=$1; shift ;; esac
    local pattern=$1 desc=$2
    _tap "$(grep -q $opt -- "$pattern" "$tmp/.run" && echo 0 || echo 1)" "$desc" && return 0
    echo "#   grep $opt: $pattern" >&2
    diag_run
    return 1
}

fail_rest () {
    [ -n "$planned" ] || plan 1
    diag "$1"
    while [ "$n" -lt "$planned" ]; do _tap 1 "$1"; done
    exit 1
}

need_program () {
    command -v "$1" > /dev/null 2>&1 ||
        fail_rest "$1 not found: run make lab (installs Debian package $2)"
}

need_file () { [ -e "$1" ] || fail_rest "$1 is missing: $2"; }

wait_for () {
    local end
    "${@:2}" 2>/dev/null && return 0          # try at once, then every step
    #  (milliseconds from awk: mawk's %d stops at 2^31, 2.1 s in nanoseconds)
    end=$(( $(date +%s%N) + $(awk -v s="$1" 'BEGIN { printf "%d", s * 1000 }') * 1000000 ))
    shift
    while sleep "${wait_step:-0.1}"; do
        "$@" 2>/dev/null && return 0
        [ "$(date +%s%N)" -lt "$end" ] || return 1
    done
}

_gone () { ! kill -0 "$1" 2>/dev/null; }
wait_exit () {
    local pid=$1
    if wait_for "$2" _gone "$pid"; then
        wait "$pid"; rc=$?
    else
        if [ "$3" = group ]; then kill -KILL -- -"$pid"; else kill -KILL "$pid"; fi 2>/dev/null
        wait "$pid" 2>/dev/null
        rc=running
    fi
}

no_process () { ! pgrep -f -- "$1" > /dev/null; }
procs () { pgrep -f -- "$1" | wc -l; }

verdict () { grep -oE '^  "valid": (true|false|"unknown")' "$1" | sed 's/.*: //; s/"//g'; }
ok_count () {
    perl -MJSON::PP -0777 -ne 'my $k = eval { decode_json ($_)->{ops}{ok} }; print $k // ""' "$1" 2>/dev/null
}

# node_verdict SCENARIO WORKLOAD SEED WANT CMD: three tests of one run of a
# third-party node, 4 s of load with seed SEED, into a store of its own.
# With --node the expected verdict is valid, so ./harness exits 0 when WANT
# is true and 1 (a verdict differs) when it is false; results.json's
# verdict is WANT; and ops really succeeded (ok > 0): a verdict reached
# with no successful op says nothing about the node.
node_verdict () {
    local sc=$1 w=$2 seed=$3 want=$4 cmd=$5 status=0 v k
    local store="$tmp/run$n" what="$sc $w seed $3 '$5'"
    [ "$want" = true ] || status=1
    check_exit $status "$what: exits $status" \
        timeout 150 ./harness run "$sc" --workload "$w" --node "$cmd" --seed "$seed" \
        --time-limit 4 --store "$store"
    v=$(verdict "$store/latest/results.json" 2>/dev/null)
    check "$what: verdict is $want (${v:-no results.json})" [ "$v" = "$want" ] ||
        [ "$rc" != $status ] || diag_run
    k=$(ok_count "$store/latest/results.json")
    check "$what: real ok count (${k:-none})" [ "${k:-0}" -gt 0 ]
}

# raft_valid_under SCENARIO...: the plan, then two tests per scenario: an
# 8 s raft run with seed 3 exits 0 (its output shown if not), and its check
# says linearizable.
raft_valid_under () {
    plan $(( $# * 2 ))
    local s v
    for s in "$@"; do
        check_exit 0 "$s: run exits 0" \
            timeout 120 ./harness run "$s" --system raft --seed 3 --time-limit 8 --store "$tmp"
        v=$(verdict "$tmp/$s"/raft/*/results.json 2>/dev/null)
        check "$s: raft is linearizable ($v)" [ "$v" = true ]
    done
}
