#!/usr/bin/env python3
"""counter_wrong.py -- workload g-counter, deliberately WRONG. Each node
keeps a count per node, adds to its own correctly, but gossips only its own
latest delta, and a receiver overwrites that node's count with it instead
of max-merging totals. So every other node forgets all but the last add of
each peer: as soon as one node has had two adds (the earlier one nonzero),
the final reads elsewhere fall short of the sum of the acknowledged adds.
Deserves: invalid, under no-faults and split-brain."""
from maelstrom import Node

node = Node()
counts = {}         # node id -> what we believe it has added
last_delta = 0


@node.handler("add")
def add(msg):
    global last_delta
    delta = msg["body"]["delta"]
    counts[node.node_id] = counts.get(node.node_id, 0) + delta
    last_delta = delta
    node.reply(msg, {"type": "add_ok"})


@node.handler("read")
def read(msg):
    node.reply(msg, {"type": "read_ok", "value": sum(counts.values())})


@node.handler("gossip")
def gossip(msg):
    counts[msg["src"]] = msg["body"]["delta"]        # the bug: overwrite, not max


@node.every(0.5)
def spread():
    for peer in node.other_ids():
        node.send(peer, {"type": "gossip", "delta": last_delta})


node.run()
