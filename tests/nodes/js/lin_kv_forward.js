#!/usr/bin/env node
// lin_kv_forward.js -- workload lin-kv. n1 holds the only copy and
// answers read, write and cas; every other node forwards each request to
// n1 unchanged (the client's src "cN" in the envelope, its msg_id in the
// body), so n1 answers the client directly and the forwarding node answers
// nothing itself. One copy is linearizable; a client cut off from n1 only
// times out. Deserves: valid, under no-faults and split-brain.
'use strict';
const { Node } = require('./maelstrom');

const node = new Node();
const store = new Map();   // JSON.stringify(key) -> value
const LEADER = 'n1';

function apply(body) {
  const key = JSON.stringify(body.key);
  if (body.type === 'write') {
    store.set(key, body.value);
    return { type: 'write_ok' };
  }
  if (!store.has(key)) return { type: 'error', code: 20, text: 'key does not exist' };
  const current = store.get(key);
  if (body.type === 'read') return { type: 'read_ok', value: current };
  if (JSON.stringify(current) !== JSON.stringify(body.from)) {
    return { type: 'error', code: 22,
             text: `expected ${JSON.stringify(body.from)}, current value is ${JSON.stringify(current)}` };
  }
  store.set(key, body.to);
  return { type: 'cas_ok' };
}

function serve(req) {
  if (node.nodeId === LEADER) node.reply(req, apply(req.body));
  else node.forward(req, LEADER);
}

for (const t of ['read', 'write', 'cas']) node.on(t, serve);

node.main();
