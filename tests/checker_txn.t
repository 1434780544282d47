#!/usr/bin/env bash
# checker_txn.t -- ./harness check --model list-append / rw-register on the
# hand-made histories of tests/data/txn (each file's comment draws its
# anomaly): the anomaly names in --json, the levels ruled out, exit statuses
# (0 valid, 1 invalid, 64 a bad --consistency), the text explanation and
# the --report page with the cycle drawn.
. "$(dirname "$0")/lib.sh" checker-txn
d=tests/data/txn
# hc ARGS...: ./harness check ARGS; $out, $rc
hc () { out=$(timeout 60 ./harness check "$@" 2>"$tmp/err"); rc=$?; }
# types: the anomaly_types of $out, space-separated
types () { python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["anomaly_types"]))' <<< "$out"; }
# bad_data PATTERN: exit 65 and PATTERN in the error
bad_data () { [ "$rc" -eq 65 ] && grep -q "$1" "$tmp/err"; }
str () { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1" <<< "$out"; }
field () { python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)[sys.argv[1]]))' "$1" <<< "$out"; }
plan 59

expect () {     # expect FILE TYPES RC [ARGS...]
    local file=$1 want=$2 code=$3; shift 3
    hc --model list-append "$@" "$d/$file" --json
    check "$file: anomalies '$want'" [ "$(types)" = "$want" ]
    check "$file: exit $code" [ "$rc" -eq "$code" ]
}
expect valid.edn "" 0
expect info_read.edn "" 0
expect g0.edn "G0" 1
expect g1a.edn "G1a" 1
expect g1b.edn "G-single G1b" 1
expect g1c.edn "G1c" 1
expect g_single.edn "G-single" 1
expect g2_item.edn "G2-item" 1
expect internal.edn "internal" 1
expect duplicate.edn "duplicate-elements" 1
expect garbage.edn "garbage-read" 1
expect incompatible.edn "incompatible-order" 1
expect realtime.edn "G-single-realtime" 1
expect future_read.edn "future-read" 1
expect own_order.edn "incompatible-order" 1
hc --model rw-register $d/rw_future_read.edn --json
check "rw-register: reading one's own later write is future-read" [ "$(types)" = "future-read" -a "$rc" -eq 1 ]
# Not judged (unknown, 2): a value written twice leaves Elle's writer of a
# read unknown; no committed txn leaves nothing to order
hc $d/dup_append.edn --json
check "a value appended twice: unknown (2), duplicate-writes" \
    [ "$rc" -eq 2 -a "$(str reason)" = "duplicate-writes" ]
hc $d/dup_append.edn
check "the text names the key, the value and both lines" \
    grep -q 'not judged: key ":x" is given 1 by two appends (line 3 and line 5)' <<< "$out"
# A failed txn's write never took effect: beside a committed one of the
# same value it is no second writer, and two failed ones make an aborted read
hc --model list-append $d/dup_failed.edn --json
check "a value appended by a failed and a committed txn: valid (0)" \
    [ "$rc" -eq 0 -a "$(types)" = "" ]
hc --model list-append $d/dup_failed_g1a.edn --json
check "a value appended by two failed txns and read: G1a (1)" \
    [ "$rc" -eq 1 -a "$(types)" = "G1a" ]
hc $d/no_ok.edn --json
check "no committed txn: unknown (2), empty-transaction-graph" \
    [ "$rc" -eq 2 -a "$(str reason)" = "empty-transaction-graph" ]

hc --model list-append $d/g_single.edn --json
check "G-single rules out repeatable-read and snapshot-isolation" \
    [ "$(field not)" = "repeatable-read snapshot-isolation" ]
hc --model list-append --consistency serializable $d/realtime.edn
check "a stale read is serializable (exit 0)" [ "$rc" -eq 0 ]
hc --model list-append --consistency read-committed $d/g2_item.edn
check "write skew is read-committed (exit 0)" [ "$rc" -eq 0 ]
hc --model list-append --consistency serialisable $d/g0.edn
check "an unknown level is a usage error (64)" [ "$rc" -eq 64 ]
hc --model list-append $d/g_single.edn
check "text explains each step" grep -q 'T1 < T2: T1 did not see T2.s append of 1 to key 1' <<< "$out"
hc --model list-append --report "$tmp/page" $d/g2_item.edn
check "the report page draws the cycle" grep -q '<svg' "$tmp/page/index.html"
hc --model rw-register $d/g0.edn
check "an append in a rw-register history is bad data (65)" [ "$rc" -eq 65 ]
hc --model rw-register $d/rw_g2.edn --json
check "rw-register write skew is G2-item" [ "$(types)" = "G2-item" ]
# Lost update (Elle's, ruled out from cursor stability up): two committed
# txns read one version and both wrote the key, in either model
hc --consistency snapshot-isolation $d/rw_lost_update.edn --json
check "rw-register lost update: not snapshot-isolation (1)" \
    [ "$(types)" = "G2-item lost-update" -a "$rc" -eq 1 ]
