#!/usr/bin/env bash
# chaos_failures.t -- runs that cannot go right end with a clear message, a
# readable history and the right exit status, never a hang; Ctrl-C leaves
# no process behind. Each case runs under its own time limit.
. "$(dirname "$0")/lib.sh" chaos-fail
plan 20
need_program pgrep procps
need_program setsid util-linux

# A short scenario the fake nodes run under.
cat > "$tmp/tiny.conf" <<'CONF'
description = "tiny: a short run for failure cases"
nodes = 1
duration_s = 4
systems
    raft = valid
workload
    name = lin-kv
    clients = 2
    rate = 20
    keys = 1
    timeout_ms = 500
final
    settle_s = 0.5
CONF

# A Maelstrom node (Perl, core JSON::PP) that answers init, answers every
# request with error 11, and exits with status 3 once it has run 1.5 s.
cat > "$tmp/crasher.pl" <<'PERL'
use strict; use warnings; use JSON::PP; use Time::HiRes qw(time);
$| = 1;
my $start;
while (my $line = <STDIN>) {
    my $m = decode_json ($line);
    my $b = $m->{body};
    my $type = $b->{type} eq 'init'? 'init_ok': 'error';
    $start //= time if $type eq 'init_ok';
    my $reply = { type => $type, in_reply_to => $b->{msg_id} };
    $reply->{code} = 11 if $type eq 'error';
    print encode_json ({ src => $m->{dest}, dest => $m->{src}, body => $reply }), "\n";
    exit 3 if $start && time - $start > 1.5;
}
PERL

valid_jsonl () {   # $1 is a file, not empty, and every line a JSON object
    [ -s "$1" ] && perl -MJSON::PP -ne 'decode_json ($_)' "$1" 2>/dev/null
}
answered () {      # $1 is readable JSONL holding some of the node's error answers
    [ -n "$1" ] && [ "$(grep -c '"fail"' "$1")" -gt 0 ] && valid_jsonl "$1"
}
recorded () {      # recorded STORE N: the split-brain raft history there has more than N lines
    [ "$(cat "$1"/split-brain/raft/*/history.jsonl 2>/dev/null | wc -l)" -gt "$2" ]
}

# 1-2: a system whose binary does not exist: exit 69, message names it.
check_exit 69 "missing system binary exits 69" \
    timeout 60 ./harness run "$tmp/tiny.conf" --system nosuch --store "$tmp/s1"
check_output "no system 'nosuch'" "message names the missing system"

# 3-4: --node with a program that does not exist: exit 69, message names it.
check_exit 69 "--node with a missing program exits 69" \
    timeout 60 ./harness run "$tmp/tiny.conf" --node '/nonexistent/prog --flag' --store "$tmp/s2"
check_output "/nonexistent/prog" "message names the missing program"

# 5-7: a node that never answers init: exit 70 within the init deadline,
# message names the node, results.json says unknown.
start=$(date +%s)
run timeout 60 ./harness run "$tmp/tiny.conf" --node 'sleep 1000' --store "$tmp/s3"
took=$(( $(date +%s) - start ))
check "silent node exits 70 in ${took}s (got $rc)" [ "$rc" = 70 -a "$took" -lt 30 ] || diag_run
check_output "node n1 never answered init" "message names the silent node"
check_grep '^  "valid": "unknown"' "$tmp"/s3/tiny/stdio/*/results.json "results.json says unknown"

# 8-10: a node that crashes mid-run: exit 70, message names it, history is
# readable and holds the ops up to the crash.
check_exit 70 "crashing node exits 70" \
    timeout 60 ./harness run "$tmp/tiny.conf" --node "perl $tmp/crasher.pl" --store "$tmp/s4"
check_output "node n1: the program exited with status" "message names the crashed node"
history=$(ls "$tmp"/s4/tiny/stdio/*/history.jsonl 2>/dev/null | head -1)
check "history up to the crash is readable JSONL with the node's answers" answered "$history"

# 11-14: SIGINT to the harness mid-run: it exits 130 soon, keeps what it
# recorded, and no process of the run is left.
./harness run split-brain --system raft --seed 5 --store "$tmp/s5" > "$tmp/int.out" 2>&1 &
pid=$!
wait_for 10 recorded "$tmp/s5" 20
kill -INT $pid
wait_exit $pid 10
check "SIGINT ends the run with 130 within 10 s (got $rc)" [ "$rc" = 130 ] || sed 's/^/# /' "$tmp/int.out" >&2
wait_for 0.5 no_process "$tmp/s5"
left=$(procs "$tmp/s5")
check "no process of the run is left ($left)" [ "$left" = 0 ]
for p in $(pgrep -f "$tmp/s5"); do kill -KILL "$p"; done 2>/dev/null
history=$(ls "$tmp"/s5/split-brain/raft/*/history.jsonl | head -1)
check "the interrupted history is readable" valid_jsonl "$history"
check_grep '"error": "interrupted"' "$tmp"/s5/split-brain/raft/*/results.json \
   "results.json records the interruption"

# 15-16: Ctrl-C at a terminal signals the whole process group: the harness
# in its own group (setsid) with its proxy and nodes gets SIGINT together.
setsid ./harness run split-brain --system raft --seed 6 --store "$tmp/s6" > "$tmp/grp.out" 2>&1 &
pid=$!
wait_for 10 recorded "$tmp/s6" 20
kill -INT -- -$pid
wait_exit $pid 10 group
check "Ctrl-C to the process group ends the run with 130 (got $rc)" [ "$rc" = 130 ] ||
    sed 's/^/# /' "$tmp/grp.out" >&2
wait_for 0.5 no_process "$tmp/s6"
left=$(procs "$tmp/s6")
check "no process of the group is left ($left)" [ "$left" = 0 ]
for p in $(pgrep -f "$tmp/s6"); do kill -KILL "$p"; done 2>/dev/null

# 17-18: a fault step that does nothing (cont of a node never stopped) is
# said on the console and in results.json, not only as a period of no
# length in faults.jsonl: the scenario does not do what its author meant.
{ sed -n '/^description/,/^final/p' "$tmp/tiny.conf" | sed '$d'
  printf 'faults\n    step\n        at_s = 0.5\n        do = cont n1\n'; } > "$tmp/idle.conf"
check_exit 0 "a scenario whose fault step does nothing runs (0)" \
    timeout 60 ./harness run "$tmp/idle.conf" --system raft --store "$tmp/s7"
check_output "note: the fault step at 0.5 s, cont n1, did nothing: n1 (not stopped: nothing to continue)" \
    "the console says the step did nothing, and why"

# 19-20: faults the run's time leaves out are said: a random block that
# starts after the load ends, a step past --time-limit.
{ sed -n '/^description/,/^final/p' "$tmp/tiny.conf" | sed '$d'
  printf 'faults\n    step\n        at_s = 3\n        do = kill n1\n'
  printf '    random\n        start_s = 10\n        fault_s = 1\n        gap_s = 1\n'
  printf '        kinds = kill random\n'; } > "$tmp/late.conf"
run timeout 60 ./harness run "$tmp/late.conf" --system raft --time-limit 1 --store "$tmp/s8"
check_output "note: the random faults start at 10 s, not before the end of the run's 1 s of load: none was injected" \
    "a random block that starts after the load is said to inject nothing"
check_output "note: 1 fault step at or past the end of the run's 1 s of load was not run (the first: kill n1 at 3 s)" \
    "a step past --time-limit is said not to run"
