#!/usr/bin/env node
// broadcast_retry.js -- workload broadcast. Each new message goes to the
// node's neighbours in Maelstrom's topology (every other node until it
// arrives) as an rpc; one not acked within 1 s is sent again, until it is.
// A partition delays delivery, never loses a message, so the final reads
// (after the heal) hold every message. Deserves: valid, under no-faults and
// split-brain.
'use strict';
const { Node } = require('./maelstrom');

const node = new Node();
const messages = new Set();
let neighbours = [];
const RETRY_MS = 1000;

node.onInit(() => { neighbours = node.otherIds(); });

node.on('topology', (req) => {
  neighbours = req.body.topology[node.nodeId] || neighbours;
  node.log(`neighbours: ${neighbours}`);
  node.reply(req, { type: 'topology_ok' });
});

function deliver(peer, message) {
  node.rpc(peer, { type: 'broadcast', message }, RETRY_MS)
    .catch(() => deliver(peer, message));
}

node.on('broadcast', (req) => {
  const message = req.body.message;
  node.reply(req, { type: 'broadcast_ok' });
  if (messages.has(message)) return;
  messages.add(message);
  for (const peer of neighbours) {
    if (peer !== req.src) deliver(peer, message);
  }
});

node.on('read', (req) => {
  node.reply(req, { type: 'read_ok', messages: [...messages].sort((a, b) => a - b) });
});

node.main();
