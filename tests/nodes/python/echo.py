#!/usr/bin/env python3
"""echo.py -- workload echo. Answers every echo with echo_ok carrying the
same text. Deserves: valid, under no-faults and split-brain alike (clients
are never cut off from their own node)."""
from maelstrom import Node

node = Node()


@node.handler("echo")
def echo(msg):
    node.reply(msg, {"type": "echo_ok", "echo": msg["body"]["echo"]})


node.run()
