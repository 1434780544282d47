#!/usr/bin/env bash
# chaos_raft_network.t -- raft stays linearizable under network faults: minority, isolated leader, bridge, drop/duplicate/reorder, delay.
# Each scenario runs 8 s of load with a fixed seed (--time-limit keeps the
# schedule's first faults), then the final heal and settle; the check must
# say valid and the run must exit 0.
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d /tmp/fl-chaos-raft-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0
ok () { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
verdict () { grep -oE '^  "valid": (true|false|"unknown")' "$1" | sed 's/.*: //; s/"//g'; }
scenarios="minority-partition isolate-leader bridge flaky-network slow-network"
echo "1..$(( $(echo $scenarios | wc -w) * 2 ))"
for s in $scenarios; do
    out=$(timeout 120 ./harness run $s --system raft --seed 3 --time-limit 8 --store "$tmp" 2>&1)
    rc=$?
    v=$(verdict "$tmp"/$s/raft/*/results.json 2>/dev/null)
    ok $([ $rc = 0 ] && echo 0 || echo 1) "$s: run exits 0 (got $rc)"
    ok $([ "$v" = true ] && echo 0 || echo 1) "$s: raft is linearizable ($v)"
    [ $rc = 0 ] || echo "$out" | sed 's/^/# /'
done
