#!/usr/bin/env bash
# checker_cli.t -- ./harness check from the outside: one line per history,
# exit statuses (0 valid, 1 invalid, 2 unknown, 64 usage, 65 bad data, 70
# a report that cannot be written),
# --json, --report, --manifest, explanations. Uses only tests/data.
. "$(dirname "$0")/lib.sh" checker-cli
d=tests/data
# hc ARGS...: ./harness check ARGS; $out its stdout, $err its stderr, $rc
# its exit status (kept apart: the tests say which stream says what).
hc () {
    out=$(timeout 60 ./harness check "$@" 2>"$tmp/err"); rc=$?
    err=$(cat "$tmp/err")
}
# The last hc was a usage error (64) whose message holds $1: one command,
# so that check tests both (a bare `check ... [ ] && grep` ran the grep
# outside check, where it could not fail).
usage_says () { [ "$rc" -eq 64 ] && grep -q -- "$1" <<< "$err"; }
plan 55

hc $d/checker-valid.jsonl
check "valid history exits 0" [ "$rc" -eq 0 ]
check "one line saying valid, model and ops" grep -q '^tests/data/checker-valid.jsonl: valid (kv, 4 ops' <<< "$out"

hc $d/checker-stale.jsonl
check "invalid history exits 1" [ "$rc" -eq 1 ]
check "explanation names the stale read" grep -q 'could not linearize' <<< "$out"
check "explanation gives the prefix state" grep -q 'longest linearizable prefix: 1 of 2 ops; state there: 1' <<< "$out"

hc --timeout 0.1 -m register --method search $d/checker-hard.jsonl
check "exhausted search exits 2 (unknown)" [ "$rc" -eq 2 ]
check "unknown says why" grep -q 'ran out of time' <<< "$out"
# Its read is of a value nobody wrote: without --method search the
# pre-check decides it at once
hc --json --timeout 0.1 -m register $d/checker-hard.jsonl
check "unwritten read: the hard history is invalid, by unwritten-read" \
    bash -c '[ "$2" -eq 1 ] && grep -q "\"valid\":false.*\"method\":\"unwritten-read\"" <<< "$1"' _ "$out" "$rc"

check "unwritten read, no time left to search the key: the prefix is not computed" \
    bash -c 'grep -q "\"prefix_note\":\"not computed (decided by a read of an unwritten value)\"" <<< "$1" \
             && ! grep -q "\"prefix\":" <<< "$1"' _ "$out"
# The same twenty writes, then reads of 1, 2, 1: stale, and every value
# read was written, so it is unique values that decide
hc --json --timeout 0.1 -m register $d/checker-hard-stale.jsonl
check "unique values: the stale hard history is invalid, by unique-values" \
    bash -c '[ "$2" -eq 1 ] && grep -q "\"valid\":false.*\"method\":\"unique-values\"" <<< "$1"' _ "$out" "$rc"
check "unique values, no time left to search the key: the prefix is not computed" \
    bash -c 'grep -q "\"prefix_note\":\"not computed (decided by unique values)\"" <<< "$1" \
             && ! grep -q "\"prefix\":" <<< "$1"' _ "$out"
# A read of a value nobody wrote, decided by the pre-check: the same
# explanation as the search's (it was "0 of 3 ops; state there: null"),
# and the read named
printf '%s\n' '{"process":0,"type":"invoke","f":"write","key":"a","value":1}' \
    '{"process":0,"type":"ok","f":"write","key":"a","value":1}' \
    '{"process":0,"type":"invoke","f":"write","key":"a","value":2}' \
    '{"process":0,"type":"ok","f":"write","key":"a","value":2}' \
    '{"process":1,"type":"invoke","f":"read","key":"a","value":null}' \
    '{"process":1,"type":"ok","f":"read","key":"a","value":7}' > "$tmp/nobody.jsonl"
hc "$tmp/nobody.jsonl"
check "unwritten read: the longest prefix, as the search gives it" \
    grep -q 'key "a": longest linearizable prefix: 2 of 3 ops; state there: 2' <<< "$out"
