#!/usr/bin/env bash
# proxy_cli.t -- bin/proxy as a program: usage errors exit 64, the ready
# line names the endpoints actually bound, --ctl and --send talk to it, two
# echo nodes answer through it under faults, SIGTERM and SIGINT exit 0 with
# the trace flushed. Prints TAP.
. "$(dirname "$0")/lib.sh" proxy-cli
dir=$tmp
pids=()
stop_all () {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.2
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
}
at_exit stop_all
plan 26

# Usage errors.
check_exit 64 "no options: exit 64" bin/proxy
check_error 64 "different endpoints" "one endpoint for --net and --control: exit 64" \
    stderr_of bin/proxy --net ipc://$dir/same --control ipc://$dir/same
check_error 64 "id of 1 to" "--send --as '': exit 64" \
    stderr_of bin/proxy --send ipc://$dir/x --as '' --to n1 '{}'
check_error 64 "id of 1 to" "--send --as a 300-byte id: exit 64" \
    stderr_of bin/proxy --send ipc://$dir/x --as "$(printf 'a%.0s' $(seq 300))" --to n1 '{}'
# Nothing listening: the DEALER queues the request (a lazy connect), so it is
# lost (1), not unsent (69, which needs the proxy gone mid-stream).
check_error 1 '"lost":1' "--send with nothing listening: exit 1, the request lost" \
    timeout 10 bin/proxy --send ipc://$dir/nobody --as c1 --to n1 --wait-ms 200 '{"type":"echo"}'
check_error 64 "'--bogus'" "unknown option: exit 64 naming it" \
    stderr_of bin/proxy --net ipc://$dir/a --control ipc://$dir/b --bogus
check_exit 64 "bad --seed: exit 64" bin/proxy --net ipc://$dir/a --control ipc://$dir/b --seed x1
check_exit 64 "stray argument: exit 64" bin/proxy --net ipc://$dir/a --control ipc://$dir/b extra
check_error 69 "cannot bind 'nope://x'" "unbindable endpoint: exit 69 naming it" \
    stderr_of bin/proxy --net 'nope://x' --control ipc://$dir/b

# Start on ephemeral TCP ports; read the ready line.
wait_line () { wait_for 5 test -s "$1"; }   # wait_line FILE: up to 5 s for a first line
bin/proxy --net 'tcp://127.0.0.1:*' --control 'tcp://127.0.0.1:*' --seed 42 \
    --trace $dir/trace.jsonl >$dir/ready 2>$dir/proxy.err &
