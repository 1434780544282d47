/*  node.c -- the faultlab node library: one DEALER socket, one event loop,
    handlers per message type, RPCs with timeouts, timers. See node.h.

    The loop is our own zmq_poll loop rather than a zloop, for two reasons:
    zloop scans every timer on every turn (a node may hold tens of thousands
    of RPC timeouts), and zloop stops on any interrupted poll. Here:

    - RPCs live in a table of FL_RPC_INFLIGHT_MAX slots indexed by
      msg_id % FL_RPC_INFLIGHT_MAX. msg_ids only grow, so a slot is taken only
      by an RPC 65536 ids older still waiting; then the new RPC fails (its
      callback runs with NULL from the loop). Timeouts are an indexed min-heap
      of slots ordered by (deadline, msg_id): a reply removes its entry in
      O(log n), so the heap never holds more than the RPCs in flight.
    - Timers are FL_TIMERS_MAX slots scanned linearly (a few hundred at most),
      fired in (deadline, id) order so a run replays the same way.
    - Every callback runs from the loop, never from inside the call that
      scheduled it; a slot is freed before its callback runs, so the callback
      may schedule again.
    - One loop turn handles at most FL_NODE_EVENTS_BATCH messages and as many
      expiries, so a flood on the socket cannot starve timers or vice versa.

    Invariants: rpc slot i is free iff rpcs [i].msg_id == 0; a busy slot is in
    the heap at heap [rpcs [i].heap_pos]; msg_id_last only grows.

    The only global is the signal flag: SIGTERM/SIGINT end node_run, which
    then answers every outstanding RPC callback with NULL (so a backup can
    still tell its client "timeout") and returns; the socket lingers
    FL_NODE_LINGER_MS so those last replies leave the process.
*/
#include <czmq.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include "hash.h"
#include "limits.h"
#include "clock.h"
#include "rng.h"
#include "linebuf.h"
#include "node.h"


typedef struct {
    int64_t msg_id;             //  0 when the slot is free
    int64_t deadline_ms;        //  loop clock (monotonic, unskewed)
    size_t heap_pos;
    node_rpc_fn *fn;
    void *arg;
} s_rpc_t;

typedef struct {
    int id;                     //  0 when the slot is free
    int interval_ms;            //  0 for a one-shot timer
    int64_t deadline_ms;
    node_timer_fn *fn;
    void *arg;
} s_timer_t;

typedef struct {
    char *type;
    node_handler_fn *fn;
    void *arg;
} s_handler_t;

typedef struct {
    node_rpc_fn *fn;
    void *arg;
} s_failed_t;

struct _node_t {
    char id [FL_ID_BYTES_MAX + 1];
    char *connect;
    char *data_dir;
    zhash_t *params;
    bool verbose;
    uint64_t seed;
    rng_t rng;
    zsock_t *sock;
    void *handle;               //  the libzmq socket under sock
    //  --stdio: Maelstrom's transport, JSON lines on stdin and stdout
    bool stdio;
    bool id_from_init;          //  no --id: init names this node
    linebuf_t in;               //  lines read from stdin
    //  Membership, set by init
    bool initialized;
    char **ids;
    size_t ids_count;
    node_init_fn *init_fn;
    void *init_arg;
    s_handler_t handlers [FL_HANDLERS_MAX];
    size_t handlers_count;
    //  RPCs in flight and their timeout heap
    s_rpc_t *rpcs;
    size_t *heap;
    size_t heap_size;
    zlist_t *failed;            //  s_failed_t: NULL callbacks owed
    bool closing;               //  node_run is answering RPCs at stop
    s_timer_t timers [FL_TIMERS_MAX];
    int timer_id_last;
    int64_t msg_id_last;
    int64_t skew_ms;
    int64_t start_ms;
    char role [FL_NODE_ROLE_BYTES_MAX + 1];
    int64_t term;
    bool stopping;
};

static volatile sig_atomic_t s_interrupted = 0;

static void
s_signal (int signum)
{
    (void) signum;
    s_interrupted = 1;
}

static void s_on_role (node_t *self, const char *src, json_t *body, void *arg);
static void s_on_clock_skew (node_t *self, const char *src, json_t *body, void *arg);


//  --------------------------------------------------------------------------
//  Command line

static void
s_usage (const char *problem, const char *subject)
{
    fprintf (stderr, "node: %s '%s'\n", problem, subject);
    fprintf (stderr, "usage: node-NAME --id ID --connect ENDPOINT [--data DIR] "
             "[--seed N] [--param K=V]... [--verbose]\n"
             "       node-NAME --stdio [--id ID] [--data DIR] [--seed N] [--param K=V]..."
             " [--verbose]\n");
}

//  Apply one option. Returns 0, or -1 after printing the problem.
static int
s_apply_option (node_t *self, const char *name, const char *value)
{
    if (streq (name, "id")) {
        if (!*value || strlen (value) > FL_ID_BYTES_MAX) {
            s_usage ("invalid --id (1 to 32 bytes)", value);
            return -1;
        }
        strcpy (self->id, value);
    }
    else
    if (streq (name, "connect")) {
        free (self->connect);
        self->connect = strdup (value);
    }
    else
    if (streq (name, "data")) {
        free (self->data_dir);
        self->data_dir = strdup (value);
    }
    else
    if (streq (name, "seed")) {
        char *end;
        errno = 0;
        self->seed = strtoull (value, &end, 10);
        //  Digits only: strtoull alone takes " 5", "+5" and "-1" (as 2^64 - 1).
        if (!*value || *end || errno || strspn (value, "0123456789") != strlen (value)) {
            s_usage ("invalid --seed", value);
            return -1;
        }
    }
    else {
        assert (streq (name, "param"));
        const char *eq = strchr (value, '=');
        if (!eq || eq == value) {
            s_usage ("invalid --param (want K=V)", value);
            return -1;
        }
        if (zhash_size (self->params) >= FL_NODE_PARAMS_MAX) {
            char problem [64];
            snprintf (problem, sizeof problem, "more than FL_NODE_PARAMS_MAX (%d) --param",
                      FL_NODE_PARAMS_MAX);
            s_usage (problem, value);
            return -1;
        }
        char key [64];
        snprintf (key, sizeof key, "%.*s", (int) (eq - value), value);
        zhash_update (self->params, key, (void *) (eq + 1));
    }
    return 0;
}

