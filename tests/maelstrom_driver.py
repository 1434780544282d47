#!/usr/bin/env python3
"""A small Maelstrom-protocol driver: runs N copies of a node program as
Maelstrom would, with nothing but JSON lines on their stdin and stdout.

    tests/maelstrom_driver.py --nodes 3 --workload lin-kv -- bin/node-raft --stdio

It starts n1..nN with pipes (stderr to --logs DIR/nK.log, else ours),
routes every stdout line by its dest (to a node's stdin with an "id" from
a global counter, or to a client's inbox), sends init once to each node
from c0..c(N-1) and waits for init_ok (in_reply_to 1), then acts as
clients cN, cN+1...:

  echo    each client sends echo {"echo": "Please echo K"} to its node;
          every reply must be echo_ok with the same echo.
  lin-kv  client j works key j alone, on node n(j mod N + 1): read, write
          and cas with values 0..4, one op at a time. Replies are matched
          on in_reply_to alone (any node may answer, as in Maelstrom).
          Since one client owns a key, the key is a register whose
          possible values the driver tracks exactly: an ok read must
          return one of them, a cas_ok needs `from` among them, error 20
          needs the key possibly missing, error 22 a value other than
          `from`; a timeout or error 0/13 leaves the op's effect open;
          error 11 (e.g. no leader yet) means not done: the client waits
          50 ms and the op does not count toward --ops. --spread sends
          each op to the next node in turn (a node that answers from its
          own copy is caught).

Also checked: every line a node writes is an envelope with only src,
dest, body (and id) whose dest is a node or a client; every reply has
the closed schema of its RPC; no node exits before the end; each kind of
op has at least one ok. At the end the nodes' stdin is closed and they
must exit. Prints one JSON summary line; exit 0 valid, 1 invalid, 2 usage.
"""
import argparse, json, os, queue, random, subprocess, sys, threading, time

SCHEMA = {"init_ok": set(), "echo_ok": {"echo"}, "read_ok": {"value"},
          "write_ok": set(), "cas_ok": set()}

def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", type=int, default=3)
    p.add_argument("--workload", choices=["echo", "lin-kv"], default="lin-kv")
    p.add_argument("--ops", type=int, default=200)
    p.add_argument("--clients", type=int, default=3)
    p.add_argument("--timeout", type=float, default=1.0, help="RPC timeout, s")
    p.add_argument("--time-limit", type=float, default=60.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--spread", action="store_true",
                   help="send each op to the next node in turn, not the client's own")
    p.add_argument("--logs")
    p.add_argument("cmd", nargs="+")
    a = p.parse_args()
    if a.nodes < 1 or a.clients < 1 or a.ops < 1:
        p.error("--nodes, --clients and --ops must be positive")
    return a

