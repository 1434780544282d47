#!/usr/bin/env bash
# chaos_failures.t -- runs that cannot go right end with a clear message, a
# readable history and the right exit status, never a hang; Ctrl-C leaves
# no process behind. Each case runs under its own time limit.
. "$(dirname "$0")/lib.sh" chaos-fail
echo "1..16"

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

valid_jsonl () {   # every line of $1 is a JSON object
    perl -MJSON::PP -ne 'decode_json ($_)' "$1" 2>/dev/null
}

# 1-2: a system whose binary does not exist: exit 69, message names it.
out=$(timeout 60 ./harness run "$tmp/tiny.conf" --system nosuch --store "$tmp/s1" 2>&1); rc=$?
ok $([ $rc = 69 ] && echo 0 || echo 1) "missing system binary exits 69 (got $rc)"
ok $(echo "$out" | grep -q "no system 'nosuch'" && echo 0 || echo 1) "message names the missing system"

# 3-4: --node with a program that does not exist: exit 69, message names it.
out=$(timeout 60 ./harness run "$tmp/tiny.conf" --node '/nonexistent/prog --flag' --store "$tmp/s2" 2>&1); rc=$?
ok $([ $rc = 69 ] && echo 0 || echo 1) "--node with a missing program exits 69 (got $rc)"
ok $(echo "$out" | grep -q "/nonexistent/prog" && echo 0 || echo 1) "message names the missing program"

# 5-7: a node that never answers init: exit 70 within the init deadline,
# message names the node, results.json says unknown.
start=$(date +%s)
out=$(timeout 60 ./harness run "$tmp/tiny.conf" --node 'sleep 1000' --store "$tmp/s3" 2>&1); rc=$?
took=$(( $(date +%s) - start ))
ok $([ $rc = 70 ] && [ $took -lt 30 ] && echo 0 || echo 1) "silent node exits 70 in ${took}s (got $rc)"
ok $(echo "$out" | grep -q "node n1 never answered init" && echo 0 || echo 1) "message names the silent node"
ok $(grep -q '^  "valid": "unknown"' "$tmp"/s3/tiny/stdio/*/results.json && echo 0 || echo 1) "results.json says unknown"

# 8-10: a node that crashes mid-run: exit 70, message names it, history is
# readable and holds the ops up to the crash.
out=$(timeout 60 ./harness run "$tmp/tiny.conf" --node "perl $tmp/crasher.pl" --store "$tmp/s4" 2>&1); rc=$?
ok $([ $rc = 70 ] && echo 0 || echo 1) "crashing node exits 70 (got $rc)"
ok $(echo "$out" | grep -q "node n1 exited with status" && echo 0 || echo 1) "message names the crashed node"
history=$(ls "$tmp"/s4/tiny/stdio/*/history.jsonl 2>/dev/null | head -1)
ok $([ -n "$history" ] && [ "$(grep -c '"fail"' "$history")" -gt 0 ] && valid_jsonl "$history" && echo 0 || echo 1) \
   "history up to the crash is readable JSONL with the node's answers"

# 11-14: SIGINT to the harness mid-run: it exits 130 soon, keeps what it
# recorded, and no process of the run is left.
./harness run split-brain --system raft --seed 5 --store "$tmp/s5" > "$tmp/int.out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    ls "$tmp"/s5/split-brain/raft/*/history.jsonl >/dev/null 2>&1 &&
        [ "$(cat "$tmp"/s5/split-brain/raft/*/history.jsonl | wc -l)" -gt 20 ] && break
    sleep 0.1
done
kill -INT $pid
for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then kill -KILL $pid; rc=999; else wait $pid; rc=$?; fi
ok $([ $rc = 130 ] && echo 0 || echo 1) "SIGINT ends the run with 130 within 10 s (got $rc)"
sleep 0.5
left=$(pgrep -f "$tmp/s5" | wc -l)
ok $([ "$left" = 0 ] && echo 0 || echo 1) "no process of the run is left ($left)"
for p in $(pgrep -f "$tmp/s5"); do kill -KILL "$p"; done 2>/dev/null
history=$(ls "$tmp"/s5/split-brain/raft/*/history.jsonl | head -1)
ok $(valid_jsonl "$history" && echo 0 || echo 1) "the interrupted history is readable"
ok $(grep -q '"error": "interrupted"' "$tmp"/s5/split-brain/raft/*/results.json && echo 0 || echo 1) \
   "results.json records the interruption"

# 15-16: Ctrl-C at a terminal signals the whole process group: the harness
# in its own group (setsid) with its proxy and nodes gets SIGINT together.
setsid ./harness run split-brain --system raft --seed 6 --store "$tmp/s6" > "$tmp/grp.out" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    ls "$tmp"/s6/split-brain/raft/*/history.jsonl >/dev/null 2>&1 &&
        [ "$(cat "$tmp"/s6/split-brain/raft/*/history.jsonl | wc -l)" -gt 20 ] && break
    sleep 0.1
done
kill -INT -- -$pid
for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then kill -KILL -- -$pid; rc=999; else wait $pid; rc=$?; fi
ok $([ $rc = 130 ] && echo 0 || echo 1) "Ctrl-C to the process group ends the run with 130 (got $rc)"
sleep 0.5
left=$(pgrep -f "$tmp/s6" | wc -l)
ok $([ "$left" = 0 ] && echo 0 || echo 1) "no process of the group is left ($left)"
for p in $(pgrep -f "$tmp/s6"); do kill -KILL "$p"; done 2>/dev/null
