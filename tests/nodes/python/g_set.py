#!/usr/bin/env python3
"""g_set.py -- workload g-set. A grow-only set as a state-based CRDT:
every 0.5 s each node sends its whole set to every other node, and a node
merges what it hears by union. A partition only delays the merge; after the
heal the gossip converges, so the final reads hold every added element.
Deserves: valid, under no-faults and split-brain."""
from maelstrom import Node

node = Node()
elements = set()


@node.handler("add")
def add(msg):
    elements.add(msg["body"]["element"])
    node.reply(msg, {"type": "add_ok"})


@node.handler("read")
def read(msg):
    node.reply(msg, {"type": "read_ok", "value": sorted(elements)})


@node.handler("gossip")
def gossip(msg):
    elements.update(msg["body"]["value"])


@node.every(0.5)
def spread():
    value = sorted(elements)
    for peer in node.other_ids():
        node.send(peer, {"type": "gossip", "value": value})


node.run()
