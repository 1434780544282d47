#!/usr/bin/env bash
# netplane_refuse.t -- a real-database run refuses, before anything
# starts, what it cannot do, naming it: --transport tcp and --node (64),
# not root (77, EX_NOPERM), a missing server program (69), a tour (its
# string keys are not the shims' integer lin-kv keys: 64); and
# ./harness sweep removes what a dead harness left: an ipc directory whose
# recorded pid is dead and a named fl-PID-* network namespace of a dead
# PID, saying so, and leaves a live harness's namespace alone; a directory
# whose pid file says 1 (written by a harness inside its private PID
# namespace before the host pid was recorded) is stale.
. "$(dirname "$0")/lib.sh" netplane-refuse
plan 12
need_file bin/node-etcd "run make lab"
store="$tmp/store"

check_error 64 "transport tcp is not for a real database" \
    "--transport tcp is refused for a real database" \
    ./harness run split-brain --system etcd --transport tcp --store "$store"
check_error 64 "exclude each other" "--node with --system etcd is refused" \
    ./harness run split-brain --system etcd --node 'python3 x' --store "$store"
if command -v setpriv > /dev/null && [ "$(id -u)" = 0 ]; then
    check_error 77 "need root" "not root: exit 77, naming what needs root" \
        setpriv --reuid=65534 --regid=65534 --clear-groups \
        ./harness run split-brain --system etcd --store "$store"
else
    ok 0 "# SKIP not root or no setpriv: cannot drop root to see the refusal"
fi
check_error 69 "needs the program 'etcd'" "no etcd on PATH: exit 69 naming the program" \
    env PATH=/nonexistent "$PWD/harness" run split-brain --system etcd --store "$store"
check_error 64 "scenario cap-tour is a tour, whose keys are strings (user:alice): system etcd cannot" \
    "a tour on etcd is refused up front, naming the system and why" \
    ./harness run cap-tour --system etcd --store "$store"
check_error 64 "system redis cannot take its ops, its shim keeps only integer lin-kv keys" \
    "a tour on redis is refused up front" \
    ./harness run cart-conflict --system redis --store "$store"
check "nothing was recorded by the refused runs" [ ! -e "$store" ]

[ "$(id -u)" = 0 ] || { while [ "$n" -lt 11 ]; do ok 0 "# SKIP sweep of namespaces needs root"; done; exit 0; }
dead=$(( $(cat /proc/sys/kernel/pid_max) + 1 ))
stale=$(mktemp -d /tmp/faultlab-XXXXXX)
echo "$dead" > "$stale/pid"
# An older harness in its private PID namespace wrote 1 (init on the host).
old=$(mktemp -d /tmp/faultlab-XXXXXX)
echo 1 > "$old/pid"
ip netns add "fl-$dead-hub"
ip netns add "fl-$$-hub"
at_exit "ip netns delete fl-$dead-hub 2>/dev/null; ip netns delete fl-$$-hub 2>/dev/null; rm -rf $stale $old"
check_exit 0 "sweep runs" ./harness sweep
check_output "removed network namespace fl-$dead-hub" "sweep removed the dead harness's namespace"
check "sweep left the live pid's namespace and removed the stale ipc directory" \
    bash -c "ip netns list | grep -q '^fl-$$-hub' && [ ! -e $stale ]"
check "sweep removed the ipc directory whose pid file says 1" [ ! -e "$old" ]
check_output "removed stale ipc directory $stale" "sweep names each ipc directory it removed"
