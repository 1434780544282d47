#!/usr/bin/env node
// counter_kv.js -- workload g-counter, on Maelstrom's seq-kv service (the
// Gossip Glomers "grow-only counter" challenge). The count is one key in
// seq-kv. add: read it (missing = 0), then cas from what was read to that
// plus delta with create_if_not_exists; a precondition failure (22: someone
// else got there first, or our read was stale) starts over. read: first a
// write of a fresh value to a key of our own, which seq-kv applies to its
// newest state and so brings our session up to date, then a read of the
// count. Services are never partitioned, so split-brain changes nothing.
// Deserves: valid, under no-faults and split-brain.
'use strict';
const { Node } = require('./maelstrom');

const node = new Node();
const KV = 'seq-kv';
const KEY = 'counter';
const TIMEOUT_MS = 1000;
const ATTEMPTS_MAX = 100;   // cas rounds before an add gives up with error 11
let barrier = 0;

async function readCount() {
  try {
    const reply = await node.rpc(KV, { type: 'read', key: KEY }, TIMEOUT_MS);
    return reply.body.value;
  } catch (err) {
    if (err.code === 20) return 0;
    throw err;
  }
}

// A timed-out read is retried; a timed-out cas is not (it may have been
// applied, and doing it again would count the delta twice): that add ends
// with error 0, indeterminate, which the client records as :info.
async function add(delta) {
  for (let attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
    let current;
    try {
      current = await readCount();
    } catch (err) {
      if (err.code !== 0) throw err;
      continue;
    }
    try {
      await node.rpc(KV, { type: 'cas', key: KEY, from: current, to: current + delta,
                           create_if_not_exists: true }, TIMEOUT_MS);
      return;
    } catch (err) {
      if (err.code !== 22 && err.code !== 20) throw err;
      node.log(`add ${delta}: ${err.message}; again`);
    }
  }
  throw Object.assign(new Error(`no cas succeeded in ${ATTEMPTS_MAX} rounds`), { code: 11 });
}

node.on('add', async (req) => {
  try {
    await add(req.body.delta);
    node.reply(req, { type: 'add_ok' });
  } catch (err) {
    node.reply(req, { type: 'error', code: err.code === undefined ? 13 : err.code, text: err.message });
  }
});

node.on('read', async (req) => {
  try {
    barrier += 1;
    await node.rpc(KV, { type: 'write', key: `barrier-${node.nodeId}`, value: barrier }, TIMEOUT_MS);
    node.reply(req, { type: 'read_ok', value: await readCount() });
  } catch (err) {
    node.reply(req, { type: 'error', code: err.code === undefined ? 13 : err.code, text: err.message });
  }
});

node.main();
