#!/usr/bin/env python3
"""Generate a plausible run directory (history, faults, messages, results)
for looking at report.html by eye. Seeded; not a simulation of any system.
usage: generate.py DIR [OPS] [SECONDS]"""
import json, random, sys, os
d = sys.argv[1]; nops = int(sys.argv[2]) if len(sys.argv) > 2 else 600
secs = float(sys.argv[3]) if len(sys.argv) > 3 else 8.0
os.makedirs(d, exist_ok=True)
r = random.Random(7); M = 1000000; K = 10
nodes = ['n%d' % i for i in range(1, 6)]
faults = [(0.25, 0.45, 'partition', '', 'halves: n1,n2 | n3,n4,n5'),
          (0.60, 0.70, 'kill', 'n3', 'SIGKILL, restart at end'),
          (0.78, None, 'drop', '', 'p=0.2')]
def infault(t):
    return any(a * secs * 1e9 <= t < (b if b else 1) * secs * 1e9 for a, b, *_ in faults)
ev = []; procs = list(range(K)); nextp = K; clock = [0] * K
values = {}; msgs = []; msg_id = 0
per = secs * 1e9 / (nops / K)
for i in range(nops):
    c = i % K; p = procs[c]
    t0 = int(clock[c] + r.uniform(0.2, 1.8) * per * 0.6)
    f = r.choice(['read', 'read', 'write', 'cas']); k = str(r.randint(0, 2))
    lat = int(r.lognormvariate(0.7, 0.5) * M); typ = 'ok'; err = None
    if infault(t0):
        lat *= 4
        x = r.random()
        if x < 0.3: typ, err = 'fail', 11
        elif x < 0.4: typ, lat = 'info', 1000 * M
    if f == 'write': v = r.randint(0, 9); vin = v; vout = v
    elif f == 'cas':
        vin = [r.randint(0, 9), r.randint(0, 9)]; vout = vin
        if typ == 'ok' and values.get(k) != vin[0]: typ, err = 'fail', 22
    else:
        vin = None
        vout = values.get(k) if r.random() > 0.1 or not infault(t0) else r.randint(0, 9)
    t1 = t0 + lat
    ev.append((t0, dict(time=t0, process=p, type='invoke', f=f, key=k, value=vin)))
    e = dict(time=t1, process=p, type=typ, f=f, key=k, value=vout)
    if err is not None: e['error'] = err
    ev.append((t1, e))
    if typ == 'ok' and f == 'write': values[k] = vin
    if typ == 'ok' and f == 'cas': values[k] = vin[1]
    clock[c] = t1
    if typ == 'info': procs[c] = nextp; nextp += 1
    node = nodes[c % 5]; cl = 'c%d' % (c + 1)
    msg_id += 1
    msgs.append(dict(time=t0 + 50000, src=cl, dest=node, action='deliver', msg_id=msg_id,
                     body={'type': f, 'key': k, 'msg_id': i}))
    for n in nodes:
        if n == node: continue
        msg_id += 1; tt = t0 + r.randint(100000, lat // 2 + 100001)
        act = 'deliver'
        if infault(tt) and r.random() < 0.5: act = 'block'
        msgs.append(dict(time=tt, src=node, dest=n, action=act, msg_id=msg_id,
                         body={'type': 'append', 'term': 1}))
    if typ != 'info':
        msg_id += 1
        msgs.append(dict(time=t1 - 50000, src=node, dest=cl, action='deliver', msg_id=msg_id,
                         body={'type': f + '_ok' if typ == 'ok' else 'error'}))
ev.sort(key=lambda e: e[0])
with open(os.path.join(d, 'history.jsonl'), 'w') as fh:
    for i, (_, e) in enumerate(ev):
        e['index'] = i
        fh.write(json.dumps(dict(index=i, **{k: v for k, v in e.items() if k != 'index'}), separators=(',', ':')) + '\n')
end = max(t for t, _ in ev)
with open(os.path.join(d, 'faults.jsonl'), 'w') as fh:
    for a, b, f, tg, det in faults:
        fh.write(json.dumps(dict(time=int(a * secs * 1e9), phase='start', fault=f, target=tg, detail=det)) + '\n')
        if b: fh.write(json.dumps(dict(time=int(b * secs * 1e9), phase='end', fault=f, target=tg, detail='')) + '\n')
msgs.sort(key=lambda m: m['time'])
with open(os.path.join(d, 'messages.jsonl'), 'w') as fh:
    for m in msgs: fh.write(json.dumps(m, separators=(',', ':')) + '\n')
bad = [e for _, e in ev if e['type'] == 'ok' and e['f'] == 'read'][len(ev) // 5]
links = {}
for m in msgs:
    l = links.setdefault(m['src'] + '->' + m['dest'], dict(sent=0, delivered=0, dropped=0, duplicated=0, delayed=0, queued=0))
    l['sent'] += 1; l['delivered' if m['action'] == 'deliver' else 'dropped'] += 1
results = dict(scenario='split-brain', system='primary', seed=42, valid=False, expected=False,
               ops={}, checks=[dict(name='linearizable', valid=False, details=dict(
                   file='history.jsonl', valid=False, model='kv', ops=nops, time_ms=12.5,
                   failed_ops=[dict(index=bad['index'], process=bad['process'], f='read')],
                   concurrent=[dict(index=1), dict(index=3)],
                   prefix=dict(ops=[dict(index=0)])))],
               network=dict(links=links, totals=dict(sent=len(msgs)), unroutable=0))
with open(os.path.join(d, 'results.json'), 'w') as fh:
    json.dump(results, fh, indent=1)
