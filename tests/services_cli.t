#!/usr/bin/env bash
# services_cli.t -- bin/lab-services as a program: usage errors exit 64
# naming the option, no proxy exits 69 naming each service, the ready line,
# --only, answers through a real bin/proxy (its --send client), a log line
# for an unknown type, SIGTERM and SIGINT exit 0. The services' semantics
# are services_kv's and services_proxy's. Prints TAP.
. "$(dirname "$0")/lib.sh" services-cli
need_file bin/lab-services "run make"
need_file bin/proxy "run make"
pids=()
stop_all () {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do wait_exit "$p" 5; done
}
at_exit stop_all
plan 16

check_error 64 "missing required option '--connect'" "no --connect: exit 64" \
    stderr_of bin/lab-services
check_error 64 "unknown service.*'lin-kvv'" "--only with an unknown service: exit 64 naming it" \
    stderr_of bin/lab-services --connect ipc://$tmp/net --only lin-kv,lin-kvv
check_error 64 "needs a list" "--only '': exit 64" \
    stderr_of bin/lab-services --connect ipc://$tmp/net --only ''
check_error 64 "'-1'" "negative --seed: exit 64 naming it" \
    stderr_of bin/lab-services --connect ipc://$tmp/net --seed -1
check_error 64 "'--bogus'" "unknown option: exit 64 naming it" \
    stderr_of bin/lab-services --connect ipc://$tmp/net --bogus
check_error 64 "unexpected argument 'extra'" "stray argument: exit 64" \
    stderr_of bin/lab-services --connect ipc://$tmp/net extra
check_error 64 "cannot connect to 'bogus://x'" "an endpoint ZeroMQ refuses: exit 64" \
    stderr_of bin/lab-services --connect bogus://x
# Nothing at the endpoint: every service named, within the 5 s limit.
check_error 69 "lin-tso: not reachable through the proxy at 'ipc://$tmp/none' within FL_SERVICES_READY_TIMEOUT_MS (5000 ms)" \
    "no proxy: exit 69 naming the service" \
    timeout 20 bin/lab-services --connect ipc://$tmp/none --only seq-kv,lin-tso

bin/proxy --net ipc://$tmp/net --control ipc://$tmp/ctl --seed 3 > $tmp/proxy.out 2>&1 &
pids+=($!)
wait_for 5 grep -q '"ready":true' $tmp/proxy.out
bin/lab-services --connect ipc://$tmp/net --seed 11 --only lin-tso,lin-kv \
    > $tmp/services.out 2> $tmp/services.err &
services=$!; pids+=($services)
wait_for 5 grep -q '"ready":true' $tmp/services.out
check_grep -F '{"ready":true,"seed":11,"services":["lin-kv","lin-tso"],"pid":' $tmp/services.out \
    "ready line with the seed and the services --only asked for"

send () { bin/proxy --send ipc://$tmp/net --as n1 "$@"; }
check_error 0 '"body":{"type":"ts_ok","ts":2,"in_reply_to":3}' "lin-tso counts 0, 1, 2" \
    send --to lin-tso --count 3 --every-ms 1 '{"type":"ts"}'
check_error 0 '"code":20,"text":"key does not exist"' "lin-kv: a missing key is error 20" \
    send --to lin-kv '{"type":"read","key":"x"}'
# seq-kv was not asked for: the proxy answers for the missing party.
check_error 0 '"code":1' "a service left out by --only is not there (error 1 from the proxy)" \
    send --to seq-kv '{"type":"read","key":"x"}'
check_error 1 '"lost":1' "an unknown type gets no reply" \
    send --to lin-kv --wait-ms 300 '{"type":"frobnicate"}'
check_grep -F 'lab-services: lin-kv: no reply to n1: unknown type "frobnicate" for lin-kv: {' \
    $tmp/services.err "... and a log line naming the sender and the type"

kill -TERM $services
wait_exit $services 5
check "SIGTERM: exit 0 (got $rc)" [ "$rc" = 0 ]

bin/lab-services --connect ipc://$tmp/net --seed 11 > $tmp/again.out 2>&1 &
services=$!; pids+=($services)
wait_for 5 grep -q '"ready":true' $tmp/again.out
kill -INT $services
wait_exit $services 5
check "SIGINT: exit 0 (got $rc)" [ "$rc" = 0 ]
