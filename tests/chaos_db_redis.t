#!/usr/bin/env bash
# chaos_db_redis.t -- Redis 7 with three Sentinels (Debian's redis-server,
# redis-sentinel) under the lab's scenarios on the IP-level fault plane
# (docs/real-databases.md), with fixed seeds. A partition that cuts the
# primary off with its clients (tests/data/scenarios/redis-isolate-
# primary.conf) lets them write there and hear OK while the majority's
# Sentinels promote a replica; at the heal the old primary is demoted and
# drops those writes. The run must be invalid, and results.json must list
# the lost acknowledged writes (convergence/lost), each one whose client
# heard write_ok or cas_ok: under lin-kv the shim keeps, per key, the
# values the server applied (fl:K:applied), the demoted primary's list
# is replaced by the new primary's at its resync, and convergence finds
# the acknowledged writes no replica applied (docs/checker.md,
# Convergence); with the g-set workload the lost adds, likewise acked.
# split-brain with seed 1 loses writes too: at the first heal a replica
# cut off on the small side is promoted and the primary's writes since
# the cut are thrown away.
. "$(dirname "$0")/lib.sh" chaos-db-redis
plan 16
need_program redis-server redis-server
need_program redis-sentinel redis-sentinel
need_file bin/node-redis "run make lab"
[ "$(id -u)" = 0 ] || fail_rest "the IP-level plane needs root (network namespaces, nftables)"

db_run () {
    local name=$1 status=$2 sc=$3
    shift 3
    check_exit "$status" "$name: $sc $* exits $status" \
        timeout 200 ./harness run "$sc" --system redis "$@" \
            --store "$(realpath --relative-to=. "$tmp")/$name"
    #   A relative store, as the default store/ is: redis-server changes
    #   to its data directory before it opens its log, so the lab must
    #   hand it absolute paths (it once died at start with a relative one)
    results=$(ls "$tmp/$name"/*/redis/*/results.json 2>/dev/null | head -1)
}

# lost RESULTS: "COUNT LISTED ACKED F" -- convergence's lost_count, the
# entries listed, how many of those the history shows acknowledged (the
# listed invoke, by index, is one whose process's next event is ok), and
# the f names listed ("add", "cas,write").
lost () {
    python3 - "$1" <<'EOF' 2>&1
import json, os, sys
r = json.load(open(sys.argv[1]))
c = r.get("convergence", {})
lost = c.get("lost", [])
ops = [json.loads(l) for l in open(os.path.join(os.path.dirname(sys.argv[1]), "history.jsonl"))]
done = {}          # invoke index -> (f, completion type)
pending = {}       # process -> its invoke
for op in ops:
    if op["type"] == "invoke":
        pending[op["process"]] = op
    elif op["process"] in pending:
        inv = pending.pop(op["process"])
        done[inv["index"]] = (inv["f"], op["type"])
n = sum(1 for e in lost if done.get(e.get("index"), ("", ""))[1] == "ok")
print(c.get("lost_count", 0), len(lost), n, ",".join(sorted({e.get("f", "?") for e in lost})) or "-")
EOF
}

# all_acked F_PATTERN: some entries listed, every one acknowledged, and
# their f names match (one function, so that check sees every condition).
all_acked () {
    [ "${listed:-0}" -gt 0 ] && [ "$acked" = "$listed" ] && [[ "$fs" =~ ^($1)$ ]]
}

db_run cut 0 tests/data/scenarios/redis-isolate-primary.conf --seed 1
v=$(verdict "$results" 2>/dev/null)
check "primary cut off with its clients: not linearizable (${v:-no verdict})" [ "$v" = false ]
read -r count listed acked fs <<< "$(lost "$results")"
check "lin-kv, primary cut off: lost writes counted (${count:-none})" [ "${count:-0}" -gt 0 ]
check "each listed one an acknowledged write or cas ($acked of $listed; f: ${fs:-none})" \
    all_acked 'cas|write|cas,write'

# The same cut with the g-set workload: a lost add stays lost whatever
# comes after it, so the final state shows every one the old primary
# acknowledged during the cut.
db_run cut-set 0 tests/data/scenarios/redis-isolate-primary.conf --seed 1 --workload g-set
v=$(verdict "$results" 2>/dev/null)
check "g-set, primary cut off: invalid (${v:-no verdict})" [ "$v" = false ]
read -r count listed acked fs <<< "$(lost "$results")"
check "lost acknowledged adds counted (${count:-none})" [ "${count:-0}" -gt 0 ]
check "and listed in results.json convergence/lost (${listed:-none})" [ "${listed:-0}" -gt 0 ]
check "every listed one was acknowledged to its client ($acked of $listed; f: ${fs:-none})" \
    all_acked add

db_run sb 0 split-brain --seed 1
v=$(verdict "$results" 2>/dev/null)
check "split-brain: redis is not linearizable (${v:-no verdict})" [ "$v" = false ]
k=$(ok_count "$results")
check "split-brain: ops were served (ok ${k:-none})" [ "${k:-0}" -gt 100 ]
read -r count listed acked fs <<< "$(lost "$results")"
check "split-brain: lost writes counted in convergence (${count:-none})" [ "${count:-0}" -gt 0 ]
check "split-brain: each listed one an acknowledged write or cas ($acked of $listed; f: ${fs:-none})" \
    all_acked 'cas|write|cas,write'

db_run sb-set 0 split-brain --seed 1 --workload g-set
read -r count listed acked fs <<< "$(lost "$results")"
check "split-brain g-set: lost acknowledged adds listed (${count:-none} counted, ${listed:-none} listed, ${acked:-no} acknowledged)" \
    all_acked add
