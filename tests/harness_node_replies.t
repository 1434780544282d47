#!/usr/bin/env bash
# harness_node_replies.t -- the harness takes an init_ok only as the answer
# to an init it sent: a node whose init_ok names another msg_id never
# counts as initialised, and the run fails with 70 saying so.
. "$(dirname "$0")/lib.sh" node-replies
echo "1..1"
if ! command -v python3 > /dev/null 2>&1; then echo "ok 1 # SKIP python3 missing"; exit 0; fi
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
out=$(timeout 60 ./harness run "$tmp/one.conf" --node "python3 $tmp/initwrong.py" --seed 1 \
      --store "$tmp/st" 2>&1); rc=$?
ok $([ $rc = 70 ] && echo "$out" | grep -q 'never answered init' && echo 0 || echo 1) \
   "an init_ok with a wrong in_reply_to is not an answer: 70 (got $rc: $(echo "$out" | grep harness: | head -2 | tr '\n' ' '))"
