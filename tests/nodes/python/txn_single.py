#!/usr/bin/env python3
"""txn_single.py -- workloads txn-list-append and txn-rw-register, CORRECT:
one store, on the first node. Every other node forwards a txn there
unchanged (the client's src and msg_id stay, so n1 answers the client
itself); n1 applies each txn whole, in the order txns arrive, under the
node lock. One copy, applied atomically and in real-time order: strict
serializable. Deserves: valid under no-faults."""
from maelstrom import Node

node = Node()
store = {}          # key -> list (list-append) or value (rw-register)


def apply(txn):
    out = []
    for f, key, value in txn:
        if f == "r":
            current = store.get(key)
            out.append([f, key, list(current) if isinstance(current, list) else current])
        elif f == "append":
            store.setdefault(key, []).append(value)
            out.append([f, key, value])
        else:
            store[key] = value
            out.append([f, key, value])
    return out


@node.handler("txn")
def txn(msg):
    if node.node_id != node.node_ids[0]:
        node.forward(msg, node.node_ids[0])
        return
    node.reply(msg, {"type": "txn_ok", "txn": apply(msg["body"]["txn"])})


node.run()
