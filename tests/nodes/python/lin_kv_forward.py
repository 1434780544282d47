#!/usr/bin/env python3
"""lin_kv_forward.py -- workload lin-kv. n1 holds the only copy of the
store and answers read, write and cas. Every other node forwards each
request to n1 unchanged: the envelope keeps the client's src ("cN") and the
body its msg_id, so n1 answers the client directly and the forwarding node
answers nothing itself (the Raft "forward to the leader" idiom). One copy
is linearizable; a client cut off from n1 just times out. Deserves: valid,
under no-faults and split-brain."""
import json

from maelstrom import Node

node = Node()
store = {}      # json.dumps(key) -> value
LEADER = "n1"


def apply(body):
    key = json.dumps(body["key"])
    t = body["type"]
    if t == "write":
        store[key] = body["value"]
        return {"type": "write_ok"}
    if key not in store:
        return {"type": "error", "code": 20, "text": "key does not exist"}
    if t == "read":
        return {"type": "read_ok", "value": store[key]}
    if store[key] != body["from"]:
        return {"type": "error", "code": 22,
                "text": "expected %s, current value is %s" % (json.dumps(body["from"]), json.dumps(store[key]))}
    store[key] = body["to"]
    return {"type": "cas_ok"}


def serve(msg):
    if node.node_id == LEADER:
        node.reply(msg, apply(msg["body"]))
    else:
        node.forward(msg, LEADER)


for t in ("read", "write", "cas"):
    node.handler(t)(serve)

node.run()