class Net:
    def __init__(self, args):
        self.ids = ["n%d" % (i + 1) for i in range(args.nodes)]
        self.lines = queue.Queue()
        self.inbox = {}                       # client id -> [body]
        self.problems = []
        self.next_id = 0
        self.procs = {}
        for nid in self.ids:
            err = open(os.path.join(args.logs, nid + ".log"), "w") if args.logs else None
            self.procs[nid] = subprocess.Popen(args.cmd, stdin=subprocess.PIPE,
                                               stdout=subprocess.PIPE, stderr=err)
            threading.Thread(target=self.read, args=(nid,), daemon=True).start()

    def read(self, nid):
        for raw in self.procs[nid].stdout:
            self.lines.put((nid, raw))
        self.lines.put((nid, None))

    def deliver(self, dest, envelope):
        envelope = dict(envelope, id=self.next_id)
        self.next_id += 1
        try:
            pipe = self.procs[dest].stdin
            pipe.write((json.dumps(envelope) + "\n").encode())
            pipe.flush()
        except (BrokenPipeError, OSError) as e:
            self.problems.append("cannot write to %s: %s" % (dest, e))

    def send(self, src, dest, body):
        self.deliver(dest, {"src": src, "dest": dest, "body": body})

    def route(self, nid, raw):
        if raw is None:
            if self.procs[nid].poll() is None:
                self.procs[nid].wait(5)
            self.problems.append("%s closed its stdout (exit status %s)"
                                 % (nid, self.procs[nid].returncode))
            return
        try:
            env = json.loads(raw)
        except ValueError:
            return self.problems.append("%s wrote a line that is not JSON: %r" % (nid, raw[:200]))
        body = env.get("body") if isinstance(env, dict) else None
        dest = env.get("dest") if isinstance(env, dict) else None
        if (set(env) - {"src", "dest", "body", "id"} or not isinstance(env.get("src"), str)
                or not isinstance(body, dict) or not isinstance(body.get("type"), str)):
            return self.problems.append("%s wrote a bad envelope: %r" % (nid, raw[:200]))
        if dest in self.procs:
            self.deliver(dest, env)
        elif isinstance(dest, str) and dest[:1] == "c" and dest[1:].isdigit():
            self.inbox.setdefault(dest, []).append(body)
        else:
            self.problems.append("%s wrote to unknown dest %r" % (nid, dest))

    def pump(self, seconds):
        """Route what the nodes write for up to `seconds`, or until one line."""
        try:
            self.route(*self.lines.get(timeout=seconds))
            while True:
                self.route(*self.lines.get_nowait())
        except queue.Empty:
            pass

    def stop(self):
        for p in self.procs.values():
            try:
                p.stdin.close()
            except OSError:
                pass
        for nid, p in self.procs.items():
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                self.problems.append("%s did not exit within 5 s of its stdin closing" % nid)

def reply_problem(op, body):
    """Why a reply breaks its RPC's schema, or None."""
    keys = set(body) - {"type", "in_reply_to", "msg_id"}
    if not isinstance(body.get("msg_id", 0), int) or isinstance(body.get("msg_id"), bool):
        return "msg_id is not an int"
    if body["type"] == "error":
        return None if isinstance(body.get("code"), int) else "error without an int code"
    want = op["f"] + "_ok"
    if body["type"] != want:
        return "answered %s with %s" % (op["f"], body["type"])
    if keys != SCHEMA[want]:
        return "%s has keys %s, wanted %s" % (want, sorted(keys), sorted(SCHEMA[want]))
    return None

def next_op(rng, args, client, count):
    if args.workload == "echo":
        return {"f": "echo", "body": {"type": "echo", "echo": "Please echo %d" % count}}
    f = rng.choice(["read", "write", "cas", "cas"])
    body = {"type": f, "key": client["key"]}
    if f == "write":
        body["value"] = rng.randrange(5)
    if f == "cas":
        body["from"], body["to"] = rng.randrange(5), rng.randrange(5)
    return {"f": f, "body": body}

MISSING = object()

def judge(client, op, body, stats):
    """Check an outcome (body None: timed out) against the key's possible
    values and narrow them. Returns a problem or None."""
    f, req, vals = op["f"], op["body"], client["values"]
    if body is None or (body["type"] == "error" and body.get("code") in (0, 13)):
        stats["info"] += 1
        if f == "write":
            vals.add(req["value"])
        elif f == "cas" and req["from"] in vals:
            vals.add(req["to"])
        return None
    if body["type"] == "error":
        code = body["code"]
        stats["fail"] += 1
        if code == 11:
            return None
        if code == 20 and f in ("read", "cas"):
            if MISSING not in vals:
                return "key %s: error 20 but it was written: %s" % (req["key"], vals)
            client["values"] = {MISSING}
            return None
        if code == 22 and f == "cas":
            if not vals - {req["from"], MISSING}:
                return "key %s: cas from %s failed (22) but the value is %s" % (req["key"], req["from"], vals)
            vals.discard(req["from"])
            vals.discard(MISSING)
            return None
        return "key %s: unexpected error %s on %s" % (req.get("key"), code, f)
    stats["ok"] += 1
    stats["ok_" + f] = stats.get("ok_" + f, 0) + 1
    if f == "echo":
        return None if body["echo"] == req["echo"] else "echo %r came back %r" % (req["echo"], body["echo"])
    if f == "read":
        try:
            seen = body["value"] in vals
        except TypeError:
            seen = False
        if not seen:
            return "key %s: read %s, possible %s" % (req["key"], body["value"], vals)
        client["values"] = {body["value"]}
    elif f == "write":
        client["values"] = {req["value"]}
    elif f == "cas":
        if req["from"] not in vals:
            return "key %s: cas from %s ok, possible %s" % (req["key"], req["from"], vals)
        client["values"] = {req["to"]}
    return None

