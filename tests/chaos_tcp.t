#!/usr/bin/env bash
# chaos_tcp.t -- --transport tcp: the proxy binds tcp://127.0.0.1:* (ports
# the kernel picks, so tests still run in parallel) and the nodes and the
# clients use the ports it says it bound. split-brain against raft is
# valid over tcp, and ./harness up --transport tcp takes faults.
. "$(dirname "$0")/lib.sh" chaos-tcp
echo "1..4"
out=$(timeout 120 ./harness run split-brain --system raft --transport tcp --seed 3 \
      --time-limit 4 --store "$tmp/st" 2>&1); rc=$?
v=$(verdict "$tmp"/st/split-brain/raft/*/results.json 2>/dev/null)
ok $([ $rc = 0 ] && [ "$v" = true ] && echo 0 || echo 1) "split-brain, raft, tcp: valid (got $rc, $v)"
[ $rc = 0 ] || echo "$out" | sed 's/^/# /'
ok $(grep -qE '"net":"tcp://127\.0\.0\.1:[0-9]+"' "$tmp"/st/split-brain/raft/*/proxy.log && echo 0 || echo 1) \
   "the proxy bound a tcp port"

export FAULTLAB_UP="$tmp/up.json"
./harness up --system raft --nodes 3 --seed 2 --transport tcp --store "$tmp/up" > "$tmp/up.out" 2>&1 &
pid=$!
trap 'kill -KILL $pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do [ -s "$FAULTLAB_UP" ] && break; sleep 0.1; done
ok $(grep -qE '"net": "tcp://127\.0\.0\.1:[0-9]+"' "$FAULTLAB_UP" 2>/dev/null && echo 0 || echo 1) \
   "up --transport tcp says its tcp net endpoint"
out=$(timeout 20 ./harness fault isolate-leader 2>&1)
ok $(echo "$out" | grep -q 'in force: partition' && echo 0 || echo 1) "and takes a fault (${out//$'\n'/ })"
kill -INT $pid
for _ in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