hc --consistency read-committed $d/rw_lost_update.edn
check "a lost update is read-committed (0)" [ "$rc" -eq 0 ]
hc --consistency snapshot-isolation $d/lost_update.edn --json
check "list-append lost update: not snapshot-isolation (1)" \
    [ "$(types)" = "G2-item lost-update" -a "$rc" -eq 1 ]
hc $d/lost_update.edn
check "the text names both txns and the version they read" \
    grep -q 'lost-update: this txn and the txn at line 8 both read key 1 as \[1\]' <<< "$out"
# one of two readers of a version writes it: no lost update
sed '/:process 1}$/s/ \[:append 1 3\]//' $d/lost_update.edn > "$tmp/one_writer.edn"
hc --consistency snapshot-isolation "$tmp/one_writer.edn" --json
check "two read one version, one wrote: valid (0)" [ "$(types)" = "" -a "$rc" -eq 0 ]
hc --consistency snapshot-isolation $d/rw_g2.edn
check "write skew stays snapshot-isolation (0)" [ "$rc" -eq 0 ]

# Without --model the micro-ops tell the txn model (docs/checker.md,
# "Models and --init"); the lab's own txn histories are jsonl with "w"/"r"
hc $d/g_single.edn --json
check "no --model: appends make a list-append history" \
    [ "$(str model)" = "list-append" -a "$(types)" = "G-single" -a "$rc" -eq 1 ]
hc $d/rw_g2.edn --json
check "no --model: w micro-ops make a rw-register history" \
    [ "$(str model)" = "rw-register" -a "$(types)" = "G2-item" ]
cat > "$tmp/rw.jsonl" <<'H'
{"process":0,"type":"invoke","f":"txn","value":[["w",0,2],["r",1,null]]}
{"process":0,"type":"ok","f":"txn","value":[["w",0,2],["r",1,null]]}
{"process":1,"type":"invoke","f":"txn","value":[["r",0,null]]}
{"process":1,"type":"ok","f":"txn","value":[["r",0,2]]}
H
hc "$tmp/rw.jsonl"
check "no --model: a run's rw-register history is valid (0)" \
    grep -q '^[^ ]*rw.jsonl: valid (strict-serializable, rw-register, 2 ops' <<< "$out"
hc --consistency serializable $d/realtime.edn
check "no --model: --consistency takes a txn level" [ "$rc" -eq 0 ]
grep -v '"w"' "$tmp/rw.jsonl" > "$tmp/reads.jsonl"
hc "$tmp/reads.jsonl"
check "no --model: txns that only read cannot tell the model (65, asks for it)" \
    bad_data 'reads.jsonl:1: .*give --model list-append or rw-register'
{ cat "$tmp/rw.jsonl"; echo '{"process":2,"type":"invoke","f":"read","value":null}'; } \
    > "$tmp/mixed.jsonl"
hc "$tmp/mixed.jsonl"
check "no --model: txns mixed with reads are bad data naming both (65, asks for --model)" \
    bad_data "mixed.jsonl:5: f 'txn' (line 1) and f 'read' (line 5).*give --model"
{ cat "$tmp/rw.jsonl"; echo '{"process":3,"type":"invoke","f":"txn","value":[["append",1,1]]}'; } \
    > "$tmp/both.jsonl"
hc "$tmp/both.jsonl"
check "no --model: append and w in one history ask for --model (65)" \
    bad_data 'append and w (line 1).*give --model list-append or rw-register'
echo '{"process":0,"type":"invoke","f":"txn","value":[["write","x",1]]}' > "$tmp/multi.jsonl"
hc "$tmp/multi.jsonl"
check "no --model: read/write micro-ops point to multi-register (65)" \
    bad_data "micro-op f 'write' is none of append, w and r.*multi-register"
hc --spectrum $d/valid.edn
check "no --model: --spectrum on txns is refused, naming the model" \
    bad_data 'spectrum is for register.*not list-append'
