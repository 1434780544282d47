/*  node.h -- the faultlab node library: write a Maelstrom-protocol node in C
    as a set of handlers per message type.

    Module nodes/ owns the systems under test: this library
    (build/libnode.a) and the node programs built on it (nodes/NAME.c
    and nodes/NAME/main.c become bin/node-NAME). The library owns a
    node's side of the wire protocol (DESIGN.md section 1), its event
    loop, timers, RPCs and skewable clock. It depends only on common/ (limits, clock, rng, exits),
    czmq and jansson: nodes never include the harness's headers (cli/,
    checker/) or the proxy's, since a node must behave like any Maelstrom
    binary and know nothing of the lab that tests it. The library does
    not exit(): node_new returns NULL and node_run an error, and the
    program's main chooses the status (exits.h).

    A node is one process with one DEALER socket connected to the proxy, its
    ZeroMQ routing id set to its node id, so the proxy knows who it is. Frames
    node->proxy are [dest][envelope-json]; proxy->node are [src][envelope-json]
    (DESIGN.md section 1). The src frame is authoritative: the library passes
    it to handlers and ignores the envelope's "src" field.

    With --stdio the node speaks Maelstrom's own transport instead: one
    envelope {"src","dest","body"} per line on stdin, one per line on
    stdout, no proxy. The envelope's "src" is the sender then, the node's
    id comes from init (no --id needed), logs stay on stderr, timers and
    RPCs work as with the proxy, and EOF on stdin stops the node (exit 0).
    So bin/node-raft --stdio runs under Maelstrom itself.

    The library owns the event loop (its own zmq_poll loop with an RPC
    timeout heap; see node.c for why not zloop): it handles init/init_ok for you,
    dispatches each message to the handler registered for its body's "type",
    routes replies to RPC callbacks by "in_reply_to", fires timers, and reads
    time through a skewable clock.

    A minimal node (bin/node-echo):

        static void
        s_echo (node_t *node, const char *src, json_t *body, void *arg)
        {
            json_t *reply = json_pack ("{s:s, s:O?}", "type", "echo_ok",
                                       "echo", json_object_get (body, "echo"));
            node_reply (node, src, body, reply);   // takes reply
        }

        int
        main (int argc, char **argv)
        {
            node_t *node = node_new (argc, argv);
            if (!node)
                return FL_EXIT_USAGE;                // exits.h
            node_on (node, "echo", s_echo, NULL);
            int rc = node_run (node);
            node_destroy (&node);
            return rc? FL_EXIT_SOFTWARE: FL_EXIT_OK;
        }

    Command line every node accepts (the harness passes these):
        --id ID          node id and ZeroMQ routing id (required; or $FAULTLAB_ID);
                         with --stdio optional, and init must then name it
        --connect EP     proxy net endpoint (required; or $FAULTLAB_CONNECT);
                         refused with --stdio
        --stdio          Maelstrom's transport: JSON lines on stdin/stdout
        --data DIR       directory for durable state (optional; or $FAULTLAB_DATA)
        --seed N         seed for this node's random stream (default 0)
        --param K=V      free-form parameters for the system (repeatable),
                         e.g. --param w=quorum; read with node_param ()
        --verbose        also print node_debug () lines
    Each option also takes the form --name=value. Unknown options, a missing
    --id or --connect (without --stdio), --connect with --stdio, and an
    endpoint ZeroMQ refuses are usage errors: node_new
    prints the problem naming it and returns NULL, and main returns
    FL_EXIT_USAGE (64).
    The random stream is drawn from (seed, id), so nodes given the same run
    seed still draw different election timeouts.

    Messages the library answers itself, for the harness:
        init          -> init_ok (after calling the init hook, if any)
        clock_skew    {"offset_ms": N} -> clock_skew_ok: node_now_ms and
                         node_wall_ms read N ms ahead from now on (absolute,
                         not cumulative; timers keep the real clock)
        role          -> role_ok {"role": node_role_get (), "term": ...} ; systems
                         with a leader call node_role_set so isolate-leader works
    A request of an unknown type gets error 10 (not-supported).

    Dispatch rules (docs/nodes.md has the long form):
    - A body with in_reply_to goes to the RPC waiting for that msg_id (exactly
      once). A reply no RPC waits for (late after its timeout, duplicated, or
      answering a node_send) goes to the handler of its type if one is
      registered, else is dropped (logged with --verbose). Replies never get
      error replies.
    - Messages that arrive before init are handled like any other (as
      Maelstrom's libraries do): node_id () is already known from --id, but
      node_count () is 0 until init, so a handler that needs the membership
      should answer error 11 until then. A repeated init is answered init_ok
      again without calling the init hook twice. With --stdio and no --id,
      node_id () is "" until init, and sends before it are refused (logged).
    - Malformed input (not JSON, no body object, wrong frame count) is logged
      and dropped; a request (with msg_id) whose body has no type gets
      error 12.
    - The built-in role and clock_skew handlers may be replaced with node_on.
    - Every callback runs from the loop, never re-entrantly from the call
      that scheduled it. At stop (SIGTERM/SIGINT/node_stop) node_run calls
      every waiting RPC callback with NULL before it returns, so callers can
      answer their clients; the socket lingers briefly so those replies go out.
*/
#ifndef FL_NODE_H_INCLUDED
#define FL_NODE_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include <jansson.h>

