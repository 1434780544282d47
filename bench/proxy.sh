#!/usr/bin/env bash
# proxy.sh -- proxy throughput and round trip against direct ZeroMQ, in the
# same run (bench/proxy.c). Starts bin/proxy with no faults, and a bare
# forwarding process as a floor, on ipc:// in a private directory; runs the
# helper; stops both. Prints `bench` lines.
cd "$(dirname "$0")/.." || exit 1
dir=$(mktemp -d /tmp/fl-bench-proxy-XXXXXX)
proxy= bare= traced=
cleanup () {
    for p in $proxy $bare $traced; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$dir"
}
trap cleanup EXIT
bin/proxy --net "ipc://$dir/net" --control "ipc://$dir/ctl" --seed 1 >"$dir/ready" &
proxy=$!
for _ in $(seq 50); do [ -s "$dir/ready" ] && break; sleep 0.1; done
[ -s "$dir/ready" ] || { echo "bench proxy: bin/proxy did not start" >&2; exit 1; }
# The same proxy writing a trace, as the harness runs it.
bin/proxy --net "ipc://$dir/tnet" --control "ipc://$dir/tctl" --seed 1 \
    --trace "$dir/trace.jsonl" >"$dir/tready" &
traced=$!
# A bare forwarding process: the floor for any proxy on this machine.
bench/bin/proxy --serve-bare "ipc://$dir/bare" >"$dir/bare.ready" &
bare=$!
for _ in $(seq 50); do [ -s "$dir/bare.ready" ] && [ -s "$dir/tready" ] && break; sleep 0.1; done
timeout 60 bench/bin/proxy --dir "$dir" --proxy "ipc://$dir/net" --bare "ipc://$dir/bare" \
    --traced "ipc://$dir/tnet" "$@"