check "unwritten read: the text names the method and the read" \
    bash -c 'grep -A1 "by unwritten-read" <<< "$1" | grep -q "line 5: process 1 read key \"a\" null -> ok 7"' _ "$out"
hc --method search "$tmp/nobody.jsonl"
check "search: the same prefix" \
    grep -q 'key "a": longest linearizable prefix: 2 of 3 ops; state there: 2' <<< "$out"
hc --json "$tmp/nobody.jsonl"
check "unwritten read --json: prefix length 2, state 2" \
    grep -q '"method":"unwritten-read".*"prefix":{"length":2,.*"state":2}' <<< "$out"

hc $d/checker-bad.jsonl
check "bad data exits 65" [ "$rc" -eq 65 ]
check "bad data error names file and line" grep -q 'checker-bad.jsonl:2: ok with no invoke for process 1' <<< "$err"

printf '{"process":0,"type":"invoke","f":"write","key":"a","value":1}\n{"process":0,"type":"ok","f":"wr\0ite","key":"a","value":1}\n' > "$tmp/nul.jsonl"
hc "$tmp/nul.jsonl"
check "a NUL byte in a line exits 65" [ "$rc" -eq 65 ]
check "a NUL byte is named with file, line and column" grep -q "nul.jsonl:2: NUL byte at column 33" <<< "$err"

hc
check "no history is a usage error (64)" [ "$rc" -eq 64 ]
hc --model btree $d/checker-valid.jsonl
check "unknown model is a usage error (64)" [ "$rc" -eq 64 ]
hc --frobnicate $d/checker-valid.jsonl
check "unknown option is a usage error (64)" [ "$rc" -eq 64 ]
#  Budgets are finite and in range, or refused (FL_CHECK_TIMEOUT_S_MAX,
#  FL_CHECK_MEMORY_MB_MAX, FL_CHECK_THREADS_MAX in common/limits.h).
hc --timeout nan $d/checker-valid.jsonl
check "--timeout nan is a usage error naming it (64)" \
    usage_says "--timeout 'nan' is not a number"
hc --memory -1 $d/checker-valid.jsonl
check "--memory -1 is a usage error naming it (64)" \
    usage_says "--memory '-1' is not a whole number"
hc --threads 65 $d/checker-valid.jsonl
check "--threads past FL_CHECK_THREADS_MAX is a usage error naming the range (64)" \
    usage_says "--threads '65' is not a whole number in 0..64"

hc $d/checker-valid.jsonl $d/checker-stale.jsonl -m kv
check "several histories: one line each, invalid wins (1)" \
    [ "$rc" -eq 1 -a "$(grep -c '^tests/data' <<< "$out")" -eq 2 ]

hc --json $d/checker-valid.jsonl $d/checker-stale.jsonl
check "--json: one object per history" [ "$(grep -c '^{.*}$' <<< "$out")" -eq 2 ]
check "--json: valid true / false with file, model, ops, time_ms" \
    bash -c 'grep -q "\"file\":\"tests/data/checker-valid.jsonl\",\"valid\":true,\"model\":\"kv\",\"ops\":4,\"time_ms\"" <<< "$1" &&
             grep -q "\"valid\":false.*\"failing\":\[{" <<< "$1"' _ "$out"
hc --json --timeout 0.1 -m register --method search $d/checker-hard.jsonl
check "--json: unknown is the string \"unknown\"" grep -q '"valid":"unknown"' <<< "$out"

hc --report "$tmp/one" $d/checker-stale.jsonl
check "--report DIR writes DIR/index.html with the failing op marked" \
    grep -q "class='x'" "$tmp/one/index.html"
hc --report "$tmp/many" $d/checker-stale.jsonl $d/checker-valid.jsonl
check "--report with several histories writes one page each" \
    [ -f "$tmp/many/tests_data_checker-stale.jsonl.html" -a -f "$tmp/many/tests_data_checker-valid.jsonl.html" ]

