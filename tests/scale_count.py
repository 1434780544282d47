#!/usr/bin/env python3
"""scale_count.py RUN_DIR -- did the history lose an op?

Counts, from the run directory: invokes in history.jsonl; completions
(ok, fail, info) and invokes left without one; and the ops the clients
sent, from the proxy's trace (messages.jsonl): messages from a client
(c1, c2, ...) to a node whose body type is read, write or cas, counted at
their first event (deliver, drop, block, queue, delay, reorder,
duplicate's original). Prints them and exits 0 if every invoke has a
completion and invokes == ops sent, else 1.
"""
import json, re, sys

run = sys.argv[1]
invokes = completions = 0
open_ops = {}
for line in open(run + "/history.jsonl"):
    e = json.loads(line)
    if e["type"] == "invoke":
        invokes += 1
        open_ops[e["process"]] = open_ops.get(e["process"], 0) + 1
    else:
        completions += 1
        open_ops[e["process"]] = open_ops.get(e["process"], 0) - 1
pending = sum(v for v in open_ops.values() if v > 0)
client = re.compile(r"^c\d+$")
node = re.compile(r"^n\d+$")
seen, sent = set(), 0
for line in open(run + "/messages.jsonl"):
    e = json.loads(line)
    if not (client.match(e["src"]) and node.match(e["dest"])) or e["action"] == "decide":
        continue
    body = e["body"]
    if not isinstance(body, dict) or body.get("type") not in ("read", "write", "cas"):
        continue
    key = (e["src"], e["dest"], e.get("seq"), e.get("msg_id"))
    if key not in seen:
        seen.add(key)
        sent += 1
print("invokes %d completions %d without completion %d ops sent by clients %d"
      % (invokes, completions, pending, sent))
sys.exit(0 if pending == 0 and invokes == sent and invokes > 0 else 1)
