#!/usr/bin/env bash
# harness_node_log_cap.t -- a node that floods stderr (1 MiB per request)
# cannot fill the disk: its log stops at FL_NODE_LOG_BYTES_MAX with a line
# saying so, results.json's log_cut counts the bytes cut, the console says
# it, and the run is judged on its ops as usual (valid: the echoes are
# right). A calm node's log_cut is {}.
. "$(dirname "$0")/lib.sh" log-cap
plan 7
need_program perl perl
max=$(sed -n 's/^#define FL_NODE_LOG_BYTES_MAX *(\([0-9]*\)LL \* \([0-9]*\) \* \([0-9]*\)).*/\1*\2*\3/p' common/limits.h)
max=$((max))
cat > "$tmp/echo.conf" <<'CONF'
nodes = 1
duration_s = 3
systems
    raft = valid
workload
    name = echo
    clients = 2
    rate = 40
final
    settle_s = 0
CONF
cat > "$tmp/flood.pl" <<'PERL'
use strict; use warnings; use JSON::PP;
$| = 1;
my $junk = ("x" x 1048575) . "\n";
my $flood = $ARGV[0];
while (my $line = <STDIN>) {
    my $m = decode_json ($line);
    my $b = $m->{body};
    my $reply = { type => $b->{type} . "_ok", in_reply_to => $b->{msg_id} };
    $reply->{echo} = $b->{echo} if exists $b->{echo};
    print encode_json ({ src => $m->{dest}, dest => $m->{src}, body => $reply }), "\n";
    print STDERR $junk if $flood && $b->{type} eq 'echo';
}
PERL
run timeout 60 ./harness run "$tmp/echo.conf" --node "perl $tmp/flood.pl 1" --seed 1 --store "$tmp/s1"
ok $rc "a flooding node's run is judged on its ops: valid, exit 0 (got $rc)" || diag_run
dir=$(ls -d "$tmp"/s1/echo/stdio/*/ | head -1)
size=$(stat -c %s "$dir/n1.log")
check "n1.log stops at FL_NODE_LOG_BYTES_MAX ($size <= $max + 200)" [ "$size" -gt "$((max - 1048576))" -a "$size" -le "$((max + 200))" ]
check_grep "reached FL_NODE_LOG_BYTES_MAX" "$dir/n1.log" "the log says where it was cut"
cut=$(perl -MJSON::PP -0777 -ne 'print decode_json ($_)->{log_cut}{n1} // 0' "$dir/results.json")
check "results.json log_cut counts the bytes cut (n1: $cut)" [ "$cut" -gt 1048576 ]
check_output "note: n1's log reached FL_NODE_LOG_BYTES_MAX" "the console says it"

run timeout 60 ./harness run "$tmp/echo.conf" --node "perl $tmp/flood.pl 0" --seed 1 --store "$tmp/s2"
check "a calm node's run is valid (got $rc)" [ "$rc" = 0 ]
check_grep '"log_cut": {}' "$(ls "$tmp"/s2/echo/stdio/*/results.json | head -1)" "and its log_cut is {}"