# A page that cannot be written is the harness failing (70), named with its
# directory and why; an empty --report names no directory at all (64).
check_error 70 "cannot write the report for '$d/checker-valid.jsonl' into directory '/proc/nope': No such file" \
    "--report /proc/nope: exit 70 naming the directory and why" \
    ./harness check --report /proc/nope $d/checker-valid.jsonl
check_error 70 "cannot create directory '/proc/nope': No such file" \
    "--report /proc/nope with two histories: exit 70 naming the directory" \
    ./harness check --report /proc/nope $d/checker-valid.jsonl $d/checker-stale.jsonl
check_error 64 "^harness check: --report needs a directory" "--report '': usage, 64" \
    ./harness check --report '' $d/checker-valid.jsonl
# A directory is said to be one, not read as a history with no events.
check_error 65 "^harness check: '$d' is a directory, not a history" "check DIR: 65, named" \
    ./harness check $d
check_error 65 "^harness check: '$d' is a directory, not a history" "check --to-edn DIR: 65, named" \
    ./harness check --to-edn $d

hc --manifest $d/checker-manifest.tsv
check "--manifest: all as expected exits 0" [ "$rc" -eq 0 ]
sed 's/\tvalid$/\tinvalid/' $d/checker-manifest.tsv > "$tmp/wrong.tsv"
for f in $d/checker-*; do cp "$f" "$tmp/"; done
hc --manifest "$tmp/wrong.tsv"
check "--manifest: a differing verdict exits 1" [ "$rc" -eq 1 ]
check "--manifest: the mismatch is named" grep -q '^MISMATCH  checker-etcd_002.log expected invalid, got valid' <<< "$out"
# A history beside --manifest would go unchecked: refused, both named
check_error 64 "^harness check: history '$d/checker-bad.jsonl' and --manifest '$d/checker-manifest.tsv' given" \
    "--manifest with a history: usage, 64, both named" \
    ./harness check $d/checker-bad.jsonl --manifest $d/checker-manifest.tsv
# A manifest that checks nothing is a mistake, not "0 histories" and 0
check_error 65 "^harness check: /dev/null: empty, not even a header: a manifest needs a row per history" \
    "--manifest /dev/null: 65, named" ./harness check --manifest /dev/null
head -1 $d/checker-manifest.tsv > "$tmp/header.tsv"
printf '\n' >> "$tmp/header.tsv"
check_error 65 "^harness check: $tmp/header.tsv: a header and no rows: a manifest needs a row per history" \
    "--manifest with a header and no rows: 65, named" ./harness check --manifest "$tmp/header.tsv"
check_error 65 "^harness check: cannot read '$d': Is a directory" \
    "--manifest DIR: 65, named" ./harness check --manifest $d

hc -f jepsen-log -m cas-register $d/checker-etcd_002.log
check "Jepsen log with explicit format and model" [ "$rc" -eq 0 ]

cat > "$tmp/old.jsonl" <<'J'
{"process":0,"type":"invoke","f":"write","key":"a","value":1}
{"process":0,"type":"ok","f":"write","key":"a","value":1}
{"process":0,"type":"invoke","f":"write","key":"a","value":2}
{"process":0,"type":"ok","f":"write","key":"a","value":2}
{"process":1,"type":"invoke","f":"read","key":"a","value":null}
{"process":1,"type":"ok","f":"read","key":"a","value":1}
J
./harness check --to-edn "$tmp/old.jsonl" > "$tmp/old.edn" 2>/dev/null
hc -m kv "$tmp/old.edn"
check "--to-edn: our JSONL written as EDN checks the same (invalid)" [ "$rc" -eq 1 ]
check "--to-edn: events are EDN maps with keywords, numbered as Jepsen numbers them" \
    grep -q '^\[{:process 0, :type :invoke, :f :write, :key "a", :value 1, :index 0}' "$tmp/old.edn"
# an event's own index is kept (a Jepsen history's :index names its events)
printf '%s\n' '{"process":0,"type":"invoke","f":"write","value":1,"index":7}' \
    '{"process":0,"type":"ok","f":"write","value":1,"index":9}' > "$tmp/indexed.jsonl"
