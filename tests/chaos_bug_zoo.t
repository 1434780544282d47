#!/usr/bin/env bash
# chaos_bug_zoo.t -- the bug zoo (docs/bugs.md), quickly: six of its
# entries (tests/data/zoo-quick.zoo) are each caught, with a time to the
# first violating op; the same scenarios without the bug keep the correct
# system valid; a zoo entry that catches nothing exits 1; and every
# unknown bug name is refused, by the harness and by the nodes, naming it.
. "$(dirname "$0")/lib.sh" chaos-zoo
plan 25
check_exit 0 "zoo-quick: every bug caught, exit 0" \
    timeout 200 ./harness run tests/data/zoo-quick.zoo --store "$tmp/z"
check_output "6 of 6 bugs caught" "the summary counts 6 of 6"
check_output -E "^raft +double-vote +shared-voter +1 +yes +[0-9.]+ s " \
    "the table: raft double-vote caught on shared-voter (two leaders of one term)"
check_output -E "^raft +no-prev-check +lagging-follower +1 +yes " \
    "the table: raft no-prev-check caught on lagging-follower (replicas differ for good)"
check_output -E "^raft +commit-old-term +figure-8 +1 +yes " \
    "the table: raft commit-old-term caught on figure-8 (an old term's entries committed by count, then overwritten)"
check_output -E "^raft +stale-read +isolate-leader +1 +yes +[0-9.]+ s " \
    "the table: raft stale-read caught, with the time to its first violating op"
check_output -E "^crdt +merge-last +crdt-partition +1 +yes " "the table: crdt merge-last caught"
r=$(ls "$tmp"/z/isolate-leader/raft/*/results.json)
check_grep '"bug": "stale-read"' "$r" "results.json names the bug"

# Without the bug: the same scenario, seed and length are valid.
check_exit 0 "raft on isolate-leader without the bug: valid, as expected" \
    timeout 100 ./harness run isolate-leader --system raft --seed 1 --time-limit 5 --store "$tmp/v"
check_grep '"bug": null' "$(ls "$tmp"/v/isolate-leader/raft/*/results.json)" "results.json: no bug"
check_exit 0 "raft on shared-voter without the bug: valid (one vote per term)" \
    timeout 100 ./harness run shared-voter --system raft --seed 1 --time-limit 5 --store "$tmp/v"
check_exit 0 "raft on lagging-follower without the bug: valid (the consistency check)" \
    timeout 100 ./harness run lagging-follower --system raft --seed 1 --time-limit 5 --store "$tmp/v"
check_exit 0 "raft on figure-8 without the bug: valid (only its own term's entries commit by count)" \
    timeout 100 ./harness run figure-8 --system raft --seed 1 --store "$tmp/v"
f=$(ls "$tmp"/v/figure-8/raft/*/faults.jsonl)
check_grep '"fault":"block-type".*"detail":"append_entries: n1 -/-> n3,n4,n5"' "$f" \
    "faults.jsonl: each type block is a period, its detail the types and links"
check_grep '"convergence"' "$(ls "$tmp"/v/figure-8/raft/*/results.json)" \
    "figure-8's verdict includes convergence"
check_exit 0 "lww on skewed-writer without the bug: valid (the hybrid clock)" \
    timeout 100 ./harness run skewed-writer --system lww --store "$tmp/v"

# A bug no fault here exposes: NOT caught, exit 1.
printf 'zoo\n    entry = raft double-vote no-faults time_limit_s=2\n' > "$tmp/miss.conf"
check_exit 1 "a zoo whose bug is not caught exits 1" \
    timeout 100 ./harness run "$tmp/miss.conf" --time-limit 1 --store "$tmp/m"
check_output -E "^raft +double-vote +no-faults +1 +NO " "the table says NO"
check_output "note: --time-limit 1 cuts raft double-vote's no-faults to 1 s, under the zoo's 2 s" \
    "--time-limit under an entry's own limit is noted before it runs"

# Unknown names, refused before anything runs.
check_error 64 "system raft has no bug 'nope' (its bugs: stale-read," \
    "--bug nope: exit 64 naming it and raft's bugs" \
    ./harness run no-faults --system raft --bug nope --store "$tmp/u"
printf 'zoo\n    entry = raft stale-read no-faults\n    entry = lww nope no-faults\n' > "$tmp/bad.conf"
check_error 65 "bad.conf:3: system lww has no bug 'nope' (its bugs: wall-clock)" \
    "a zoo entry with an unknown bug: exit 65 naming file and line" \
    ./harness run "$tmp/bad.conf" --store "$tmp/u"
check_error 64 "only --seed, --time-limit, --store and --transport go with it" \
    "a zoo with --system: usage error" ./harness run bug-zoo --system raft --store "$tmp/u"
check "nothing ran for the refusals" [ ! -e "$tmp/u" ]
# The harness's list of each system's bugs is the node's own.
same=0
for system in raft primary quorum lww crdt; do
    harness=$(./harness run no-faults --system $system --bug nope 2>&1 | sed -n "s/.*its bugs: \(.*\))$/\1/p")
    node=$(bin/node-$system --stdio --param bug=nope < /dev/null 2>&1 | sed -n "s/.*'s bugs: \(.*\))$/\1/p")
    [ -n "$harness" ] && [ "$harness" = "$node" ] && same=$((same + 1)) || diag "$system: harness '$harness', node '$node'"
done
check "the harness and the five nodes list the same bugs" [ $same = 5 ]
run bin/node-raft --stdio --param bug=nope < /dev/null
check_output "node-raft: --param bug=nope: no such bug" "node-raft refuses bug=nope, naming it (exit $rc)"
