#!/usr/bin/env bash
# harness_bad_output.t -- a --node program that writes junk on stdout
# (tests/nodes/python/junk_lines.py: a line that is not JSON, JSON that is
# no envelope, an envelope with an extra key, a message to a dest nobody
# has, a line of a NUL byte and a byte that is no UTF-8) keeps its run: each bad line is logged with the node and the line
# (bad-output.jsonl), counted by problem and node in results.json's
# bad_output with at most FL_BAD_OUTPUT_EXAMPLES examples, said on the
# console, and skipped; the echoes still succeed and the run is valid.
# Every record is counted under its node and problem: the NUL line's
# record holds \u0000, which results.json's reader must take. A node
# flooding stdout with junk cannot fill the disk: bad-output.jsonl stops
# at FL_BAD_OUTPUT_BYTES_MAX with a note line, results.json's
# bad_output.cut counts the lines past it by node, the console says it.
. "$(dirname "$0")/lib.sh" harness-bad-output
plan 15
need_program python3 python3
run timeout 120 ./harness run no-faults --workload echo \
    --node 'python3 tests/nodes/python/junk_lines.py' --seed 3 --time-limit 3 --store "$tmp"
check "a node with junk on stdout: the run exits 0 (valid)" [ "$rc" = 0 ] || diag_run
check "the console says how many lines were no message" out_has "lines that were no message"
results=$(ls "$tmp"/no-faults/stdio/*/results.json 2>/dev/null | head -1)
field () { python3 -c '
import json, sys
b = json.load(open(sys.argv[1]))["bad_output"]
print(eval(sys.argv[2], {}, {"b": b}))' "$results" "$1" 2>/dev/null; }
for problem in invalid-json extra-key unknown-dest; do
    k=$(field "b['by_problem'].get('$problem', 0)")
    check "bad_output counts $problem lines (${k:-none})" [ "${k:-0}" -gt 0 ]
done
max=$(awk '$2 == "FL_BAD_OUTPUT_EXAMPLES" { print $3 }' common/limits.h)
k=$(field "len(b['examples'])")
check "at most FL_BAD_OUTPUT_EXAMPLES ($max) examples, each naming node and line ($k)" \
    [ -n "$k" ] && [ "$k" -le "$max" ] && [ "$(field "all('node' in e and 'line' in e for e in b['examples'])")" = True ]
total=$(field "b['count']")
lines=$(wc -l < "$(dirname "$results")/bad-output.jsonl")
check "the count ($total) is the lines of bad-output.jsonl ($lines)" [ "$total" = "$lines" ]
k=$(field "sorted(set(b['by_node']) | set(b['by_problem']))")
check "every record is counted under its node and problem, none under '?' ($k)" \
    [ "$(field "'?' not in b['by_node'] and '?' not in b['by_problem']")" = True ]
nul=$(grep -c 'u0000' "$(dirname "$results")/bad-output.jsonl")
k=$(field "b['by_problem'].get('invalid-json', 0)")
want=$(grep -c '"invalid-json"' "$(dirname "$results")/bad-output.jsonl")
check "invalid-json counts every such record, the $nul NUL lines too ($k of $want)" \
    [ "$nul" -gt 0 -a "$k" = "$want" ]
ok=$(ok_count "$results")
check "the echoes went on (ok $ok)" [ "${ok:-0}" -gt 0 ]

cat > "$tmp/flood.py" <<'PY'
import json, sys
init = json.loads(sys.stdin.readline())
print(json.dumps({"src": init["dest"], "dest": init["src"],
                  "body": {"type": "init_ok", "in_reply_to": init["body"]["msg_id"]}}), flush=True)
while True:
    sys.stdout.write("garbage\n")
PY
max=$(sed -n 's/^#define FL_BAD_OUTPUT_BYTES_MAX *(\([0-9]*\)LL \* \([0-9]*\) \* \([0-9]*\)).*/\1*\2*\3/p' common/limits.h)
max=$((max))
run timeout 120 ./harness run no-faults --workload echo --node "python3 $tmp/flood.py" \
    --seed 1 --time-limit 3 --store "$tmp/flood"
results=$(ls "$tmp"/flood/no-faults/stdio/*/results.json 2>/dev/null | head -1)
bad=$(dirname "$results")/bad-output.jsonl
size=$(stat -c %s "$bad" 2>/dev/null)
check "a flooding node's bad-output.jsonl stops at FL_BAD_OUTPUT_BYTES_MAX ($size <= $max + 3 records)" \
    [ "${size:-0}" -ge "$max" -a "${size:-0}" -le "$((max + 3 * 512))" ]
check_grep '"note":"bad-output.jsonl reached FL_BAD_OUTPUT_BYTES_MAX' "$bad" "the file says where it was cut"
cut=$(field "sum(b['cut'].values())")
check "results.json bad_output.cut counts the lines past it, by node ($cut)" [ "${cut:-0}" -gt 1000 ]
check_output "note: bad-output.jsonl reached FL_BAD_OUTPUT_BYTES_MAX" "the console says it"
k=$(field "b['count']")
lines=$(grep -vc '"note"' "$bad")
check "count ($k) is still the records written ($lines), the note not one" [ "$k" = "$lines" ]
