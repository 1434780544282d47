#!/usr/bin/env bash
# harness_node_replies.t -- the harness takes an init_ok only as the answer
# to an init it sent: a node whose init_ok names another msg_id never
# counts as initialised, and the run fails with 70 saying so. Replies that
# break the workload's schema (an extra key) are counted in results.json's
# malformed_replies and said in a console note with the first reason.
. "$(dirname "$0")/lib.sh" node-replies
plan 4
need_program python3 python3
cat > "$tmp/initwrong.py" <<'PY'
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    b = m["body"]
    if b.get("type") == "init":
        out = {"src": b["node_id"], "dest": m["src"],
               "body": {"type": "init_ok", "in_reply_to": 99999, "msg_id": 1}}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()
PY
cat > "$tmp/one.conf" <<'SC'
nodes = 1
duration_s = 1
systems
    raft = valid
workload
    name = lin-kv
    clients = 1
SC
check_error 70 'never answered init' "an init_ok with a wrong in_reply_to is not an answer: 70" \
    timeout 60 ./harness run "$tmp/one.conf" --node "python3 $tmp/initwrong.py" --seed 1 --store "$tmp/st"

cat > "$tmp/extra.py" <<'PY'
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    b = m["body"]
    reply = {"in_reply_to": b.get("msg_id"), "msg_id": 1}
    if b.get("type") == "init":
        reply["type"] = "init_ok"
    else:
        reply.update(type="echo_ok", echo=b.get("echo"), debug="extra")
    sys.stdout.write(json.dumps({"src": m["dest"], "dest": m["src"], "body": reply}) + "\n")
    sys.stdout.flush()
PY
sed 's/lin-kv/echo/' "$tmp/one.conf" > "$tmp/echo.conf"
run timeout 60 ./harness run "$tmp/echo.conf" --node "python3 $tmp/extra.py" --seed 1 --store "$tmp/st2"
check_output "replies broke the workload's schema, so their ops are info (first: malformed RPC response: echo_ok has an unexpected key 'debug'" \
    "a console note names the malformed replies and the first reason"
malformed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["malformed_replies"]["count"])' \
    "$tmp"/st2/echo/stdio/*/results.json 2>/dev/null)
check "results.json counts them (malformed_replies.count $malformed)" [ "${malformed:-0}" -gt 0 ]
page=$(ls "$tmp"/st2/echo/stdio/*/report.html 2>/dev/null | head -1)
check "the run page says it too, under Notes" \
    grep -q "<h2>Notes</h2><ul><li>[0-9]* replies broke the workload&#39;s schema\|<h2>Notes</h2><ul><li>[0-9]* replies broke the workload's schema" "$page"
