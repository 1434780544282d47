#!/usr/bin/env bash
# checker_spectrum.t -- ./harness check --spectrum places each litmus
# history of tests/data/litmus where it belongs (pictures and the table in
# tests/data/litmus/README.md), --consistency picks the verdict and the
# exit status, bad names are usage errors, and a violation comes with its
# chain in text, JSON and the --report page.
#
# Causal and the session guarantees are asserted only once their checks
# are built (checker/causal.c, session.c): until then their reason is
# "not built yet" and those entries are skipped (TODO: drop the skip when
# they land on main).
. "$(dirname "$0")/lib.sh" checker-spectrum
need_program python3 python3
# js EXPR: EXPR (Python, over d, the JSON read from stdin) printed as JSON
# text, strings bare: js 'd["spectrum"]["causal"]' -> true
js () {
    python3 -c 'import json, sys
d = json.load(sys.stdin)
try:
    v = eval(sys.argv[1])
except (KeyError, IndexError, TypeError):
    v = ""
print(v if isinstance(v, str) else json.dumps(v))' "$1"
}
d=tests/data/litmus
models=(linearizable sequential causal read-your-writes monotonic-reads monotonic-writes writes-follow-reads)
#  file: lin seq causal ryw mr mw wfr (y yes, n no, - not asserted)
expect=(
    "sb n n y y y y y"
    "iriw n n y y y y y"
    "mp n n n y - - -"
    "mp-ok y y y y y y y"
    "stale n y y y y y y"
    "own-write n n n n y y y"
    "back-in-time n n n y n - -"
    "linearizable y y y y y y y"
)
plan $(( ${#expect[@]} * 7 + 30 ))

for row in "${expect[@]}"; do
    set -- $row
    file=$1; shift
    json=$(timeout 60 ./harness check --spectrum --json "$d/$file.jsonl" 2>&1)
    for i in 0 1 2 3 4 5 6; do
        want=$(eval echo "\${$((i + 1))}")
        m=${models[$i]}
        got=$(js "d['spectrum']['$m']" <<< "$json")
        reason=$(js "d['reasons'].get('$m', '')" <<< "$json")
        if [ "$want" = "-" ] || [ "$reason" = "not built yet" ]; then
            ok 0 "$file: $m not asserted${reason:+ ($reason)}"
            continue
        fi
        [ "$want" = y ] && want=true || want=false
        [ "$got" = "$want" ]
        ok $? "$file: $m is $want (got $got)"
    done
done

run ./harness check --spectrum --json $d/stale.jsonl
check "stale read: strongest is sequential" [ "$(js "d['strongest']" <<< "$out")" = sequential ]
check "--spectrum keeps linearizable as the asked model" [ "$(js "d['consistency']" <<< "$out")" = linearizable ]
check_exit 1 "--spectrum exits by linearizable's verdict (invalid: 1)" ./harness check --spectrum $d/stale.jsonl
check_exit 0 "--consistency sequential on the stale read exits 0" \
    ./harness check --consistency sequential $d/stale.jsonl
check_exit 1 "--consistency sequential on store buffering exits 1" \
    ./harness check --consistency sequential $d/sb.jsonl
check_output -F 'not sequential: an order found:' "the text explains with a chain"
check_output -F 'p1 read x=null (line 6) can no longer happen: the key holds 1, from p0 wrote x=1 (line 1)' \
    "the chain names the stuck read and the write it missed"
run ./harness check --consistency sequential --json $d/sb.jsonl
check "JSON: valid false for the asked model" [ "$(js "d['valid']" <<< "$out")" = false ]
check "JSON: the violation lists its ops" [ "$(js "len(d['violation']['ops'])" <<< "$out")" -ge 3 ]
check "JSON: the sequential check decided (method sequential)" \
    [ "$(js "d['method']" <<< "$out")" = sequential ]
#  No linearizability search runs for a model asked alone: its JSON names
#  the check that decided and has none of the search's fields
nosearch="[k for k in ('steps', 'cache_entries', 'memory_bytes', 'cache', 'methods', 'keys', 'key_method') if k in d]"
run ./harness check --consistency causal --json $d/sb.jsonl
check "JSON causal: method causal" [ "$(js "d['method']" <<< "$out")" = causal ]
check "JSON causal: no search fields" [ "$(js "$nosearch" <<< "$out")" = "[]" ]
run ./harness check --consistency read-your-writes --json $d/own-write.jsonl
check "JSON read-your-writes: method session, no search fields" \
    [ "$(js "[d['method'], $nosearch]" <<< "$out")" = '["session", []]' ]
run ./harness check --consistency linearizable --json $d/sb.jsonl
check "JSON linearizable: the search's fields as before" \
    [ "$(js "[d['method'], d['methods']['unique-values'], 'steps' in d, 'cache' in d]" <<< "$out")" = '["unique-values", 1, true, true]' ]
check_error 64 "unknown consistency model 'strict'.*sequential, causal" \
    "a bad model name is a usage error naming it and the models" \
    ./harness check --consistency strict $d/sb.jsonl
check_error 64 "is for register, cas-register and kv" "a non-register model refuses the spectrum" \
    ./harness check --model set --spectrum $d/sb.jsonl
#  Implications both ways, the polynomial checks first: 20 processes on 4
#  keys (600 ops) and one own-write violation at the end. The sequential
#  search alone would time out; causal fails in a millisecond, and so
#  sequential fails with no search, and linearizable with it.
python3 - > "$tmp/own20.jsonl" <<'EOF'
import json, random
random.seed(7)
ops, last, n = [], {}, 0
for r in range(30):
    for p in range(20):
        k = "k%d" % random.randrange(4)
        if random.random() < 0.5:
            n += 1
            ops += [(p, "invoke", "write", k, n), (p, "ok", "write", k, n)]
            last[k] = n
        else:
            ops += [(p, "invoke", "read", k, None), (p, "ok", "read", k, last.get(k))]
n += 1
ops += [(0, "invoke", "write", "z", n), (0, "ok", "write", "z", n),
        (0, "invoke", "read", "z", None), (0, "ok", "read", "z", None)]
for p, t, f, k, v in ops:
    print(json.dumps({"process": p, "type": t, "f": f, "key": k, "value": v}))
EOF
run timeout 60 ./harness check --spectrum --json --timeout 30 "$tmp/own20.jsonl"
check "own write x20: sequential false (not unknown) beside causal false" \
    [ "$(js "[d['spectrum']['causal'], d['spectrum']['sequential'], d['spectrum']['linearizable']]" <<< "$out")" = "[false, false, false]" ]
check "own write x20: sequential is implied by causal, not searched" \
    [ "$(js "d['implied_by'].get('sequential')" <<< "$out")" = causal ]
check "own write x20: no sequential search ran (well under its 30 s budget)" \
    [ "$(js "int(d['time_ms'] < 10000)" <<< "$out")" = 1 ]
check_exit 1 "--consistency sequential exits 1 when causal fails" \
    ./harness check --consistency sequential --timeout 30 "$tmp/own20.jsonl"
check_output -F 'sequential no: implied by causal' "the text says where the verdict came from"
check_output -F 'not causal: p0 wrote z=' "and shows causal's chain"
run ./harness check --consistency sequential --json --timeout 30 "$tmp/own20.jsonl"
check "JSON: a sequential verdict implied by causal is causal's (method causal)" \
    [ "$(js "[d['method'], d['implied_by']]" <<< "$out")" = '["causal", "causal"]' ]

run ./harness check --consistency sequential --report "$tmp/page" $d/sb.jsonl
check_grep -F 'NOT sequential' "$tmp/page/index.html" "the page says the asked model's verdict"
check_grep -F 'not sequential: an order found' "$tmp/page/index.html" "the page shows the chain"
run ./harness check --spectrum --report "$tmp/spage" $d/stale.jsonl
check_grep -F 'strongest: sequential' "$tmp/spage/index.html" "the page shows the spectrum"

#  A lin-kv run: results.json and report.html show the spectrum
run timeout 120 ./harness run no-faults --system primary --seed 1 --time-limit 3 --store "$tmp/store"
results=$(ls "$tmp"/store/no-faults/primary/*/results.json 2>/dev/null | head -1)
check "a lin-kv run writes results.json" [ -f "$results" ]
check "its results.json has the spectrum and its strongest model" \
    [ "$(js "d['spectrum']['strongest']" < "$results")" = linearizable ]
check_grep -F '<h2>Consistency spectrum</h2>' "$(dirname "$results")/report.html" \
    "its report.html shows the spectrum"
# A verdict suite with --spectrum: its mutex and other rows are checked for
# linearizability as usual, not refused as bad data.
check_exit 0 "--spectrum --manifest: every row as expected (non-register rows as usual)" \
    ./harness check --spectrum --manifest "${FAULTLAB_SHARED_DATA:-../shared/data}/MANIFEST.tsv"
