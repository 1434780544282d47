#!/usr/bin/env python3
"""A Maelstrom echo node in plain Python: JSON lines on stdin and stdout.

Runs in faultlab unmodified through bin/node-stdio:
    bin/node-stdio --id n1 --connect ipc:///tmp/lab/net -- 'python3 examples/maelstrom/echo.py'
Anything printed to stdout that is not an envelope is skipped by the bridge;
logs belong on stderr.
"""
import json
import sys

node_id = None
next_id = 0

def send(dest, body):
    global next_id
    next_id += 1
    body["msg_id"] = next_id
    sys.stdout.write(json.dumps({"src": node_id, "dest": dest, "body": body}) + "\n")
    sys.stdout.flush()

for line in sys.stdin:
    msg = json.loads(line)
    body = msg["body"]
    if body["type"] == "init":
        node_id = body["node_id"]
        print("echo node %s starting" % node_id, file=sys.stderr, flush=True)
        send(msg["src"], {"type": "init_ok", "in_reply_to": body["msg_id"]})
    elif body["type"] == "echo":
        send(msg["src"], {"type": "echo_ok", "echo": body["echo"], "in_reply_to": body["msg_id"]})
    elif body["type"] == "noise":
        print("this line is not an envelope", flush=True)
    elif body["type"] == "exit":
        sys.exit(3)