def main():
    args = parse_args()
    rng = random.Random(args.seed)
    net = Net(args)
    deadline = time.monotonic() + args.time_limit
    n = len(net.ids)
    for i, nid in enumerate(net.ids):            # init, once each, from c0..
        net.send("c%d" % i, nid, {"type": "init", "node_id": nid, "node_ids": net.ids, "msg_id": 1})
    init_deadline = time.monotonic() + 10
    while time.monotonic() < init_deadline and sum(len(net.inbox.get("c%d" % i, [])) for i in range(n)) < n:
        net.pump(0.05)
    for i, nid in enumerate(net.ids):
        got = net.inbox.get("c%d" % i, [])
        if not got or got[0].get("in_reply_to") != 1 or got[0]["type"] != "init_ok":
            net.problems.append("%s: no init_ok for init (got %s)" % (nid, got[:1]))
    clients = [{"id": "c%d" % (n + j), "node": net.ids[j % n], "key": j, "msg_id": 0,
                "sent": set(), "op": None, "values": {MISSING}, "idle_until": 0}
               for j in range(args.clients)]
    stats = {"ok": 0, "fail": 0, "info": 0, "late": 0}
    issued = 0
    while not net.problems and time.monotonic() < deadline:
        now = time.monotonic()
        for c in clients:
            if c["op"] is None and issued < args.ops and now >= c["idle_until"]:
                op = next_op(rng, args, c, issued)
                c["msg_id"] += 1
                op["body"]["msg_id"] = c["msg_id"]
                op["deadline"], c["op"] = now + args.timeout, op
                c["sent"].add(c["msg_id"])
                issued += 1
                node = net.ids[(issued + c["key"]) % n] if args.spread else c["node"]
                net.send(c["id"], node, op["body"])
            for body in net.inbox.pop(c["id"], []):
                irt = body.get("in_reply_to")
                if c["op"] is None or irt != c["op"]["body"]["msg_id"]:
                    if irt not in c["sent"]:
                        net.problems.append("%s got a reply to no request of its own: %s" % (c["id"], body))
                    stats["late"] += 1           # after its timeout: dropped, as Maelstrom does
                    continue
                problem = reply_problem(c["op"], body) or judge(c, c["op"], body, stats)
                if problem:
                    net.problems.append(problem)
                if body["type"] == "error" and body.get("code") == 11:
                    issued -= 1
                    c["idle_until"] = now + 0.05
                c["op"] = None
            if c["op"] is not None and now > c["op"]["deadline"]:
                judge(c, c["op"], None, stats)
                c["op"] = None
        if issued >= args.ops and all(c["op"] is None for c in clients):
            break
        net.pump(0.005)
    if not net.problems and (issued < args.ops or any(c["op"] is not None for c in clients)):
        net.problems.append("time limit: %d of %d ops issued" % (issued, args.ops))
    fs = ["echo"] if args.workload == "echo" else ["read", "write", "cas"]
    for f in fs:
        if not stats.get("ok_" + f):
            net.problems.append("no %s succeeded" % f)
    if args.workload == "echo" and stats["ok"] != args.ops:
        net.problems.append("%d of %d echoes came back" % (stats["ok"], args.ops))
    net.stop()
    summary = dict(stats, workload=args.workload, nodes=n, valid=not net.problems,
                   problems=net.problems[:10])
    print(json.dumps(summary))
    return 0 if not net.problems else 1

if __name__ == "__main__":
    sys.exit(main())
