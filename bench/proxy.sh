#!/usr/bin/env bash
# proxy.sh -- proxy throughput and round trip against direct ZeroMQ, in the
# same run (bench/proxy.c). Starts bin/proxy with no faults on ipc:// in a
# private directory, runs the helper, stops the proxy. Prints `bench` lines.
cd "$(dirname "$0")/.." || exit 1
dir=$(mktemp -d /tmp/fl-bench-proxy-XXXXXX)
proxy=
cleanup () { [ -n "$proxy" ] && kill "$proxy" 2>/dev/null && wait "$proxy" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
bin/proxy --net "ipc://$dir/net" --control "ipc://$dir/ctl" --seed 1 >"$dir/ready" &
proxy=$!
for _ in $(seq 50); do [ -s "$dir/ready" ] && break; sleep 0.1; done
[ -s "$dir/ready" ] || { echo "bench proxy: bin/proxy did not start" >&2; exit 1; }
timeout 60 bench/bin/proxy --dir "$dir" --proxy "ipc://$dir/net" "$@"