typedef struct _node_t node_t;

//  Maelstrom error codes (DESIGN.md section 2).
enum {
    NODE_ERR_TIMEOUT            = 0,    // indefinite
    NODE_ERR_NODE_NOT_FOUND     = 1,
    NODE_ERR_NOT_SUPPORTED      = 10,
    NODE_ERR_TEMPORARILY_UNAVAILABLE = 11,
    NODE_ERR_MALFORMED_REQUEST  = 12,
    NODE_ERR_CRASH              = 13,   // indefinite
    NODE_ERR_ABORT              = 14,
    NODE_ERR_KEY_DOES_NOT_EXIST = 20,
    NODE_ERR_KEY_ALREADY_EXISTS = 21,
    NODE_ERR_PRECONDITION_FAILED = 22,
    NODE_ERR_TXN_CONFLICT       = 30
};

//  A handler for one message type. body is borrowed (valid during the call;
//  json_incref it to keep it). src is the sender's id, from the proxy.
typedef void (node_handler_fn) (node_t *node, const char *src, json_t *body, void *arg);

//  Called once when init arrives, after node_id () and node_ids () are set,
//  before init_ok is sent. Set up state that needs the cluster membership.
typedef void (node_init_fn) (node_t *node, void *arg);

//  An RPC's outcome: reply is the reply body (borrowed), or NULL when the
//  timeout fired first. Called exactly once per node_rpc.
typedef void (node_rpc_fn) (node_t *node, json_t *reply, void *arg);

//  A timer callback.
typedef void (node_timer_fn) (node_t *node, void *arg);

//  Parse the command line (see above) and connect to the proxy. Returns NULL
//  after printing a usage error to stderr naming what was wrong.
node_t *node_new (int argc, char **argv);

//  Destroy the node, closing its socket. Accepts NULL; nulls the pointer.
void node_destroy (node_t **self_p);

//  Register a handler for a body type. One handler per type; a second call
//  for the same type replaces the first.
void node_on (node_t *self, const char *type, node_handler_fn *fn, void *arg);

//  Register the init hook.
void node_on_init (node_t *self, node_init_fn *fn, void *arg);

//  Run the event loop until SIGTERM/SIGINT or node_stop. Returns 0 on a
//  clean stop, non-zero on a fatal error (logged).
int node_run (node_t *self);

//  Ask the loop to return after the current event.
void node_stop (node_t *self);