//  Parse "--name value" and "--name=value". Returns 0 or -1 (printed).
static int
s_parse_args (node_t *self, int argc, char **argv)
{
    for (int index = 1; index < argc; index++) {
        const char *arg = argv [index];
        if (strncmp (arg, "--", 2) != 0) {
            s_usage ("unexpected argument", arg);
            return -1;
        }
        char name [32];
        const char *eq = strchr (arg, '=');
        size_t name_len = eq? (size_t) (eq - arg - 2): strlen (arg + 2);
        snprintf (name, sizeof name, "%.*s", (int) name_len, arg + 2);
        if (streq (name, "verbose") && !eq) {
            self->verbose = true;
            continue;
        }
        if (streq (name, "stdio") && !eq) {
            self->stdio = true;
            continue;
        }
        if (!streq (name, "id") && !streq (name, "connect") && !streq (name, "data")
        &&  !streq (name, "seed") && !streq (name, "param")) {
            s_usage ("unknown option", arg);
            return -1;
        }
        const char *value = eq? eq + 1: NULL;
        if (!value) {
            if (index + 1 >= argc) {
                s_usage ("option needs a value", arg);
                return -1;
            }
            value = argv [++index];
        }
        if (s_apply_option (self, name, value))
            return -1;
    }
    return 0;
}

//  Fill what the command line left out from the environment, then check
//  that the required options are there.
static int
s_args_finish (node_t *self)
{
    if (self->stdio) {
        //  Maelstrom's way: no proxy, and the id comes with init.
        if (self->connect) {
            s_usage ("--stdio speaks on stdin/stdout: it takes no", "--connect");
            return -1;
        }
        if (!self->data_dir && getenv ("FAULTLAB_DATA"))
            self->data_dir = strdup (getenv ("FAULTLAB_DATA"));
        self->id_from_init = !*self->id;
        return 0;
    }
    if (!*self->id && getenv ("FAULTLAB_ID")
    &&  s_apply_option (self, "id", getenv ("FAULTLAB_ID")))
        return -1;
    if (!self->connect && getenv ("FAULTLAB_CONNECT"))
        self->connect = strdup (getenv ("FAULTLAB_CONNECT"));
    if (!self->data_dir && getenv ("FAULTLAB_DATA"))
        self->data_dir = strdup (getenv ("FAULTLAB_DATA"));
    if (!*self->id) {
        s_usage ("missing required option", "--id");
        return -1;
    }
    if (!self->connect || !*self->connect) {
        s_usage ("missing required option", "--connect");
        return -1;
    }
    return 0;
}


//  --------------------------------------------------------------------------
//  Lifecycle

static uint64_t
s_hash_id (const char *id)
{
    return hash_fnv1a64 (id, strlen (id), HASH_FNV1A64_BASIS);
}

static int
s_connect (node_t *self)
{
    zsys_handler_set (NULL);            //  node_run installs its own
    zsys_set_logstream (stderr);
    if (self->stdio) {
        //  A reader that went away is an EPIPE to handle, not a signal.
        signal (SIGPIPE, SIG_IGN);
        linebuf_init (&self->in, FL_MSG_BYTES_MAX);
        return 0;
    }
    self->sock = zsock_new (ZMQ_DEALER);
    if (!self->sock) {
        fprintf (stderr, "node: cannot create a socket: %s\n", zmq_strerror (zmq_errno ()));
        return -1;
    }
    zsock_set_identity (self->sock, self->id);
    zsock_set_sndhwm (self->sock, FL_SOCKET_HWM);
    zsock_set_rcvhwm (self->sock, FL_SOCKET_HWM);
    zsock_set_linger (self->sock, FL_NODE_LINGER_MS);
    if (zsock_connect (self->sock, "%s", self->connect)) {
        s_usage ("cannot connect to", self->connect);
        return -1;
    }
    self->handle = zsock_resolve (self->sock);
    return 0;
}

node_t *
node_new (int argc, char **argv)
{
    node_t *self = (node_t *) zmalloc (sizeof (node_t));
    assert (self);
    self->params = zhash_new ();
    zhash_autofree (self->params);
    self->rpcs = (s_rpc_t *) calloc (FL_RPC_INFLIGHT_MAX, sizeof (s_rpc_t));
    self->heap = (size_t *) calloc (FL_RPC_INFLIGHT_MAX, sizeof (size_t));
    self->failed = zlist_new ();
    assert (self->rpcs && self->heap && self->failed);
    strcpy (self->role, "none");
    self->start_ms = clock_mono_ms ();
    if (s_parse_args (self, argc, argv) || s_args_finish (self)
    ||  s_connect (self)) {
        node_destroy (&self);
        return NULL;
    }
    rng_init_stream (&self->rng, self->seed, s_hash_id (self->id));
    if (self->stdio)
        node_log (self, "speaking Maelstrom's protocol on stdin/stdout, seed %llu, pid %d",
                  (unsigned long long) self->seed, (int) getpid ());
    else
        node_log (self, "connecting to '%s', seed %llu, pid %d", self->connect,
                  (unsigned long long) self->seed, (int) getpid ());
    node_on (self, "role", s_on_role, NULL);
    node_on (self, "clock_skew", s_on_clock_skew, NULL);
    return self;
}

