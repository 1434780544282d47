// maelstrom.js -- a small Maelstrom node library for Node.js (no npm
// packages), in the idiom of Maelstrom's own demo/js/node.js:
//
//     const { Node } = require('./maelstrom');
//     const node = new Node();
//     node.on('echo', (req) => node.reply(req, { type: 'echo_ok', echo: req.body.echo }));
//     node.main();
//
// One JSON message per line on stdin and on stdout (process.stdout.write
// on a pipe is synchronous on Linux, so each line leaves at once); logs go
// to stderr only. init is handled here: nodeId and nodeIds are set, the
// onInit hooks run, init_ok goes back, the every() timers start.
//
// Dispatch, as Maelstrom's libraries do:
//   - a message whose in_reply_to matches an rpc we sent settles that rpc's
//     promise (the callback table is keyed by our msg_id), once: an error
//     body rejects it with an RPCError, so does the timeout (code 0);
//   - a reply nobody waits for (late, or a duplicate ack) is logged and
//     dropped;
//   - a request goes to the handler registered for its type; an unknown
//     type THROWS, which kills the node, as Maelstrom's node.js does. A
//     handler may be async: a rejection it leaves unhandled kills it too.
'use strict';
const readline = require('readline');

class RPCError extends Error {
  constructor(code, text) {
    super(`RPC error ${code}: ${text}`);
    this.code = code;
    this.text = text;
  }
}

class Node {
  constructor() {
    this.nodeId = null;
    this.nodeIds = [];
    this.handlers = new Map();
    this.callbacks = new Map();   // our msg_id -> {resolve, reject, timer}
    this.nextMsgId = 0;
    this.initHooks = [];
    this.periodic = [];
  }

  on(type, handler) {
    if (this.handlers.has(type)) throw new Error(`already have a handler for ${type}`);
    this.handlers.set(type, handler);
  }

  onInit(fn) { this.initHooks.push(fn); }

  every(ms, fn) { this.periodic.push({ ms, fn }); }

  otherIds() { return this.nodeIds.filter((id) => id !== this.nodeId); }

  log(...args) { process.stderr.write(args.join(' ') + '\n'); }

  writeLine(line) { process.stdout.write(line + '\n'); }

  send(dest, body) {
    this.writeLine(JSON.stringify({ src: this.nodeId, dest, body }));
  }

  reply(req, body) {
    this.send(req.src, { ...body, in_reply_to: req.body.msg_id });
  }

  // Passes req on to dest unchanged: the client's src and msg_id stay, so
  // dest can answer the client directly.
  forward(req, dest) {
    this.writeLine(JSON.stringify({ src: req.src, dest, body: req.body }));
  }

  // Sends body with a fresh msg_id; resolves with the reply message, or
  // rejects with an RPCError on an error reply or after timeoutMs.
  rpc(dest, body, timeoutMs = 1000) {
    const msgId = ++this.nextMsgId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.callbacks.delete(msgId);
        reject(new RPCError(0, `timeout: no reply from ${dest} to msg_id ${msgId}`));
      }, timeoutMs);
      this.callbacks.set(msgId, { resolve, reject, timer });
      this.send(dest, { ...body, msg_id: msgId });
    });
  }

  handleInit(req) {
    this.nodeId = req.body.node_id;
    this.nodeIds = req.body.node_ids;
    for (const hook of this.initHooks) hook();
    this.log(`node ${this.nodeId} initialised`);
    this.reply(req, { type: 'init_ok' });
    for (const { ms, fn } of this.periodic) setInterval(fn, ms);
  }

  handle(msg) {
    const body = msg.body;
    if (body.in_reply_to !== undefined) {
      const cb = this.callbacks.get(body.in_reply_to);
      if (!cb) {
        this.log(`ignoring reply with no callback: ${JSON.stringify(msg)}`);
        return;
      }
      this.callbacks.delete(body.in_reply_to);
      clearTimeout(cb.timer);
      if (body.type === 'error') cb.reject(new RPCError(body.code, body.text));
      else cb.resolve(msg);
    } else if (body.type === 'init') {
      this.handleInit(msg);
    } else if (this.handlers.has(body.type)) {
      const result = this.handlers.get(body.type)(msg);
      // An async handler's failure must not vanish: rethrow it, uncaught.
      if (result && typeof result.catch === 'function') {
        result.catch((err) => { process.nextTick(() => { throw err; }); });
      }
    } else {
      throw new Error(`no handler for ${JSON.stringify(msg)}`);
    }
  }

  main() {
    const lines = readline.createInterface({ input: process.stdin, terminal: false });
    lines.on('line', (line) => this.handle(JSON.parse(line)));
    lines.on('close', () => process.exit(0));
  }
}

module.exports = { Node, RPCError };
