#!/usr/bin/env bash
# proxy_cli.t -- bin/proxy as a program: usage errors exit 64, the ready
# line names the endpoints actually bound, --ctl and --send talk to it, two
# echo nodes answer through it under faults, SIGTERM and SIGINT exit 0 with
# the trace flushed. Prints TAP.
cd "$(dirname "$0")/.." || exit 1
dir=$(mktemp -d /tmp/fl-proxy-cli-XXXXXX)
pids=()
cleanup () {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.2
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
n=0 failed=0
ok () {     # ok CONDITION-STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
echo "1..23"

# Usage errors.
bin/proxy >/dev/null 2>&1; ok $([ $? = 64 ] && echo 0) "no options: exit 64"
bin/proxy --net ipc://$dir/same --control ipc://$dir/same >/dev/null 2>$dir/err
ok $([ $? = 64 ] && grep -q "different endpoints" $dir/err && echo 0) "one endpoint for --net and --control: exit 64"
bin/proxy --send ipc://$dir/x --as '' --to n1 '{}' >/dev/null 2>$dir/err
ok $([ $? = 64 ] && grep -q "id of 1 to" $dir/err && echo 0) "--send --as '': exit 64"
bin/proxy --send ipc://$dir/x --as "$(printf 'a%.0s' $(seq 300))" --to n1 '{}' >/dev/null 2>$dir/err
ok $([ $? = 64 ] && grep -q "id of 1 to" $dir/err && echo 0) "--send --as a 300-byte id: exit 64"
bin/proxy --net ipc://$dir/a --control ipc://$dir/b --bogus 2>$dir/err >/dev/null
ok $([ $? = 64 ] && grep -q "'--bogus'" $dir/err && echo 0) "unknown option: exit 64 naming it"
bin/proxy --net ipc://$dir/a --control ipc://$dir/b --seed x1 >/dev/null 2>&1
ok $([ $? = 64 ] && echo 0) "bad --seed: exit 64"
bin/proxy --net ipc://$dir/a --control ipc://$dir/b extra >/dev/null 2>&1
ok $([ $? = 64 ] && echo 0) "stray argument: exit 64"
bin/proxy --net 'nope://x' --control ipc://$dir/b 2>$dir/err >/dev/null
ok $([ $? = 69 ] && grep -q "cannot bind 'nope://x'" $dir/err && echo 0) "unbindable endpoint: exit 69 naming it"

# Start on ephemeral TCP ports; read the ready line.
wait_line () {  # wait_line FILE: up to 5 s for a first line
    for _ in $(seq 50); do [ -s "$1" ] && return 0; sleep 0.1; done; return 1
}
bin/proxy --net 'tcp://127.0.0.1:*' --control 'tcp://127.0.0.1:*' --seed 42 \
    --trace $dir/trace.jsonl >$dir/ready 2>$dir/proxy.err &
pids+=($!); proxy=$!
wait_line $dir/ready
ready=$(head -1 $dir/ready)
net=$(echo "$ready" | sed -n 's/.*"net":"\([^"]*\)".*/\1/p')
ctl=$(echo "$ready" | sed -n 's/.*"control":"\([^"]*\)".*/\1/p')
ok $(echo "$ready" | grep -q '"ready":true,"seed":42,' && echo 0) "ready line with the seed"
ok $([[ "$net" =~ ^tcp://127\.0\.0\.1:[0-9]+$ && "$ctl" =~ ^tcp://127\.0\.0\.1:[0-9]+$ ]] && echo 0) \
    "ready line resolves the ports: $net $ctl"
out=$(bin/proxy --ctl "$ctl" '{"cmd":"ping"}'); rc=$?
ok $([ $rc = 0 ] && [[ "$out" == '{"ok":true,"seed":42,'* ]] && echo 0) "--ctl ping"
out=$(bin/proxy --ctl "$ctl" '{"cmd":"drop","p":2}'); rc=$?
ok $([ $rc = 65 ] && [ "$out" = '{"ok":false,"error":"field '"'p'"' must be a number in [0,1], got 2"}' ] && echo 0) \
    "--ctl bad request: exit 65 and the error"

# Two echo nodes through the proxy.
bin/node-echo --id n1 --connect "$net" 2>$dir/n1.log & pids+=($!)
bin/node-echo --id n2 --connect "$net" 2>$dir/n2.log & pids+=($!)
send () { bin/proxy --send "$net" --as c1 "$@" '{"type":"echo","echo":"hi"}'; }
# The first requests may go out before the nodes are connected: retry.
for _ in $(seq 50); do send --to n1 --count 1 --wait-ms 100 >/dev/null && break; done
for _ in $(seq 50); do send --to n2 --count 1 --wait-ms 100 >/dev/null && break; done
out=$(send --to n1 --count 20 --every-ms 1 --wait-ms 5000 | tail -1)
ok $([ "$out" = '{"sent":20,"replies":20,"lost":0}' ] && echo 0) "echo through the proxy: $out"
bin/proxy --ctl "$ctl" '{"cmd":"block","src":"c1","dest":"n1"}' >/dev/null
out=$(send --to n1 --count 5 --every-ms 1 --wait-ms 200 | tail -1)
ok $([ "$out" = '{"sent":5,"replies":0,"lost":5}' ] && echo 0) "block c1->n1: $out"
out=$(send --to n2 --count 5 --every-ms 1 --wait-ms 5000 | tail -1)
ok $([ "$out" = '{"sent":5,"replies":5,"lost":0}' ] && echo 0) "c1->n2 unaffected: $out"
bin/proxy --ctl "$ctl" '{"cmd":"heal"}' '{"cmd":"delay","src":"n1","dest":"c1","ms":80}' >/dev/null
out=$(send --to n1 --count 1 --wait-ms 5000 | head -1)
rtt=$(echo "$out" | sed -n 's/.*"rtt_ms":\([0-9.]*\).*/\1/p')
ok $(awk -v r="$rtt" 'BEGIN { exit !(r >= 80) }' && echo 0) "delay 80 ms: rtt $rtt ms"
bin/proxy --ctl "$ctl" '{"cmd":"heal"}' '{"cmd":"pause","node":"n2"}' >/dev/null
out=$(send --to n2 --count 3 --every-ms 1 --wait-ms 200 | tail -1)
ok $([ "$out" = '{"sent":3,"replies":0,"lost":3}' ] && echo 0) "pause n2 holds its traffic: $out"
bin/proxy --ctl "$ctl" '{"cmd":"resume","node":"n2"}' >/dev/null
out=$(bin/proxy --ctl "$ctl" '{"cmd":"stats"}')
ok $(echo "$out" | grep -q '"c1->n2":{"sent":[0-9]*,"delivered":[0-9]*,"dropped":[0-9]*,"duplicated":0,"delayed":0,"reordered":0,"paused":3,"queued":0}' && echo 0) \
    "resume n2 releases its queue"
out=$(send --to n9 --count 1 --wait-ms 5000 | head -1)
ok $(echo "$out" | grep -q '"src":"n9".*"type":"error","in_reply_to":1,"code":1' && echo 0) \
    "unknown dest: error code 1"

# Clean exit on SIGTERM, trace flushed.
kill -TERM $proxy; wait $proxy; rc=$?
ok $([ $rc = 0 ] && echo 0) "SIGTERM: exit 0"
ok $(grep -q '"action":"deliver"' $dir/trace.jsonl && grep -q '"action":"block"' $dir/trace.jsonl \
     && grep -q '"action":"queue"' $dir/trace.jsonl && echo 0) "trace has deliver, block and queue events"
bin/proxy --net ipc://$dir/net2 --control ipc://$dir/ctl2 >$dir/ready2 2>/dev/null &
p2=$!; pids+=($p2)
wait_line $dir/ready2
kill -INT $p2; wait $p2; rc=$?
ok $([ $rc = 0 ] && grep -q '"seed":[0-9]' $dir/ready2 && echo 0) "SIGINT: exit 0; a default seed is printed"
# A crash leaves a readable prefix: SIGKILL mid-stream, every line whole.
bin/proxy --net ipc://$dir/net3 --control ipc://$dir/ctl3 --trace $dir/crash.jsonl >$dir/ready3 2>/dev/null &
p3=$!; pids+=($p3)
wait_line $dir/ready3
bin/node-echo --id n1 --connect ipc://$dir/net3 2>/dev/null & pids+=($!)
bin/proxy --send ipc://$dir/net3 --as c1 --to n1 --count 3000 --every-ms 0 --wait-ms 5000 \
    '{"type":"echo","echo":"x"}' >/dev/null &
sender=$!; pids+=($sender)
for _ in $(seq 50); do [ "$(wc -l <$dir/crash.jsonl)" -gt 100 ] && break; sleep 0.1; done
kill -9 $p3; wait $p3 2>/dev/null; wait $sender 2>/dev/null
lines=$(wc -l <$dir/crash.jsonl)
# (a line cut by the kill itself has no newline and is not counted)
bad=$(head -n "$lines" $dir/crash.jsonl | grep -cv '^{"time":[0-9]*,"src":"[a-z0-9]*","dest":"[a-z0-9]*","action":"[a-z]*",.*}$')
ok $([ "$lines" -gt 100 ] && [ "$bad" = 0 ] && echo 0) "SIGKILL: $lines whole trace lines, $bad broken"
exit $failed