void
node_destroy (node_t **self_p)
{
    assert (self_p);
    node_t *self = *self_p;
    if (!self)
        return;
    zsock_destroy (&self->sock);
    if (self->stdio)
        linebuf_release (&self->in);
    for (size_t index = 0; index < self->ids_count; index++)
        free (self->ids [index]);
    free (self->ids);
    for (size_t index = 0; index < self->handlers_count; index++)
        free (self->handlers [index].type);
    while (zlist_size (self->failed))
        free (zlist_pop (self->failed));
    zlist_destroy (&self->failed);
    free (self->rpcs);
    free (self->heap);
    zhash_destroy (&self->params);
    free (self->connect);
    free (self->data_dir);
    free (self);
    *self_p = NULL;
}


//  --------------------------------------------------------------------------
//  Simple accessors

void
node_on (node_t *self, const char *type, node_handler_fn *fn, void *arg)
{
    assert (self && type && fn);
    for (size_t index = 0; index < self->handlers_count; index++)
        if (streq (self->handlers [index].type, type)) {
            self->handlers [index].fn = fn;
            self->handlers [index].arg = arg;
            return;
        }
    assert (self->handlers_count < FL_HANDLERS_MAX);
    s_handler_t *handler = &self->handlers [self->handlers_count++];
    handler->type = strdup (type);
    handler->fn = fn;
    handler->arg = arg;
}

void
node_on_init (node_t *self, node_init_fn *fn, void *arg)
{
    assert (self);
    self->init_fn = fn;
    self->init_arg = arg;
}

void
node_stop (node_t *self)
{
    assert (self);
    self->stopping = true;
}

const char *
node_id (node_t *self)
{
    assert (self);
    return self->id;
}

size_t
node_count (node_t *self)
{
    assert (self);
    return self->ids_count;
}

const char *
node_ids (node_t *self, size_t index)
{
    assert (self);
    return index < self->ids_count? self->ids [index]: NULL;
}

const char *
node_param (node_t *self, const char *key)
{
    assert (self && key);
    return (const char *) zhash_lookup (self->params, key);
}

int
node_bug (node_t *self, const char *system, const char *const *bugs)
{
    assert (self && system && bugs);
    const char *name = node_param (self, "bug");
    if (!name)
        return -1;
    char list [512] = "";
    size_t used = 0;
    for (int i = 0; bugs [i]; i++) {
        if (streq (bugs [i], name)) {
            fprintf (stderr, "node-%s: bug '%s' switched on (--param bug)\n", system, name);
            return i;
        }
        int wrote = snprintf (list + used, sizeof list - used, "%s%s", i? ", ": "", bugs [i]);
        if (wrote > 0 && (size_t) wrote < sizeof list - used)
            used += (size_t) wrote;
    }
    fprintf (stderr, "node-%s: --param bug=%s: no such bug (%s's bugs: %s)\n", system, name,
             system, *list? list: "none");
    return -2;
}

const char *
node_data_dir (node_t *self)
{
    assert (self);
    return self->data_dir;
}

uint64_t
node_random (node_t *self)
{
    assert (self);
    return rng_next (&self->rng);
}

double
node_random_double (node_t *self)
{
    assert (self);
    return rng_double (&self->rng);
}

int64_t
node_now_ms (node_t *self)
{
    assert (self);
    return clock_mono_ms () + self->skew_ms;
}

int64_t
node_wall_ms (node_t *self)
{
    assert (self);
    return clock_wall_ms () + self->skew_ms;
}

int64_t
node_skew_ms (node_t *self)
{
    assert (self);
    return self->skew_ms;
}

void
node_role_set (node_t *self, const char *role, int64_t term)
{
    assert (self && role);
    assert (strlen (role) <= FL_NODE_ROLE_BYTES_MAX);      //  a name, not data
    snprintf (self->role, sizeof self->role, "%s", role);
    self->term = term;
}

const char *
node_role_get (node_t *self)
{
    assert (self);
    return self->role;
}

static void
s_vlog (node_t *self, const char *format, va_list args)
{
    int64_t elapsed_ms = clock_mono_ms () - self->start_ms;
    char line [1024];
    vsnprintf (line, sizeof line, format, args);
    fprintf (stderr, "%s %lld.%03lld %s\n", *self->id? self->id: "node",
             (long long) (elapsed_ms / 1000), (long long) (elapsed_ms % 1000), line);
}

void
node_log (node_t *self, const char *format, ...)
{
    assert (self && format);
    va_list args;
    va_start (args, format);
    s_vlog (self, format, args);
    va_end (args);
}

void
node_debug (node_t *self, const char *format, ...)
{
    assert (self && format);
    if (!self->verbose)
        return;
    va_list args;
    va_start (args, format);
    s_vlog (self, format, args);
    va_end (args);
}


//  --------------------------------------------------------------------------
//  Sending

