#!/usr/bin/env node
// pn_counter.js -- workload pn-counter. A state-based PN-counter: P[node]
// holds what each node added, N[node] what it subtracted; a node bumps
// only its own entries, gossips both maps to every other node every
// 500 ms, and merges what it hears entry by entry with max. The value is
// sum(P) - sum(N). Partitions only delay convergence; after the heal the
// final reads agree on the sum of the adds. Deserves: valid, under
// no-faults and split-brain.
'use strict';
const { Node } = require('./maelstrom');

const node = new Node();
const P = {};
const N = {};

const sum = (m) => Object.values(m).reduce((a, b) => a + b, 0);
function merge(into, from) {
  for (const [id, v] of Object.entries(from)) into[id] = Math.max(into[id] || 0, v);
}

node.on('add', (req) => {
  const delta = req.body.delta;
  const map = delta >= 0 ? P : N;
  map[node.nodeId] = (map[node.nodeId] || 0) + Math.abs(delta);
  node.reply(req, { type: 'add_ok' });
});

node.on('read', (req) => {
  node.reply(req, { type: 'read_ok', value: sum(P) - sum(N) });
});

node.on('gossip', (msg) => {
  merge(P, msg.body.p);
  merge(N, msg.body.n);
});

node.every(500, () => {
  for (const peer of node.otherIds()) node.send(peer, { type: 'gossip', p: P, n: N });
});

node.main();
