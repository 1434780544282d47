#!/usr/bin/env python3
"""A Maelstrom lin-kv node in plain Python, for trying `--node` with.

    ./harness run split-brain --node 'python3 examples/maelstrom/lin_kv.py'
    ./harness run split-brain --node 'python3 examples/maelstrom/lin_kv.py --local'

Default: every node forwards reads, writes and cas to n1, which holds the
only copy. One copy is linearizable; clients cut off from n1 time out (CP).
--local: every node answers from its own copy and never replicates, so a
client that moves between nodes sees another world: not linearizable even
without faults. Both speak JSON lines on stdin/stdout only.
"""
import json
import sys

LOCAL = "--local" in sys.argv
node_id = None
next_id = 0
store = {}
pending = {}   # our msg_id -> (client, client msg_id)

def send(dest, body):
    global next_id
    next_id += 1
    body["msg_id"] = next_id
    sys.stdout.write(json.dumps({"src": node_id, "dest": dest, "body": body}) + "\n")
    sys.stdout.flush()
    return next_id

def apply(body):
    t, key = body["type"], json.dumps(body.get("key"))
    if t == "read":
        if key not in store:
            return {"type": "error", "code": 20, "text": "key does not exist"}
        return {"type": "read_ok", "value": store[key]}
    if t == "write":
        store[key] = body["value"]
        return {"type": "write_ok"}
    if key not in store:
        return {"type": "error", "code": 20, "text": "key does not exist"}
    if store[key] != body["from"]:
        return {"type": "error", "code": 22, "text": "current value is %r" % store[key]}
    store[key] = body["to"]
    return {"type": "cas_ok"}

for line in sys.stdin:
    msg = json.loads(line)
    src, body = msg["src"], msg["body"]
    t = body["type"]
    if t == "init":
        node_id = body["node_id"]
        send(src, {"type": "init_ok", "in_reply_to": body["msg_id"]})
    elif "in_reply_to" in body and body["in_reply_to"] in pending:
        client, client_msg_id = pending.pop(body["in_reply_to"])
        reply = dict(body)
        reply["in_reply_to"] = client_msg_id
        send(client, reply)
    elif t in ("read", "write", "cas"):
        if LOCAL or node_id == "n1":
            reply = apply(body)
            reply["in_reply_to"] = body["msg_id"]
            send(src, reply)
        else:
            forward = dict(body)
            pending[send("n1", forward)] = (src, body["msg_id"])
    elif "msg_id" in body:
        send(src, {"type": "error", "code": 10, "text": "not supported: " + t,
                   "in_reply_to": body["msg_id"]})
