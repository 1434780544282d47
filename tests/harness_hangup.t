#!/usr/bin/env bash
# harness_hangup.t -- SIGHUP (a closed terminal or ssh session) ends a run
# as Ctrl-C does: exit 130, results.json saying "interrupted", no process
# and no ipc directory left; a harness killed with SIGKILL leaves its ipc
# directory, and the next lab sweeps it (the pid recorded there is dead),
# while a directory of a live pid, without a pid file, or with a socket
# that still answers stays.
. "$(dirname "$0")/lib.sh" hangup
plan 10
need_program pgrep procps
need_program python3 python3

cat > "$tmp/short.conf" <<'CONF'
description = "short: a run to hang up on"
nodes = 1
duration_s = 30
systems
    raft = valid
workload
    name = lin-kv
    clients = 1
    rate = 20
    keys = 1
final
    settle_s = 0
CONF
cat > "$tmp/tiny.conf" <<'CONF'
description = "tiny: one second"
nodes = 1
duration_s = 1
systems
    raft = valid
workload
    name = lin-kv
    clients = 1
    rate = 20
    keys = 1
final
    settle_s = 0
CONF
recorded () { [ -s "$(ls "$tmp"/$1/short/raft/*/history.jsonl 2>/dev/null | head -1)" ]; }
# ipc_dir_of PID: the lab directory whose pid file names PID.
ipc_dir_of () { grep -lx "$1" /tmp/faultlab-??????/pid 2>/dev/null | head -1 | xargs -r dirname; }

# 1-4: SIGHUP mid-run.
./harness run "$tmp/short.conf" --system raft --seed 1 --store "$tmp/s1" > "$tmp/hup.out" 2>&1 &
pid=$!
wait_for 15 recorded s1
dir=$(ipc_dir_of $pid)
kill -HUP $pid
wait_exit $pid 15
check "SIGHUP ends the run with 130 (got $rc)" [ "$rc" = 130 ] || sed 's/^/# /' "$tmp/hup.out" >&2
check_grep '"error": "interrupted"' "$(ls "$tmp"/s1/short/raft/*/results.json 2>/dev/null | head -1)" \
    "results.json is written and records the interruption"
wait_for 2 no_process "$tmp/s1"
check "no process of the run is left" no_process "$tmp/s1"
check "its ipc directory '$dir' is removed" [ -n "$dir" -a ! -e "$dir" ]

# 5-9: SIGKILL leaves the directory; the next lab sweeps it, and only it.
./harness run "$tmp/short.conf" --system raft --seed 2 --store "$tmp/s2" > /dev/null 2>&1 &
pid=$!
wait_for 15 recorded s2
dir=$(ipc_dir_of $pid)
kill -KILL $pid; wait $pid 2>/dev/null
wait_for 5 no_process "$tmp/s2"
check "after SIGKILL its ipc directory is left ('$dir')" [ -n "$dir" -a -d "$dir" ]
live=$(mktemp -d /tmp/faultlab-XXXXXX); echo $$ > "$live/pid"
bare=$(mktemp -d /tmp/faultlab-XXXXXX)
up=$(mktemp -d /tmp/faultlab-up-XXXXXX)
sh -c 'exit 0' & dead=$!; wait $dead
echo $dead > "$up/pid"
# A dead pid but a socket that still answers (another pid namespace
# sharing /tmp): not stale.
serving=$(mktemp -d /tmp/faultlab-XXXXXX); echo $dead > "$serving/pid"
python3 -c "import socket,time; s=socket.socket(socket.AF_UNIX); s.bind('$serving/net'); s.listen(); time.sleep(60)" &
listener=$!
wait_for 5 test -S "$serving/net"
at_exit "kill $listener 2>/dev/null; rm -rf '$live' '$bare' '$up' '$dir' '$serving'"
check_exit 0 "the next run is valid" \
    timeout 60 ./harness run "$tmp/tiny.conf" --system raft --seed 3 --store "$tmp/s3"
check "it swept the dead harness's directory" [ ! -e "$dir" ]
check "it kept a live pid's directory and one without a pid file" [ -d "$live" -a -d "$bare" ]
check "an up directory is swept by up, not by a run (still there)" [ -d "$up" ]
check "a dead pid's directory whose socket still answers is kept" [ -d "$serving" ]
