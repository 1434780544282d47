#!/usr/bin/env python3
"""txn_gossip.py -- workloads txn-list-append and txn-rw-register,
deliberately WRONG. Each node keeps its own store and applies a txn there
at once; every 0.3 s it tells its peers the writes it took since, which
they apply when the message arrives. Nothing orders the nodes: two nodes' appends to a key
land in different orders on different nodes (incompatible orders), and a
txn on one node misses writes another node has acknowledged (G-single,
G2-item, and stale reads in real time). Deserves: invalid, with anomalies,
under no-faults."""
from maelstrom import Node

node = Node()
store = {}
pending = []        # writes taken here, not yet sent to the peers


def write(f, key, value):
    if f == "append":
        store.setdefault(key, []).append(value)
    else:
        store[key] = value


@node.handler("txn")
def txn(msg):
    out, writes = [], []
    for f, key, value in msg["body"]["txn"]:
        if f == "r":
            current = store.get(key)
            out.append([f, key, list(current) if isinstance(current, list) else current])
        else:
            write(f, key, value)
            writes.append([f, key, value])
            out.append([f, key, value])
    pending.extend(writes)
    node.reply(msg, {"type": "txn_ok", "txn": out})


@node.handler("replicate")
def replicate(msg):
    for f, key, value in msg["body"]["writes"]:
        write(f, key, value)


@node.every(0.3)
def spread():
    if pending:
        for peer in node.other_ids():
            node.send(peer, {"type": "replicate", "writes": list(pending)})
        del pending[:]


node.run()