pids+=($!); proxy=$!
wait_line $dir/ready
ready=$(head -1 $dir/ready)
net=$(echo "$ready" | sed -n 's/.*"net":"\([^"]*\)".*/\1/p')
ctl=$(echo "$ready" | sed -n 's/.*"control":"\([^"]*\)".*/\1/p')
check "ready line with the seed" grep -q '"ready":true,"seed":42,' <<< "$ready"
resolved () { [[ "$1" =~ ^tcp://127\.0\.0\.1:[0-9]+$ && "$2" =~ ^tcp://127\.0\.0\.1:[0-9]+$ ]]; }
check "ready line resolves the ports: $net $ctl" resolved "$net" "$ctl"
# (stdout only: the reply is compared whole)
out=$(bin/proxy --ctl "$ctl" '{"cmd":"ping"}'); rc=$?
pinged () { [ "$rc" = 0 ] && [[ "$out" == '{"ok":true,"seed":42,'* ]]; }
check "--ctl ping (got $rc: $out)" pinged
out=$(bin/proxy --ctl "$ctl" '{"cmd":"drop","p":2}'); rc=$?
check "--ctl bad request: exit 65 and the error (got $rc: $out)" \
    [ "$rc" = 65 -a "$out" = '{"ok":false,"error":"field '"'p'"' must be a number in [0,1], got 2"}' ]

# Two echo nodes through the proxy.
bin/node-echo --id n1 --connect "$net" 2>$dir/n1.log & pids+=($!)
bin/node-echo --id n2 --connect "$net" 2>$dir/n2.log & pids+=($!)
send () { bin/proxy --send "$net" --as c1 "$@" '{"type":"echo","echo":"hi"}'; }
# The first requests may go out before the nodes are connected: retry.
for _ in $(seq 50); do send --to n1 --count 1 --wait-ms 100 >/dev/null && break; done
for _ in $(seq 50); do send --to n2 --count 1 --wait-ms 100 >/dev/null && break; done
out=$(send --to n1 --count 20 --every-ms 1 --wait-ms 5000 | tail -1)
check "echo through the proxy: $out" [ "$out" = '{"sent":20,"replies":20,"lost":0}' ]
bin/proxy --ctl "$ctl" '{"cmd":"block","src":"c1","dest":"n1"}' >/dev/null
out=$(send --to n1 --count 5 --every-ms 1 --wait-ms 200 | tail -1)
check "block c1->n1: $out" [ "$out" = '{"sent":5,"replies":0,"lost":5}' ]
out=$(send --to n2 --count 5 --every-ms 1 --wait-ms 5000 | tail -1)
check "c1->n2 unaffected: $out" [ "$out" = '{"sent":5,"replies":5,"lost":0}' ]
bin/proxy --ctl "$ctl" '{"cmd":"heal"}' '{"cmd":"delay","src":"n1","dest":"c1","ms":80}' >/dev/null
out=$(send --to n1 --count 1 --wait-ms 5000 | head -1)
rtt=$(echo "$out" | sed -n 's/.*"rtt_ms":\([0-9.]*\).*/\1/p')
check "delay 80 ms: rtt $rtt ms" awk -v r="$rtt" 'BEGIN { exit !(r >= 80) }'
bin/proxy --ctl "$ctl" '{"cmd":"heal"}' '{"cmd":"pause","node":"n2"}' >/dev/null
out=$(send --to n2 --count 3 --every-ms 1 --wait-ms 200 | tail -1)
check "pause n2 holds its traffic: $out" [ "$out" = '{"sent":3,"replies":0,"lost":3}' ]
bin/proxy --ctl "$ctl" '{"cmd":"resume","node":"n2"}' >/dev/null
out=$(bin/proxy --ctl "$ctl" '{"cmd":"stats"}')
check "resume n2 releases its queue" \
    grep -q '"c1->n2":{"sent":[0-9]*,"delivered":[0-9]*,"dropped":[0-9]*,"duplicated":0,"delayed":0,"reordered":0,"paused":3,"queued":0}' <<< "$out"
out=$(send --to n9 --count 1 --wait-ms 5000 | head -1)
check "unknown dest: error code 1" grep -q '"src":"n9".*"type":"error","in_reply_to":1,"code":1' <<< "$out"

# Clean exit on SIGTERM, trace flushed.
kill -TERM $proxy; wait $proxy; rc=$?
check "SIGTERM: exit 0 (got $rc)" [ "$rc" = 0 ]
check "trace has deliver, block and queue events" \
    grep_all $dir/trace.jsonl '"action":"deliver"' '"action":"block"' '"action":"queue"'
bin/proxy --net ipc://$dir/net2 --control ipc://$dir/ctl2 >$dir/ready2 2>/dev/null &
p2=$!; pids+=($p2)
wait_line $dir/ready2
kill -INT $p2; wait $p2; rc=$?
seeded () { [ "$rc" = 0 ] && grep -q '"seed":[0-9]' $dir/ready2; }
check "SIGINT: exit 0; a default seed is printed (got $rc)" seeded
# A second proxy on a live ipc path is refused; the first keeps serving.
bin/proxy --net ipc://$dir/net4 --control ipc://$dir/ctl4 >$dir/ready4 2>/dev/null &
p4=$!; pids+=($p4)
wait_line $dir/ready4
check_error 69 "ipc://$dir/net4' is live" "a second proxy on a live ipc path: exit 69 naming it" \
    stderr_of timeout 5 bin/proxy --net ipc://$dir/net4 --control ipc://$dir/ctl5
run bin/proxy --ctl ipc://$dir/ctl4 '{"cmd":"ping"}'
check "the first proxy still answers on its control path (got $rc)" [ "$rc" = 0 ]
kill $p4; wait $p4 2>/dev/null
# A crash leaves a readable prefix: SIGKILL mid-stream, every line whole.
bin/proxy --net ipc://$dir/net3 --control ipc://$dir/ctl3 --trace $dir/crash.jsonl >$dir/ready3 2>/dev/null &
p3=$!; pids+=($p3)
wait_line $dir/ready3
bin/node-echo --id n1 --connect ipc://$dir/net3 2>/dev/null & pids+=($!)
bin/proxy --send ipc://$dir/net3 --as c1 --to n1 --count 3000 --every-ms 0 --wait-ms 5000 \
    '{"type":"echo","echo":"x"}' >/dev/null &
sender=$!; pids+=($sender)
traced () { [ "$(wc -l <$dir/crash.jsonl)" -gt "$1" ]; }
wait_for 5 traced 100
kill -9 $p3; wait $p3 2>/dev/null
# (the sender stops by its own --wait-ms 5000; killed if it blocks past 10 s)
wait_exit $sender 10
lines=$(wc -l <$dir/crash.jsonl)
# (a line cut by the kill itself has no newline and is not counted)
bad=$(head -n "$lines" $dir/crash.jsonl | grep -cv '^{"time":[0-9]*,"src":"[a-z0-9]*","dest":"[a-z0-9]*","action":"[a-z]*",.*}$')
check "SIGKILL: $lines whole trace lines, $bad broken" [ "$lines" -gt 100 -a "$bad" = 0 ]
