#!/usr/bin/env python3
"""broadcast_retry.py -- workload broadcast. Each new message goes to the
node's neighbours in the topology Maelstrom sends (every other node until
one arrives) as an rpc; a neighbour that does not ack within 1 s gets it
again, and again, until it does. A partition delays delivery but never
loses a message, so the final reads (after the heal) hold every message.
Deserves: valid, under no-faults and split-brain."""
from maelstrom import Node

node = Node()
messages = set()
neighbours = []
RETRY_S = 1.0


@node.on_init
def start():
    neighbours[:] = node.other_ids()


@node.handler("topology")
def topology(msg):
    neighbours[:] = msg["body"]["topology"].get(node.node_id, neighbours)
    node.log("neighbours: %s" % neighbours)
    node.reply(msg, {"type": "topology_ok"})


def deliver(peer, message):
    """Sends MESSAGE to PEER until PEER acks it."""
    def on_reply(reply):
        if reply["body"]["type"] != "broadcast_ok":
            deliver(peer, message)
    node.rpc(peer, {"type": "broadcast", "message": message}, on_reply, timeout=RETRY_S)


@node.handler("broadcast")
def broadcast(msg):
    message = msg["body"]["message"]
    node.reply(msg, {"type": "broadcast_ok"})
    if message in messages:
        return
    messages.add(message)
    for peer in neighbours:
        if peer != msg["src"]:
            deliver(peer, message)


@node.handler("read")
def read(msg):
    node.reply(msg, {"type": "read_ok", "messages": sorted(messages)})


node.run()
