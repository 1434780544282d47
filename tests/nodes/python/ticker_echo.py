#!/usr/bin/env python3
"""ticker_echo.py -- an echo node that logs "tick T" (its wall clock) on
stderr every 100 ms from a timer thread. tests/chaos_node_stdio.t stops
it (SIGSTOP) for 2 s and reads the gap between ticks: a node program that
is really stopped has no tick in that window; one whose bridge alone was
stopped kept ticking.
"""
import time

from maelstrom import Node

node = Node()


@node.handler("echo")
def echo(msg):
    node.reply(msg, {"type": "echo_ok", "echo": msg["body"]["echo"]})


@node.every(0.1)
def tick():
    node.log("tick %.3f" % time.time())


node.run()
