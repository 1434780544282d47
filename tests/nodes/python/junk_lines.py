#!/usr/bin/env python3
"""junk_lines.py -- workload echo, from a node with dirty stdout. Besides
its echo_ok replies it prints, at start and after every 5th echo: a line
that is not JSON, JSON that is no envelope, an envelope with an extra
top-level key, a message to a dest nobody has, and a line of a NUL byte
and a byte that is no UTF-8 (bytes, not text). Maelstrom would stop
reading such a node; the lab must log and count each bad line and go on.
The bad envelopes are addressed to this node itself with a type it has no
handler for: if the lab ever delivered one, the node would raise and die,
and the echoes after it would fail. Deserves: valid, under no-faults and
split-brain."""
import json
import sys

from maelstrom import Node

node = Node()
echoes = 0


def junk():
    node.write_line("this line is not JSON {")
    node.write_line(json.dumps({"hello": "not an envelope"}))
    node.write_line(json.dumps({"src": node.node_id, "dest": node.node_id,
                                "body": {"type": "junk"}, "extra": "a key no envelope has"}))
    node.write_line(json.dumps({"src": node.node_id, "dest": "n999",
                                "body": {"type": "junk"}}))
    with node._out:                     # node.write_line's lock: whole lines
        sys.stdout.flush()
        sys.stdout.buffer.write(b"\x00\xff\n")
        sys.stdout.buffer.flush()


node.write_line("starting up (not JSON)")
node.on_init(junk)


@node.handler("echo")
def echo(msg):
    global echoes
    node.reply(msg, {"type": "echo_ok", "echo": msg["body"]["echo"]})
    echoes += 1
    if echoes % 5 == 0:
        junk()


node.run()