./harness check --to-edn "$tmp/indexed.jsonl" > "$tmp/indexed.edn" 2>/dev/null
check "--to-edn keeps each event's :index" \
    grep -q ':type :ok, :f :write, :value 1, :index 9}' "$tmp/indexed.edn"

# --timeout 0 and --memory 0 are the defaults (check_budget), said in the
# docs and --help: a search given them decides, as with no option at all
hc --timeout 0 --memory 0 --method search $d/checker-valid.jsonl
check "--timeout 0 --memory 0: the default budget, the search decides (valid, 0)" [ "$rc" -eq 0 ]
check "docs/checker.md says what --timeout 0 and --memory 0 mean" \
    grep -q '^turn an exhausted search into \*\*unknown\*\*. `--timeout 0` and `--memory 0`$' docs/checker.md
hc --help
check "--help says 0 is the default, not unlimited, for --timeout and --memory" \
    [ "$(grep -c '0 the default (not unlimited)' <<< "$out")" -eq 2 ]

# SIGTERM ends a long check (czmq's handler, which only sets a flag nobody
# in check reads, is not installed): sent once the check has spent CPU
# time, so it is the check that gets it, not the shell that starts it
./harness check -m register --method search --timeout 300 $d/checker-hard.jsonl \
    > /dev/null 2>&1 &
pid=$!
busy () { [ "$(awk '{ print $14 }' /proc/$pid/stat)" -ge 20 ]; }   # 0.2 s of user time
wait_for 30 busy
kill -TERM $pid
wait_exit $pid 20
check "SIGTERM ends a check at once (143, not its verdict after the search)" [ "$rc" = 143 ]

# A counter past 64 bits: Clojure's + throws, so no add wraps
cat > "$tmp/big.edn" <<'H'
{:process 0, :type :invoke, :f :add, :value 9223372036854775807}
{:process 0, :type :ok, :f :add, :value 9223372036854775807}
{:process 1, :type :invoke, :f :add, :value 1}
{:process 1, :type :ok, :f :add, :value 1}
{:process 2, :type :invoke, :f :read, :value nil}
{:process 2, :type :ok, :f :read, :value -9223372036854775808}
H
hc -m counter "$tmp/big.edn"
check "a counter read that needs an add to wrap past 2^63 is invalid (1)" [ "$rc" -eq 1 ]

# A txn explanation cuts a long value, saying its size; --json keeps it
python3 -c 'print("{:process 0, :type :invoke, :f :txn, :value [[:r 1 nil]]}");
print("{:process 0, :type :ok, :f :txn, :value [[:r 1 [%s]]]}" % " ".join(map(str, range(5000))))' \
    > "$tmp/long.edn"
hc -m list-append "$tmp/long.edn"
check "a 5,000-element garbage read is explained in cut lines" \
    [ "$rc" -eq 1 -a "$(awk 'length > 400' <<< "$out" | wc -l)" -eq 0 ]
check "the cut says how long the value was" grep -q '\.\.\. ([0-9]* bytes in all)' <<< "$out"

# A JSONL line past the lab's own line limit (an Elle read of 300,000
# elements, 2 MB) is read, as EDN of any length is
python3 -c 'import json; r = list(range(300000))
print(json.dumps({"process": 0, "type": "invoke", "f": "txn", "value": [["append", 1, i] for i in r[:3]]}))
print(json.dumps({"process": 0, "type": "ok", "f": "txn", "value": [["append", 1, i] for i in r[:3]]}))
print(json.dumps({"process": 1, "type": "invoke", "f": "txn", "value": [["r", 1, None]]}))
print(json.dumps({"process": 1, "type": "ok", "f": "txn", "value": [["r", 1, r]]}))' > "$tmp/wide.jsonl"
hc -m list-append "$tmp/wide.jsonl"
check "a 2 MB JSONL line is read (its garbage read found: 1, not bad data)" \
    [ "$rc" -eq 1 ] && grep -q 'garbage-read' <<< "$out"
