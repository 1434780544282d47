#!/usr/bin/env bash
# bench/raft.sh -- what a 5-node raft cluster sustains through the lab: 10
# clients, no faults, unthrottled (each client issues its next op as soon as
# the last returns), 5 s of load. Prints ok ops/s, latency p50/p99 of ok
# ops, the time from the command until every node answered init, and
# until the first op (target < 500 ms; the harness waits for raft to elect
# its first leader before the load starts, which is most of it).
# Figures come from the run's own results.json.
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d /tmp/fl-bench-raft-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/bench-raft.conf" <<'CONF'
description = "bench: 5-node raft, 10 unthrottled clients, no faults"
nodes = 5
duration_s = 5
systems
    raft = valid
workload
    name = lin-kv
    clients = 10
    rate = 0
    keys = 3
    timeout_ms = 1000
final
    settle_s = 0
CONF
timeout 120 ./harness run "$tmp/bench-raft.conf" --seed 1 --store "$tmp/store" > "$tmp/out" 2>&1 || {
    echo "bench: raft run failed:" >&2; cat "$tmp/out" >&2; exit 1; }
perl -MJSON::PP -e '
    local $/; open my $f, "<", $ARGV[0] or die; my $r = decode_json (<$f>);
    my $l = $r->{latency_ms} // {};
    printf "bench raft_ok_ops_per_s %.0f ops/s\n", $r->{ops}{ok} / $r->{duration_s};
    printf "bench raft_latency_p50_ms %.2f ms\n", $l->{p50} // -1;
    printf "bench raft_latency_p99_ms %.2f ms\n", $l->{p99} // -1;
    printf "bench harness_ready_ms %.0f ms\n", $r->{ready_ms} // -1;
    printf "bench harness_first_op_ms %.0f ms\n", $r->{first_op_ms} // -1;
    printf STDERR "# raft bench verdict: %s, ops %d ok of %d\n",
        (ref $r->{valid}? ($r->{valid}? "valid": "invalid"): $r->{valid}), $r->{ops}{ok}, $r->{ops}{total};
' "$tmp"/store/latest/results.json
