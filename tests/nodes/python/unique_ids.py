#!/usr/bin/env python3
"""unique_ids.py -- workload unique-ids. An id is this node's id and a
counter of its own ("n3-17"): no two nodes share a prefix and no node
repeats a counter, so ids are unique without talking to anyone. Deserves:
valid, under no-faults and split-brain (it needs no network)."""
from maelstrom import Node

node = Node()
counter = 0


@node.handler("generate")
def generate(msg):
    global counter
    counter += 1
    node.reply(msg, {"type": "generate_ok", "id": "%s-%d" % (node.node_id, counter)})


node.run()
