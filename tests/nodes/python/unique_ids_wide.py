#!/usr/bin/env python3
"""unique_ids_wide.py [--repeat] -- workload unique-ids with ids past 64
bits, as Python makes them: a random uuid4 as an integer, or 2^63 plus
this node's number and a counter of its own (distinct by construction,
though a double would round them all to 2^63). JSON takes any integer, and
so does Maelstrom. Deserves: valid. With --repeat every node hands out
2^64 + 1 each time: invalid (duplicate ids), which must still be caught
among integers no 64-bit type holds."""
import sys
import uuid
from maelstrom import Node

node = Node()
counter = 0
repeat = "--repeat" in sys.argv[1:]


@node.handler("generate")
def generate(msg):
    global counter
    counter += 1
    if repeat:
        id_ = (1 << 64) + 1
    elif counter % 2:
        id_ = (1 << 63) + counter * 1000 + int(node.node_id[1:])
    else:
        id_ = uuid.uuid4().int
    node.reply(msg, {"type": "generate_ok", "id": id_})


node.run()
