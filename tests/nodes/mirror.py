#!/usr/bin/env python3
"""A test node for bin/node-stdio (tests/unit/node_stdio.c): it shows the
test exactly what the bridge delivered, writes whatever lines it is told
to, and tells its time. Its id is argv[1] (default n1) until init.

Every line it reads it reports to c1 as {"type":"got","line":LINE}, the
line as it arrived, byte for byte. Then by body type:
  init        init_ok to the envelope's src
  say         writes body["lines"] (strings), body["hex"] (hex-encoded
              bytes) and body["long"] (that many 'x' bytes) to stdout, each
              as one line, in that order, verbatim
  time        time_ok {"now": time.time()} to c1
  exit        exits with status 3
Logs go to stderr.
"""
import json
import sys
import time

node_id = sys.argv[1] if len(sys.argv) > 1 else "n1"   # until init says
out = sys.stdout.buffer

def write(raw):
    out.write(raw + b"\n")
    out.flush()

def send(dest, body):
    write(json.dumps({"src": node_id, "dest": dest, "body": body}).encode())

for raw in sys.stdin.buffer:
    line = raw.rstrip(b"\n")
    msg = json.loads(line)
    body = msg["body"]
    kind = body.get("type")
    if kind == "init":
        node_id = body["node_id"]
    send("c1", {"type": "got", "line": line.decode()})
    if kind == "init":
        send(msg["src"], {"type": "init_ok", "in_reply_to": body["msg_id"]})
    elif kind == "say":
        for text in body.get("lines", []):
            write(text.encode())
        for text in body.get("hex", []):
            write(bytes.fromhex(text))
        if "long" in body:
            write(b"x" * body["long"])
    elif kind == "time":
        send("c1", {"type": "time_ok", "now": time.time()})
    elif kind == "exit":
        sys.exit(3)
