#!/usr/bin/env python3
"""replay_compare.py RUN_A RUN_B -- do two runs of one scenario replay alike?

Compares (1) the fault schedule: faults.jsonl's events as (phase, fault,
target, detail) in order, not their measured times; (2) the proxy's
decisions: for every message both traces hold on the same link with the
same seq and a "decide" line naming the same rule, the decision lines
(block, drop, duplicate, delay with its delay_ms, reorder) must be equal.
Prints one line of counts and exits 0 if equal, 1 if not, 2 if there was
nothing to compare.
"""
import json, sys

DECISIONS = {"block", "drop", "duplicate", "delay", "reorder"}

def schedule(run):
    with open(run + "/faults.jsonl") as f:
        return [(e["phase"], e["fault"], e["target"], e["detail"])
                for e in map(json.loads, f)]

def decisions(run):
    rules, made = {}, {}
    with open(run + "/messages.jsonl") as f:
        for line in f:
            e = json.loads(line)
            if "seq" not in e:
                continue
            key = (e["src"], e["dest"], e["seq"])
            if e["action"] == "decide":
                rules[key] = e["body"]["rule"]
                made[key] = []
            elif e["action"] in DECISIONS and key in made:
                made[key].append((e["action"], e.get("delay_ms")))
    return rules, made

a, b = sys.argv[1], sys.argv[2]
same_schedule = schedule(a) == schedule(b)
rules_a, made_a = decisions(a)
rules_b, made_b = decisions(b)
common = [k for k in rules_a if rules_b.get(k) == rules_a[k]]
differ = [k for k in common if made_a[k] != made_b[k]]
faulted = sum(1 for k in common if made_a[k])
print("schedule %s; %d messages decided under the same rule in both, %d with a fault "
      "decision, %d decided differently%s" % (
      "equal" if same_schedule else "differs", len(common), faulted, len(differ),
      "" if not differ else " (first: %s %s vs %s)" % (differ[0], made_a[differ[0]],
                                                       made_b[differ[0]])))
if not common:
    sys.exit(2)
sys.exit(0 if same_schedule and not differ else 1)
