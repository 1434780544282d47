"""maelstrom.py -- a small Maelstrom node library, in the style people write
for the Gossip Glomers (fly.io) challenges and Maelstrom's own demo libs.

    from maelstrom import Node
    node = Node()

    @node.handler("echo")
    def echo(msg):
        node.reply(msg, {"type": "echo_ok", "echo": msg["body"]["echo"]})

    node.run()

The node reads one JSON message per line on stdin and writes one per line
on stdout, flushed per line; logs go to stderr only. init is handled here:
node_id and node_ids are set, the on_init hooks run, init_ok goes back.

Dispatch, as in Maelstrom's Ruby node.rb:
  - a message whose in_reply_to matches an rpc we sent goes to that rpc's
    callback (the table is keyed by our msg_id), once;
  - a reply nobody waits for (late, or a duplicate ack) is logged and
    dropped, as maelstrom-go does;
  - a request goes to the handler registered for its type; an unknown type
    RAISES, which kills the node (Maelstrom's libraries do exactly this).

Concurrency: handlers, callbacks and periodic tasks all run holding
node.lock, so node state needs no other locking. Periodic tasks and rpc
timeouts run on threads; the stdin loop runs handlers inline.
"""
import json
import sys
import threading
import time


class Node:
    def __init__(self):
        self.node_id = None
        self.node_ids = []
        self.lock = threading.RLock()
        self._out = threading.Lock()
        self._handlers = {}
        self._init_hooks = []
        self._periodic = []
        self._callbacks = {}        # our msg_id -> (callback, deadline or None)
        self._next_msg_id = 0

    # -- registration ---------------------------------------------------
    def handler(self, type_):
        """Decorator: fn(msg) handles requests of body type TYPE_."""
        def register(fn):
            if type_ in self._handlers:
                raise ValueError("already have a handler for %r" % type_)
            self._handlers[type_] = fn
            return fn
        return register

    def on_init(self, fn):
        """Decorator: fn() runs after init, before init_ok is sent."""
        self._init_hooks.append(fn)
        return fn

    def every(self, seconds):
        """Decorator: fn() runs every SECONDS once the node is initialised."""
        def register(fn):
            self._periodic.append((seconds, fn))
            return fn
        return register

    def other_ids(self):
        return [n for n in self.node_ids if n != self.node_id]

    # -- output ---------------------------------------------------------
    def log(self, text):
        sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def write_line(self, line):
        """The one writer of stdout: one line, flushed at once."""
        with self._out:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def send(self, dest, body):
        self.write_line(json.dumps({"src": self.node_id, "dest": dest, "body": body}))

    def reply(self, req, body):
        body = dict(body)
        body["in_reply_to"] = req["body"]["msg_id"]
        self.send(req["src"], body)

    def forward(self, req, dest):
        """Passes REQ on to DEST unchanged: the client's src and msg_id stay,
        so DEST can answer the client directly."""
        self.write_line(json.dumps({"src": req["src"], "dest": dest, "body": req["body"]}))

    def rpc(self, dest, body, callback, timeout=None):
        """Sends BODY with a fresh msg_id; callback(reply_msg) runs on the
        reply. With TIMEOUT (seconds) and no reply by then, callback gets a
        synthetic error reply with code 0 (timeout) instead."""
        with self.lock:
            self._next_msg_id += 1
            msg_id = self._next_msg_id
            deadline = time.monotonic() + timeout if timeout is not None else None
            self._callbacks[msg_id] = (callback, deadline)
        body = dict(body)
        body["msg_id"] = msg_id
        self.send(dest, body)
        return msg_id

    # -- the loop -------------------------------------------------------
    def _start_thread(self, fn):
        threading.Thread(target=fn, daemon=True).start()

    def _periodic_loop(self, seconds, fn):
        while True:
            time.sleep(seconds)
            with self.lock:
                fn()

    def _timeout_loop(self):
        while True:
            time.sleep(0.05)
            now = time.monotonic()
            with self.lock:
                expired = [i for i, (_, d) in self._callbacks.items() if d is not None and d <= now]
                for msg_id in expired:
                    callback, _ = self._callbacks.pop(msg_id)
                    callback({"src": None, "dest": self.node_id,
                              "body": {"type": "error", "code": 0, "text": "timeout",
                                       "in_reply_to": msg_id}})

    def _init(self, msg):
        body = msg["body"]
        self.node_id = body["node_id"]
        self.node_ids = body["node_ids"]
        for hook in self._init_hooks:
            hook()
        self.log("node %s initialised" % self.node_id)
        self.reply(msg, {"type": "init_ok"})
        for seconds, fn in self._periodic:
            self._start_thread(lambda s=seconds, f=fn: self._periodic_loop(s, f))

    def _dispatch(self, msg):
        body = msg["body"]
        if "in_reply_to" in body:
            entry = self._callbacks.pop(body["in_reply_to"], None)
            if entry is None:
                self.log("ignoring reply with no callback: %s" % json.dumps(msg))
                return
            entry[0](msg)
        elif body["type"] == "init":
            self._init(msg)
        elif body["type"] in self._handlers:
            self._handlers[body["type"]](msg)
        else:
            raise RuntimeError("no handler for %s" % json.dumps(msg))

    def run(self):
        self._start_thread(self._timeout_loop)
        while True:
            line = sys.stdin.readline()
            if not line:
                return
            msg = json.loads(line)
            with self.lock:
                self._dispatch(msg)
