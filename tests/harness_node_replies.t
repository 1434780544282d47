#!/usr/bin/env bash
# harness_node_replies.t -- the harness takes an init_ok only as the answer
# to an init it sent: a node whose init_ok names another msg_id never
# counts as initialised, and the run fails with 70 saying so.
. "$(dirname "$0")/lib.sh" node-replies
plan 1
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
