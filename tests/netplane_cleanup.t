#!/usr/bin/env bash
# netplane_cleanup.t -- a real-database run leaves nothing behind: after a
# normal end, and after kill -9 of the harness mid-run (its private PID
# namespace's pid 1 dies with it, PR_SET_PDEATHSIG, and the kernel ends
# everything in that namespace), no etcd of this run is left, no network
# namespace the run made is held by any process, and no fl-* name is
# visible on the host; its /tmp/faultlab-* ipc directory records the outer
# harness's host pid (not 1, its pid in the private namespace), so
# ./harness sweep removes it after the kill; Ctrl-C (SIGINT to the whole
# process group) while the lab is still starting ends with 130 and
# "interrupted", not with the proxy's death it caused. The run's etcd processes are told apart from any
# other etcd on the machine by their data directory under this test's
# store. Waits have deadlines, no figures are asserted.
. "$(dirname "$0")/lib.sh" netplane-cleanup
plan 12
need_program etcd etcd-server
need_program pgrep procps
need_file bin/node-etcd "run make lab"
[ "$(id -u)" = 0 ] || fail_rest "the IP-level plane needs root (network namespaces, nftables)"
store="$tmp/store"
at_exit 'pkill -KILL -f "$store" 2>/dev/null'
ours () { pgrep -f -- "--data-dir $store" > /dev/null; }
none_left () { ! ours; }

check_exit 0 "a short etcd run ends normally" \
    timeout 120 ./harness run split-brain --system etcd --seed 3 --time-limit 4 --store "$store"
check "split-brain has no clock-skew: no note that libfaketime cannot skew etcd" \
    bash -c "! grep -q libfaketime '$tmp/.run'"
check "after a normal end no etcd of the run is left" none_left

./harness run split-brain --system etcd --seed 3 --time-limit 60 --store "$store" \
    > "$tmp/long.out" 2>&1 &
harness=$!
at_exit 'kill -9 $harness 2>/dev/null' 
wait_for 60 ours
check "the long run's etcd members are up" ours
pid=$(pgrep -f -- "--data-dir $store" | head -1)
netns=$(readlink "/proc/$pid/ns/net" 2>/dev/null)
diag "etcd $pid in $netns; harness $harness"
ipc=$(grep -lx "$harness" /tmp/faultlab-??????/pid 2>/dev/null | head -1)
ipc=${ipc%/pid}
check "the run's ipc directory (${ipc:-none}) records the harness's host pid $harness" [ -n "$ipc" ]
kill -9 "$harness"
wait "$harness" 2>/dev/null
wait_for 10 none_left
check "after kill -9 of the harness no etcd of the run is left" none_left
held () { lsns -t net -o NS -n 2>/dev/null | grep -q "${netns//[^0-9]/}"; }
not_held () { ! held; }
wait_for 10 not_held
check "its network namespace ($netns) is held by no process" \
    [ -n "$netns" ] && not_held
check "no fl-$harness-* namespace is named on the host" \
    bash -c "! ip netns list | grep -q '^fl-$harness-'"
check_exit 0 "sweep runs after the kill" ./harness sweep
check "sweep removed the killed run's ipc directory" bash -c "[ -n '$ipc' ] && [ ! -e '$ipc' ]"

# Ctrl-C while the lab starts: the proxy is up (its log exists), etcd not yet ready.
started () { ls "$store"/split-brain/etcd/*/proxy.log > /dev/null 2>&1; }
rm -rf "$store"
setsid ./harness run split-brain --system etcd --seed 4 --time-limit 30 --store "$store" \
    > "$tmp/int.out" 2>&1 &
harness=$!
wait_for 60 started
kill -INT -- -"$harness"
wait_exit "$harness" 60 group
check "Ctrl-C during start-up exits 130 (got $rc)" [ "$rc" = 130 ]
check "and says interrupted, not that the proxy died" \
    bash -c "grep -q interrupted '$tmp/int.out' && ! grep -q 'the proxy .*unasked' '$tmp/int.out'" ||
    sed 's/^/# /' "$tmp/int.out" >&2