//  Handle one line as --stdio reads it from stdin (LEN bytes, no newline
//  needed): the envelope {"src","dest","body"} is parsed and dispatched,
//  anything malformed logged and dropped. For tests and the fuzzer
//  (fuzz/envelope.c), which feed a --stdio node without a loop; replies
//  go to stdout as in the loop.
void node_handle_line (node_t *self, const char *line, size_t len);

//  This node's id ("n1"; "" before init with --stdio and no --id); the
//  cluster ("n1".."n5") once init arrived, else NULL / 0. Borrowed strings.
const char *node_id (node_t *self);
size_t node_count (node_t *self);
const char *node_ids (node_t *self, size_t index);

//  A --param value by key, or NULL. Borrowed.
const char *node_param (node_t *self, const char *key);

//  The bug switched on by --param bug=NAME (docs/bugs.md): its index in
//  BUGS (the system's bug names, NULL-terminated), -1 when no bug is asked
//  for, or -2 when NAME is not one of BUGS, said on stderr naming it and
//  listing SYSTEM's bugs (the caller exits 64).
int node_bug (node_t *self, const char *system, const char *const *bugs);

//  Data directory (--data), or NULL when none was given. Borrowed.
const char *node_data_dir (node_t *self);

//  This node's random stream, seeded from (--seed, id).
uint64_t node_random (node_t *self);
double node_random_double (node_t *self);

//  Time as this node sees it: monotonic ms plus the injected skew. Use this,
//  never the system clock, so the harness can skew a node's clock.
int64_t node_now_ms (node_t *self);
//  Wall-clock ms since the epoch plus the skew (for hybrid logical clocks).
int64_t node_wall_ms (node_t *self);
//  The skew in force, as set by the last clock_skew message (0 at start).
int64_t node_skew_ms (node_t *self);

//  How long the loop may wait at now_ms when the next RPC or timer
//  deadline is next_ms (-1: none): the time to it, 0 when it is due, and
//  never more than FL_NODE_POLL_MS_MAX, so that a signal that lands just
//  before the poll is seen soon. Pure: the loop passes the clock in.
long node_poll_ms (int64_t next_ms, int64_t now_ms);

//  Send body to dest as a new message. Takes ownership of body. Assigns a
//  msg_id if body has none. Returns 0, or -1 if the send failed.
int node_send (node_t *self, const char *dest, json_t *body);

//  Reply to a request: sets in_reply_to from request's msg_id. Takes reply.
int node_reply (node_t *self, const char *dest, json_t *request, json_t *reply);

//  Reply with a Maelstrom error body {type:error, code, text}.
int node_reply_error (node_t *self, const char *dest, json_t *request,
                      int code, const char *text);

//  Send body to dest and call fn with the reply, or with NULL after
//  timeout_ms. Takes body; always sets a fresh msg_id in it (overwriting one
//  that is there). Returns 0, or -1 if the send failed or
//  FL_RPC_INFLIGHT_MAX are in flight (fn is then still called, with NULL,
//  from the loop — never from inside node_rpc). fn is called exactly once.
int node_rpc (node_t *self, const char *dest, json_t *body, int timeout_ms,
              node_rpc_fn *fn, void *arg);

//  Timers. Returns a timer id > 0, or -1 when FL_TIMERS_MAX are live.
//  node_every repeats every interval_ms; node_after fires once.
int node_every (node_t *self, int interval_ms, node_timer_fn *fn, void *arg);
int node_after (node_t *self, int delay_ms, node_timer_fn *fn, void *arg);
void node_timer_cancel (node_t *self, int timer_id);

//  The role reported to the harness ("leader", "follower", "candidate",
//  "primary", "backup"...) and the term/epoch it holds in. Default "none".
void node_role_set (node_t *self, const char *role, int64_t term);
const char *node_role_get (node_t *self);

//  Log to stderr with the node id and time: "n1 12.345 message".
void node_log (node_t *self, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));
//  The same, printed only with --verbose.
void node_debug (node_t *self, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

#endif