//  --stdio: one line on stdout, written whole (a partial write is
//  continued). Blocks while the pipe is full: Maelstrom reads every
//  node's stdout all the time. A closed stdout stops the node.
static int
s_write_line (node_t *self, const char *text, size_t size)
{
    char *line = (char *) malloc (size + 1);
    assert (line);
    memcpy (line, text, size);
    line [size] = '\n';
    size_t done = 0;
    while (done < size + 1) {
        ssize_t put = write (STDOUT_FILENO, line + done, size + 1 - done);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0) {
            node_log (self, "cannot write to stdout (%s): stopping", strerror (errno));
            self->stopping = true;
            break;
        }
        done += (size_t) put;
    }
    free (line);
    return done == size + 1? 0: -1;
}

//  Frames [dest][{"src","dest","body"}], or one line with --stdio. Never
//  blocks on the socket: with a full queue the message is refused (logged)
//  rather than stalling the loop.
static int
s_send_envelope (node_t *self, const char *dest, json_t *body)
{
    size_t dest_len = strlen (dest);
    if (dest_len == 0 || dest_len > FL_ID_BYTES_MAX) {
        node_log (self, "cannot send to '%s': not a valid id", dest);
        return -1;
    }
    if (!*self->id) {
        node_log (self, "cannot send to '%s' before init: with --stdio and no --id, "
                  "init names this node", dest);
        return -1;
    }
    json_t *envelope = json_pack ("{s:s, s:s, s:O}",
                                  "src", self->id, "dest", dest, "body", body);
    char *text = envelope? json_dumps (envelope, JSON_COMPACT): NULL;
    json_decref (envelope);
    if (!text) {
        node_log (self, "cannot encode a message to '%s'", dest);
        return -1;
    }
    size_t size = strlen (text);
    int rc = -1;
    if (size > FL_MSG_BYTES_MAX)
        node_log (self, "cannot send to '%s': %zu bytes is over the limit", dest, size);
    else
    if (self->stdio)
        rc = s_write_line (self, text, size);
    else
    if (zmq_send (self->handle, dest, dest_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1
    ||  zmq_send (self->handle, text, size, ZMQ_DONTWAIT) == -1)
        node_log (self, "cannot send to '%s': %s", dest, zmq_strerror (zmq_errno ()));
    else
        rc = 0;
    free (text);
    return rc;
}

int
node_send (node_t *self, const char *dest, json_t *body)
{
    assert (self && dest);
    assert (json_is_object (body));
    if (!json_object_get (body, "msg_id"))
        json_object_set_new (body, "msg_id", json_integer (++self->msg_id_last));
    int rc = s_send_envelope (self, dest, body);
    json_decref (body);
    return rc;
}

int
node_reply (node_t *self, const char *dest, json_t *request, json_t *reply)
{
    assert (self && dest && request);
    assert (json_is_object (reply));
    json_t *msg_id = json_object_get (request, "msg_id");
    if (msg_id && !json_is_integer (msg_id)) {
        //  Maelstrom's msg_id is an integer; a reply to 3.5 or "x" would
        //  match nothing the sender waits for. Said, not silent.
        char *text = json_dumps (msg_id, JSON_ENCODE_ANY | JSON_COMPACT);
        node_log (self, "no reply to '%s': msg_id %.40s is not an integer", dest,
                  text? text: "?");
        free (text);
        json_decref (reply);
        return -1;
    }
    if (!msg_id) {
        node_debug (self, "no reply to '%s': the request has no msg_id", dest);
        json_decref (reply);
        return -1;
    }
    json_object_set (reply, "in_reply_to", msg_id);
    return node_send (self, dest, reply);
}

int
node_reply_error (node_t *self, const char *dest, json_t *request,
                  int code, const char *text)
{
    assert (self && text);
    json_t *reply = json_pack ("{s:s, s:i, s:s}", "type", "error",
                               "code", code, "text", text);
    return node_reply (self, dest, request, reply);
}


//  --------------------------------------------------------------------------
//  RPC table and its timeout heap

static bool
s_heap_less (node_t *self, size_t a, size_t b)
{
    s_rpc_t *x = &self->rpcs [self->heap [a]];
    s_rpc_t *y = &self->rpcs [self->heap [b]];
    return x->deadline_ms < y->deadline_ms
       || (x->deadline_ms == y->deadline_ms && x->msg_id < y->msg_id);
}

static void
s_heap_swap (node_t *self, size_t a, size_t b)
{
    size_t slot = self->heap [a];
    self->heap [a] = self->heap [b];
    self->heap [b] = slot;
    self->rpcs [self->heap [a]].heap_pos = a;
    self->rpcs [self->heap [b]].heap_pos = b;
}

static void
s_heap_up (node_t *self, size_t pos)
{
    while (pos > 0 && s_heap_less (self, pos, (pos - 1) / 2)) {
        s_heap_swap (self, pos, (pos - 1) / 2);
        pos = (pos - 1) / 2;
    }
}

static void
s_heap_down (node_t *self, size_t pos)
{
    while (true) {
        size_t least = pos;
        size_t left = 2 * pos + 1, right = 2 * pos + 2;
        if (left < self->heap_size && s_heap_less (self, left, least))
            least = left;
        if (right < self->heap_size && s_heap_less (self, right, least))
            least = right;
        if (least == pos)
            return;
        s_heap_swap (self, pos, least);
        pos = least;
    }
}

//  Free a busy slot and take it out of the heap.
static void
s_rpc_release (node_t *self, size_t slot)
{
    s_rpc_t *rpc = &self->rpcs [slot];
    assert (rpc->msg_id);
    size_t pos = rpc->heap_pos;
    assert (pos < self->heap_size && self->heap [pos] == slot);
    self->heap_size--;
    if (pos != self->heap_size) {
        s_heap_swap (self, pos, self->heap_size);
        s_heap_up (self, pos);
        s_heap_down (self, pos);
    }
    rpc->msg_id = 0;
}

//  Owe fn a NULL call from the loop.
static void
s_rpc_fail_later (node_t *self, node_rpc_fn *fn, void *arg)
{
    s_failed_t *failed = (s_failed_t *) malloc (sizeof (s_failed_t));
    assert (failed);
    failed->fn = fn;
    failed->arg = arg;
    zlist_append (self->failed, failed);
}

int
node_rpc (node_t *self, const char *dest, json_t *body, int timeout_ms,
          node_rpc_fn *fn, void *arg)
{
    assert (self && dest && fn);
    assert (json_is_object (body));
    assert (timeout_ms >= 0);
    int64_t msg_id = ++self->msg_id_last;
    size_t slot = (size_t) (msg_id % FL_RPC_INFLIGHT_MAX);
    if (self->closing || self->rpcs [slot].msg_id) {
        if (self->closing)
            node_log (self, "rpc to '%s' refused: node is stopping", dest);
        else
            node_log (self, "rpc to '%s' refused: the rpc FL_RPC_INFLIGHT_MAX (%d) ids "
                      "older still waits", dest, FL_RPC_INFLIGHT_MAX);
        json_decref (body);
        s_rpc_fail_later (self, fn, arg);
        return -1;
    }
    json_object_set_new (body, "msg_id", json_integer (msg_id));
    s_rpc_t *rpc = &self->rpcs [slot];
    rpc->msg_id = msg_id;
    rpc->deadline_ms = clock_mono_ms () + timeout_ms;
    rpc->fn = fn;
    rpc->arg = arg;
    rpc->heap_pos = self->heap_size;
    self->heap [self->heap_size++] = slot;
    s_heap_up (self, rpc->heap_pos);
    int rc = s_send_envelope (self, dest, body);
    json_decref (body);
    if (rc) {                           //  time it out on the next loop turn
        rpc->deadline_ms = 0;
        s_heap_up (self, rpc->heap_pos);
    }
    return rc;
}

//  Hand a reply to the RPC waiting for it. Returns false if none waits
//  (a late reply after the timeout, a duplicate, or a reply to node_send).
static bool
s_rpc_complete (node_t *self, int64_t in_reply_to, json_t *body)
{
    if (in_reply_to <= 0)
        return false;
    size_t slot = (size_t) (in_reply_to % FL_RPC_INFLIGHT_MAX);
    s_rpc_t *rpc = &self->rpcs [slot];
    if (rpc->msg_id != in_reply_to)
        return false;
    node_rpc_fn *fn = rpc->fn;
    void *arg = rpc->arg;
    s_rpc_release (self, slot);
    fn (self, body, arg);
    return true;
}

//  Time out due RPCs, or every RPC when all is true (at stop).
static void
s_rpc_expire (node_t *self, int64_t now, bool all)
{
    for (int count = 0; count < FL_NODE_EVENTS_BATCH || all; count++) {
        if (self->heap_size == 0)
            return;
        size_t slot = self->heap [0];
        s_rpc_t *rpc = &self->rpcs [slot];
        if (!all && rpc->deadline_ms > now)
            return;
        node_rpc_fn *fn = rpc->fn;
        void *arg = rpc->arg;
        node_debug (self, "rpc %lld timed out", (long long) rpc->msg_id);
        s_rpc_release (self, slot);
        fn (self, NULL, arg);
    }
}

//  Pay the NULL calls owed when the loop turn began (not those added now).
static void
s_rpc_failed_drain (node_t *self)
{
    size_t count = zlist_size (self->failed);
    while (count--) {
        s_failed_t *failed = (s_failed_t *) zlist_pop (self->failed);
        node_rpc_fn *fn = failed->fn;
        void *arg = failed->arg;
        free (failed);
        fn (self, NULL, arg);
    }
}


//  --------------------------------------------------------------------------
//  Timers

static int
s_timer_add (node_t *self, int delay_ms, int interval_ms, node_timer_fn *fn, void *arg)
{
    assert (self && fn);
    assert (delay_ms >= 0 && interval_ms >= 0);
    s_timer_t *timer = NULL;
    for (size_t index = 0; index < FL_TIMERS_MAX && !timer; index++)
        if (self->timers [index].id == 0)
            timer = &self->timers [index];
    if (!timer) {
        node_log (self, "cannot add a timer: FL_TIMERS_MAX (%d) are live", FL_TIMERS_MAX);
        return -1;
    }
    //  Ids grow; after INT_MAX they restart at 1 (a live id is never reused
    //  in practice: at most FL_TIMERS_MAX of 2^31 are live).
    self->timer_id_last = self->timer_id_last == INT_MAX? 1: self->timer_id_last + 1;
    timer->id = self->timer_id_last;
    timer->interval_ms = interval_ms;
    timer->deadline_ms = clock_mono_ms () + delay_ms;
    timer->fn = fn;
    timer->arg = arg;
    return timer->id;
}

int
node_every (node_t *self, int interval_ms, node_timer_fn *fn, void *arg)
{
    assert (interval_ms > 0);
    return s_timer_add (self, interval_ms, interval_ms, fn, arg);
}

int
node_after (node_t *self, int delay_ms, node_timer_fn *fn, void *arg)
{
    return s_timer_add (self, delay_ms, 0, fn, arg);
}

void
node_timer_cancel (node_t *self, int timer_id)
{
    assert (self);
    if (timer_id <= 0)
        return;
    for (size_t index = 0; index < FL_TIMERS_MAX; index++)
        if (self->timers [index].id == timer_id)
            self->timers [index].id = 0;
}

//  The live timer with the earliest (deadline, id), or NULL.
static s_timer_t *
s_timer_first (node_t *self)
{
    s_timer_t *first = NULL;
    for (size_t index = 0; index < FL_TIMERS_MAX; index++) {
        s_timer_t *timer = &self->timers [index];
        if (timer->id && (!first || timer->deadline_ms < first->deadline_ms
                      || (timer->deadline_ms == first->deadline_ms && timer->id < first->id)))
            first = timer;
    }
    return first;
}

static void
s_timer_fire (node_t *self, int64_t now)
{
    for (int count = 0; count < FL_NODE_EVENTS_BATCH && !self->stopping; count++) {
        s_timer_t *timer = s_timer_first (self);
        if (!timer || timer->deadline_ms > now)
            return;
        node_timer_fn *fn = timer->fn;
        void *arg = timer->arg;
        if (timer->interval_ms) {
            //  Keep the period without drift; after a stall, skip missed ticks
            timer->deadline_ms += timer->interval_ms;
            if (timer->deadline_ms <= now)
                timer->deadline_ms = now + timer->interval_ms;
        }
        else
            timer->id = 0;
        fn (self, arg);
    }
}


//  --------------------------------------------------------------------------
//  Built-in handlers

static void
s_on_role (node_t *self, const char *src, json_t *body, void *arg)
{
    (void) arg;
    node_reply (self, src, body, json_pack ("{s:s, s:s, s:I}", "type", "role_ok",
                "role", self->role, "term", (json_int_t) self->term));
}

static void
s_on_clock_skew (node_t *self, const char *src, json_t *body, void *arg)
{
    (void) arg;
    json_t *offset = json_object_get (body, "offset_ms");
    if (!json_is_number (offset)) {
        node_reply_error (self, src, body, NODE_ERR_MALFORMED_REQUEST,
                          "clock_skew needs a number offset_ms");
        return;
    }
    //  A double past int64's range has no defined conversion (1e300 gave
    //  INT64_MIN); a year either way is more than any scenario asks.
    double value = json_number_value (offset);
    if (!(value >= -FL_FAKETIME_OFFSET_MS_MAX && value <= FL_FAKETIME_OFFSET_MS_MAX)) {
        char text [160];
        snprintf (text, sizeof text, "clock_skew offset_ms %g is past"
                  " FL_FAKETIME_OFFSET_MS_MAX (%lld ms) either way", value,
                  (long long) FL_FAKETIME_OFFSET_MS_MAX);
        node_reply_error (self, src, body, NODE_ERR_MALFORMED_REQUEST, text);
        return;
    }
    //  Absolute, not cumulative: a duplicated clock_skew changes nothing
    self->skew_ms = (int64_t) json_number_value (offset);
    node_log (self, "clock skewed by %lld ms", (long long) self->skew_ms);
    node_reply (self, src, body, json_pack ("{s:s, s:I}", "type", "clock_skew_ok",
                "offset_ms", (json_int_t) self->skew_ms));
}

//  Checks init's fields. Returns NULL or the problem.
static const char *
s_init_problem (node_t *self, json_t *body)
{
    const char *node_id = json_string_value (json_object_get (body, "node_id"));
    json_t *ids = json_object_get (body, "node_ids");
    if (!node_id || !json_is_array (ids))
        return "init needs a string node_id and an array node_ids";
    if (!*node_id || strlen (node_id) > FL_ID_BYTES_MAX)
        return "init's node_id must be an id of 1 to 32 bytes";
    if (json_array_size (ids) > FL_NODES_MAX)
        return "init has more node_ids than FL_NODES_MAX";
    for (size_t index = 0; index < json_array_size (ids); index++) {
        const char *id = json_string_value (json_array_get (ids, index));
        if (!id || !*id || strlen (id) > FL_ID_BYTES_MAX)
            return "init node_ids must be ids of 1 to 32 bytes";
    }
    if (self->id_from_init && !*self->id)
        return NULL;                    //  s_on_init takes node_id
    if (!streq (node_id, self->id))
        return self->id_from_init? "init names another node_id than the first init did"
                                 : "init names another node_id than this node's --id";
    return NULL;
}

//  init: set the membership once, call the hook, answer init_ok. A repeated
//  init (the harness re-sends until answered; the proxy may duplicate) is
//  answered again without calling the hook twice.
static void
s_on_init (node_t *self, const char *src, json_t *body)
{
    const char *problem = s_init_problem (self, body);
    if (problem) {
        node_log (self, "bad init from '%s': %s", src, problem);
        node_reply_error (self, src, body, NODE_ERR_MALFORMED_REQUEST, problem);
        return;
    }
    if (!*self->id) {
        //  --stdio without --id: this node is who init says, and its random
        //  stream is drawn from (seed, id) as with --id.
        strcpy (self->id, json_string_value (json_object_get (body, "node_id")));
        rng_init_stream (&self->rng, self->seed, s_hash_id (self->id));
    }
    if (!self->initialized) {
        json_t *ids = json_object_get (body, "node_ids");
        self->ids_count = json_array_size (ids);
        self->ids = (char **) calloc (self->ids_count + 1, sizeof (char *));
        assert (self->ids);
        for (size_t index = 0; index < self->ids_count; index++)
            self->ids [index] = strdup (json_string_value (json_array_get (ids, index)));
        self->initialized = true;
        node_log (self, "init: %zu nodes", self->ids_count);
        if (self->init_fn)
            self->init_fn (self, self->init_arg);
    }
    node_reply (self, src, body, json_pack ("{s:s}", "type", "init_ok"));
}


//  --------------------------------------------------------------------------
//  Receiving and dispatch

static s_handler_t *
s_handler_find (node_t *self, const char *type)
{
    for (size_t index = 0; index < self->handlers_count; index++)
        if (streq (self->handlers [index].type, type))
            return &self->handlers [index];
    return NULL;
}

//  A reply goes to the RPC waiting for it; one nobody waits for goes to
//  the handler of its type if any (nodes that node_send and handle "x_ok"
//  themselves), else it is dropped. Replies never get error replies.
static void
s_dispatch_reply (node_t *self, const char *src, json_t *body, const char *type)
{
    json_t *in_reply_to = json_object_get (body, "in_reply_to");
    if (json_is_integer (in_reply_to)
    &&  s_rpc_complete (self, json_integer_value (in_reply_to), body))
        return;
    s_handler_t *handler = type? s_handler_find (self, type): NULL;
    if (handler)
        handler->fn (self, src, body, handler->arg);
    else
        node_debug (self, "dropped a reply from '%s' that no rpc waits for", src);
}

static void
s_dispatch (node_t *self, const char *src, json_t *body)
{
    const char *type = json_string_value (json_object_get (body, "type"));
    if (json_object_get (body, "in_reply_to")) {
        s_dispatch_reply (self, src, body, type);
        return;
    }
    bool is_request = json_object_get (body, "msg_id") != NULL;
    if (!type) {
        node_log (self, "dropped a message from '%s' with no type", src);
        if (is_request)
            node_reply_error (self, src, body, NODE_ERR_MALFORMED_REQUEST,
                              "message body has no string type");
        return;
    }
    if (streq (type, "init")) {
        s_on_init (self, src, body);
        return;
    }
    s_handler_t *handler = s_handler_find (self, type);
    if (handler)
        handler->fn (self, src, body, handler->arg);
    else
    if (is_request) {
        char text [128];
        snprintf (text, sizeof text, "unsupported message type '%.64s'", type);
        node_reply_error (self, src, body, NODE_ERR_NOT_SUPPORTED, text);
    }
    else
        node_debug (self, "dropped a '%s' from '%s': no handler", type, src);
}

//  Parse one [src][envelope] and dispatch it; anything malformed is logged
//  and dropped.
static void
s_handle (node_t *self, zmq_msg_t *src_frame, zmq_msg_t *data_frame)
{
    size_t src_size = zmq_msg_size (src_frame);
    char src [FL_ID_BYTES_MAX + 1];
    if (src_size == 0 || src_size > FL_ID_BYTES_MAX) {
        node_log (self, "dropped a message with a bad src frame (%zu bytes)", src_size);
        return;
    }
    memcpy (src, zmq_msg_data (src_frame), src_size);
    src [src_size] = 0;
    json_error_t error;
    json_t *root = json_loadb ((const char *) zmq_msg_data (data_frame),
                               zmq_msg_size (data_frame), 0, &error);
    json_t *body = json_object_get (root, "body");
    if (!root)
        node_log (self, "dropped malformed JSON from '%s': %s", src, error.text);
    else
    if (!json_is_object (body))
        node_log (self, "dropped a message from '%s' with no body object", src);
    else
        s_dispatch (self, src, body);
    json_decref (root);
}

//  Receive one message without waiting. Returns false when none was ready.
//  The rest of a multipart message arrives with its first frame, so the
//  blocking receives after the first never wait.
static bool
s_recv_one (node_t *self)
{
    zmq_msg_t src, data;
    zmq_msg_init (&src);
    if (zmq_msg_recv (&src, self->handle, ZMQ_DONTWAIT) == -1) {
        zmq_msg_close (&src);
        return false;
    }
    size_t frames = 1;
    zmq_msg_init (&data);
    if (zmq_msg_more (&src) && zmq_msg_recv (&data, self->handle, 0) != -1)
        frames++;
    bool more = frames == 2 && zmq_msg_more (&data);
    while (more) {                      //  drop extra frames
        zmq_msg_t extra;
        zmq_msg_init (&extra);
        more = zmq_msg_recv (&extra, self->handle, 0) != -1 && zmq_msg_more (&extra);
        zmq_msg_close (&extra);
        frames++;
    }
    if (frames == 2)
        s_handle (self, &src, &data);
    else
        node_log (self, "dropped a message of %zu frame(s), expected 2", frames);
    zmq_msg_close (&src);
    zmq_msg_close (&data);
    return true;
}


//  --stdio: one line from stdin, {"src","dest","body"} as Maelstrom writes
//  it; src is the envelope's (there is no frame). Anything malformed is
//  logged and dropped.
static void
s_handle_line (node_t *self, const char *line, size_t len)
{
    while (len && (line [len - 1] == '\r' || line [len - 1] == ' '))
        len--;
    if (len == 0)
        return;
    json_error_t error;
    json_t *root = json_loadb (line, len, 0, &error);
    const char *src = json_string_value (json_object_get (root, "src"));
    json_t *body = json_object_get (root, "body");
    long line_no = self->in.line_no;
    if (!root)
        node_log (self, "stdin line %ld: dropped malformed JSON: %s", line_no, error.text);
    else
    if (!src || !*src || strlen (src) > FL_ID_BYTES_MAX)
        node_log (self, "stdin line %ld: dropped a message without a src id", line_no);
    else
    if (!json_is_object (body))
        node_log (self, "stdin line %ld: dropped a message from '%s' with no body object",
                  line_no, src);
    else {
        char sender [FL_ID_BYTES_MAX + 1];
        strcpy (sender, src);           //  handlers may outlive nothing of root
        s_dispatch (self, sender, body);
    }
    json_decref (root);
}

void
node_handle_line (node_t *self, const char *line, size_t len)
{
    assert (self && (line || len == 0));
    s_handle_line (self, line, len);
}

//  --stdio: read stdin once if poll said so, then hand out at most
//  FL_NODE_EVENTS_BATCH lines. At EOF (Maelstrom is done with us) the
//  node stops. Returns 0, or -1 on a read error.
static int
s_recv_lines (node_t *self, bool readable)
{
    if (readable && !self->in.eof) {
        ssize_t got = linebuf_read (&self->in, STDIN_FILENO);
        if (got < 0 && errno != EINTR && errno != EAGAIN) {
            node_log (self, "cannot read stdin: %s", strerror (errno));
            return -1;
        }
    }
    const char *line;
    size_t len;
    for (int count = 0; count < FL_NODE_EVENTS_BATCH && !self->stopping; count++) {
        linebuf_result_t result = linebuf_next (&self->in, &line, &len);
        if (result == LINEBUF_NONE)
            break;
        if (result == LINEBUF_TOO_LONG)
            node_log (self, "stdin line %ld: over FL_MSG_BYTES_MAX (%d bytes); dropped",
                      self->in.line_no, FL_MSG_BYTES_MAX);
        else
            s_handle_line (self, line, len);
    }
    if (self->in.eof && !linebuf_ready (&self->in) && !self->stopping) {
        node_log (self, "stdin closed: stopping");
        self->stopping = true;
    }
    return 0;
}


//  --------------------------------------------------------------------------
//  The loop

//  Milliseconds until the next deadline, at most FL_NODE_POLL_MS_MAX.
static long
s_poll_timeout (node_t *self, int64_t now)
{
    if (zlist_size (self->failed))
        return 0;
    int64_t next = -1;
    if (self->heap_size)
        next = self->rpcs [self->heap [0]].deadline_ms;
    s_timer_t *timer = s_timer_first (self);
    if (timer && (next == -1 || timer->deadline_ms < next))
        next = timer->deadline_ms;
    return node_poll_ms (next, now);
}

long
node_poll_ms (int64_t next_ms, int64_t now_ms)
{
    if (next_ms == -1 || next_ms - now_ms > FL_NODE_POLL_MS_MAX)
        return FL_NODE_POLL_MS_MAX;
    return next_ms <= now_ms? 0: (long) (next_ms - now_ms);
}

//  One turn: expiries, then wait for the socket, then a batch of messages.
//  Returns 0, or -1 on a fatal socket error.
static int
s_turn (node_t *self)
{
    int64_t now = clock_mono_ms ();
    s_rpc_expire (self, now, false);
    s_timer_fire (self, now);
    s_rpc_failed_drain (self);
    if (self->stopping || s_interrupted)
        return 0;
    zmq_pollitem_t item = { self->handle, 0, ZMQ_POLLIN, 0 };
    if (self->stdio)
        item = (zmq_pollitem_t) { NULL, STDIN_FILENO, self->in.eof? 0: ZMQ_POLLIN, 0 };
    long timeout = self->stdio && linebuf_ready (&self->in)
                 ? 0: s_poll_timeout (self, clock_mono_ms ());
    int ready = zmq_poll (&item, 1, timeout);
    if (ready == -1 && zmq_errno () != EINTR) {
        node_log (self, "cannot poll: %s", zmq_strerror (zmq_errno ()));
        return -1;
    }
    if (self->stdio)
        return s_recv_lines (self, ready > 0 && (item.revents & (ZMQ_POLLIN | ZMQ_POLLERR)));
    for (int count = 0; ready > 0 && count < FL_NODE_EVENTS_BATCH; count++)
        if (self->stopping || !s_recv_one (self))
            break;
    return 0;
}

//  At stop, every RPC still waiting gets its NULL call, so callers can
//  answer their clients and free their state. A callback that re-issues
//  gets refused (closing); after FL_NODE_STOP_ROUNDS the calls still owed
//  are not made, and the log says how many.
static void
s_rpc_close (node_t *self)
{
    self->closing = true;
    for (int round = 0; round < FL_NODE_STOP_ROUNDS; round++) {
        if (self->heap_size == 0 && zlist_size (self->failed) == 0)
            break;
        s_rpc_expire (self, 0, true);
        s_rpc_failed_drain (self);
    }
    size_t owed = self->heap_size + zlist_size (self->failed);
    if (owed)
        node_log (self, "stopping: %zu rpc callback(s) still owed after "
                  "FL_NODE_STOP_ROUNDS (%d) rounds are not called", owed,
                  FL_NODE_STOP_ROUNDS);
    self->closing = false;
}

int
node_run (node_t *self)
{
    assert (self);
    struct sigaction action, old_term, old_int;
    memset (&action, 0, sizeof action);
    action.sa_handler = s_signal;       //  no SA_RESTART: poll returns EINTR
    sigemptyset (&action.sa_mask);
    sigaction (SIGTERM, &action, &old_term);
    sigaction (SIGINT, &action, &old_int);
    int rc = 0;
    while (rc == 0 && !self->stopping && !s_interrupted)
        rc = s_turn (self);
    if (s_interrupted)
        node_log (self, "interrupted, stopping");
    s_rpc_close (self);
    sigaction (SIGTERM, &old_term, NULL);
    sigaction (SIGINT, &old_int, NULL);
    return rc;
}
