/*  quorum.c -- the quorum server: replica, coordinator, read repair and
    hinted handoff (see quorum.h; docs/nodes.md has the long form).

    Every node is a replica of every key (N = node_count: no ring) and
    coordinates the client ops sent to it:
    - write: a new version (HLC stamp, our id), applied here, sent as q_put
      to every other replica; write_ok at W acknowledgements (ours
      included), error 0 when they do not come within FL_QUORUM_TIMEOUT_MS
      (the write may survive on the replicas that took it).
    - read: q_get to every other replica; at the R first answers (ours is
      the first) the greatest version's value, error 20 when none of them
      has the key, error 11 when fewer than R answer in time.
    - cas: a read round (R), the compare here, then a write round (W) of
      "to" with a new version. Not atomic: two cas ops may both read
      "from" and both succeed. No consensus anywhere; that is the point.
    A replica keeps the greater version (core_store_put), so the order in
    which writes arrive does not matter. Read repair sends the winner to
    every responder that answered older, late ones too; hinted handoff keeps
    a hint for each replica that did not acknowledge a q_put and resends it
    every FL_QUORUM_HINT_MS until it does.

    Lifetimes: a client op (s_op_t) is held by its starter and by each
    round (s_read_t, s_write_t) that works for it; a round lives until its
    last RPC is answered or timed out, after the client was answered, so
    that late answers still repair and late failures still leave hints.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "limits.h"
#include "nodes/lib/node.h"
#include "nodes/lib/hlc.h"
#include "core.h"
#include "qlog.h"
#include "quorum.h"

struct _quorum_t {
    node_t *node;
    json_t *store;              //  this replica's keys (core.h)
    hlc_t clock;
    const char *w_text, *r_text;    //  the params as written (NULL: default)
    core_level_t w_level, r_level;
    size_t w, r;                //  resolved at init
    bool read_repair, hinted_handoff;
    char refused [256];         //  set at init when a level is above N
    core_hints_t *hints;
    int64_t hint_clock_ms;      //  FL_QUORUM_HINT_MS per tick: immune to skew
    uint64_t hints_resent;      //  since the hints last ran out (for the log)
    qlog_t *qlog;               //  the store on disk, or NULL without --data
    bool failed;                //  the disk failed: the node stops
    int bug;                    //  S_BUG_* (docs/bugs.md), S_BUG_NONE = -1
};

//  The bug zoo's names for this system (--param bug=NAME), NULL-terminated,
//  in the order of S_BUG_*.
static const char *const s_bugs [] = { "read-r-minus-1", "repair-overwrites", NULL };
enum { S_BUG_READ_R_MINUS_1 = 0, S_BUG_REPAIR_OVERWRITES = 1 };

typedef enum { S_READ, S_WRITE, S_CAS } s_kind_t;

typedef struct {
    quorum_t *server;
    s_kind_t kind;
    char client [FL_ID_BYTES_MAX + 1];
    json_t *request;            //  held
    json_t *key;                //  borrowed from request
    int64_t started_ms;
    bool answered;
    int refs;
} s_op_t;

typedef struct {
    s_op_t *op;
    char from [FL_NODES_MAX][FL_ID_BYTES_MAX + 1];
    core_answer_t answers [FL_NODES_MAX];  //  values held
    size_t count, pending, needed;
    bool decided;
    core_answer_t winner;       //  once decided; value held
} s_read_t;

typedef struct {
    s_op_t *op;
    json_t *value;              //  held
    core_version_t version;
    size_t acks, pending, needed;
    bool decided;
} s_write_t;

//  One RPC of a round: the round and the replica asked.
typedef struct {
    void *round;
    char replica [FL_ID_BYTES_MAX + 1];
} s_call_t;

//  A new call of ROUND to replica PEER (freed by the RPC's callback).
static s_call_t *
s_call_new (void *round, const char *peer)
{
    s_call_t *call = (s_call_t *) calloc (1, sizeof (s_call_t));
    assert (call);
    call->round = round;
    snprintf (call->replica, sizeof call->replica, "%s", peer);
    return call;
}

//  One hint resent: what to acknowledge when the replica answers.
typedef struct {
    quorum_t *server;
    char replica [FL_ID_BYTES_MAX + 1];
    char *key_text;
    core_version_t version;
} s_resend_t;

static void s_write_start (s_op_t *op, json_t *value);


//  --------------------------------------------------------------------------
//  Ops and replies

static s_op_t *
s_op_new (quorum_t *server, s_kind_t kind, const char *client, json_t *request)
{
    s_op_t *op = (s_op_t *) calloc (1, sizeof (s_op_t));
    assert (op);
    *op = (s_op_t) { .server = server, .kind = kind, .request = json_incref (request),
                     .key = json_object_get (request, "key"),
                     .started_ms = node_now_ms (server->node), .refs = 1 };
    snprintf (op->client, sizeof op->client, "%s", client);
    return op;
}

static s_op_t *
s_op_ref (s_op_t *op)
{
    op->refs++;
    return op;
}

static void
s_op_unref (s_op_t *op)
{
    assert (op->refs > 0);
    if (--op->refs)
        return;
    json_decref (op->request);
    free (op);
}

//  Answer the client once; later answers are dropped.
static void
s_op_reply (s_op_t *op, json_t *reply)
{
    if (op->answered) {
        json_decref (reply);
        return;
    }
    op->answered = true;
    node_reply (op->server->node, op->client, op->request, reply);
}

static void
s_op_error (s_op_t *op, int code, const char *text)
{
    s_op_reply (op, json_pack ("{s:s, s:i, s:s}", "type", "error", "code", code,
                               "text", text));
}

//  The timeout for the op's next round: what is left of its budget.
static int
s_op_left_ms (s_op_t *op)
{
    return (int) core_left_ms (op->started_ms, node_now_ms (op->server->node),
                               FL_QUORUM_TIMEOUT_MS);
}

//  Apply a write to this replica's store and, when applied, to its file:
//  core_store_put's 1, 0 or -1, or -2 when the disk failed (logged; the
//  node stops, since it can no longer keep what it acknowledges).
static int
s_store_put (quorum_t *self, const json_t *key, json_t *value,
             const core_version_t *version)
{
    if (self->failed)
        return -2;
    int applied = core_store_put (self->store, key, value, version);
    char err [4400];
    if (applied == 1 && self->qlog
    &&  qlog_append (self->qlog, self->store, key, value, version, err, sizeof err)) {
        node_log (self->node, "quorum: %s; stopping", err);
        self->failed = true;
        node_stop (self->node);
        return -2;
    }
    return applied;
}

static bool
s_is_self (quorum_t *self, const char *id)
{
    return strcmp (id, node_id (self->node)) == 0;
}

static json_t *
s_put_body (json_t *key, json_t *value, const core_version_t *version)
{
    return json_pack ("{s:s, s:O, s:O, s:o, s:s}", "type", "q_put", "key", key,
                      "value", value, "version", hlc_to_json (version->stamp),
                      "node", version->node);
}


//  --------------------------------------------------------------------------
//  Read rounds

//  Send the winner to a replica that answered older (read repair).
static void
s_repair (quorum_t *self, const char *replica, json_t *key, const core_answer_t *winner)
{
    if (s_is_self (self, replica))
        s_store_put (self, key, winner->value, &winner->version);
    else
        node_send (self->node, replica, s_put_body (key, winner->value, &winner->version));
}

static void
s_read_decide (s_read_t *round)
{
    quorum_t *self = round->op->server;
    round->decided = true;
    size_t index = core_answer_winner (round->answers, round->count);
    if (index < round->count) {
        round->winner = round->answers [index];
        json_incref (round->winner.value);
        //  Bug repair-overwrites: the repair writes the value read back as
        //  a fresh write, with a new version, which beats any newer write
        //  that reached a replica meanwhile (Cassandra keeps the original
        //  timestamp on repair for this reason).
        if (self->bug == S_BUG_REPAIR_OVERWRITES && round->winner.found)
            round->winner.version = core_version (hlc_tick (&self->clock,
                                    node_wall_ms (self->node)), node_id (self->node));
    }
    if (self->read_repair && round->winner.found) {
        size_t targets [FL_NODES_MAX];
        size_t count = core_repair_targets (round->answers, round->count,
                                            &round->winner, targets);
        for (size_t i = 0; i < count; i++)
            s_repair (self, round->from [targets [i]], round->op->key, &round->winner);
    }
    s_op_t *op = round->op;
    json_t *value = round->winner.value;
    if (op->kind == S_READ) {
        if (round->winner.found)
            s_op_reply (op, json_pack ("{s:s, s:O}", "type", "read_ok", "value", value));
        else
            s_op_error (op, NODE_ERR_KEY_DOES_NOT_EXIST, "key does not exist on the R replicas read");
        return;
    }
    bool create = json_is_true (json_object_get (op->request, "create_if_not_exists"));
    if (!round->winner.found && !create)
        s_op_error (op, NODE_ERR_KEY_DOES_NOT_EXIST, "key does not exist on the R replicas read");
    else
    if (round->winner.found && !json_equal (value, json_object_get (op->request, "from")))
        s_op_error (op, NODE_ERR_PRECONDITION_FAILED, "current value is not from");
    else
        s_write_start (op, json_object_get (op->request, "to"));
}

//  Decide once enough answered, or fail once enough cannot.
static void
s_read_check (s_read_t *round)
{
    if (round->decided)
        return;
    if (round->count >= round->needed)
        s_read_decide (round);
    else
    if (round->count + round->pending < round->needed) {
        round->decided = true;
        char text [160];
        snprintf (text, sizeof text, "only %zu of R=%zu replicas answered within"
                  " FL_QUORUM_TIMEOUT_MS", round->count, round->needed);
        s_op_error (round->op, NODE_ERR_TEMPORARILY_UNAVAILABLE, text);
    }
}

static void
s_read_free (s_read_t *round)
{
    for (size_t i = 0; i < round->count; i++)
        json_decref (round->answers [i].value);
    json_decref (round->winner.value);
    s_op_unref (round->op);
    free (round);
}

//  A q_get_ok as an answer; -1 when it is not one.
static int
s_answer_parse (json_t *reply, core_answer_t *answer)
{
    const char *type = json_string_value (json_object_get (reply, "type"));
    if (!type || strcmp (type, "q_get_ok") != 0)
        return -1;
    memset (answer, 0, sizeof *answer);
    if (!json_is_true (json_object_get (reply, "found")))
        return 0;
    hlc_t stamp;
    const char *node = json_string_value (json_object_get (reply, "node"));
    json_t *value = json_object_get (reply, "value");
    if (!node || !value || hlc_from_json (json_object_get (reply, "version"), &stamp))
        return -1;
    *answer = (core_answer_t) { true, json_incref (value), core_version (stamp, node) };
    return 0;
}

static void
s_on_got (node_t *node, json_t *reply, void *arg)
{
    s_call_t *call = (s_call_t *) arg;
    s_read_t *round = (s_read_t *) call->round;
    quorum_t *self = round->op->server;
    round->pending--;
    core_answer_t answer;
    if (reply && s_answer_parse (reply, &answer) == 0) {
        if (answer.found)
            hlc_receive (&self->clock, answer.version.stamp, node_wall_ms (node));
        if (round->decided) {           //  a late answer: repair it, keep nothing
            if (self->read_repair && core_answer_older (&answer, &round->winner))
                s_repair (self, call->replica, round->op->key, &round->winner);
            json_decref (answer.value);
        }
        else {
            snprintf (round->from [round->count], FL_ID_BYTES_MAX + 1, "%s", call->replica);
            round->answers [round->count++] = answer;
        }
    }
    s_read_check (round);
    if (round->pending == 0)
        s_read_free (round);
    free (call);
}

static void
s_read_start (s_op_t *op)
{
    quorum_t *self = op->server;
    assert (node_count (self->node) <= FL_NODES_MAX);   //  init refuses more
    s_read_t *round = (s_read_t *) calloc (1, sizeof (s_read_t));
    assert (round);
    round->op = s_op_ref (op);
    round->needed = self->r;
    //  Bug read-r-minus-1: an off-by-one answers after R-1 replicas (this
    //  one counted as if it were not), so R + W > N no longer holds.
    if (self->bug == S_BUG_READ_R_MINUS_1 && round->needed > 1)
        round->needed--;
    char *key_text = core_key_text (op->key);
    core_store_get (self->store, key_text, &round->answers [0]);
    free (key_text);
    json_incref (round->answers [0].value);
    snprintf (round->from [0], FL_ID_BYTES_MAX + 1, "%s", node_id (self->node));
    round->count = 1;
    int timeout_ms = s_op_left_ms (op);
    for (size_t i = 0; i < node_count (self->node); i++) {
        const char *peer = node_ids (self->node, i);
        if (s_is_self (self, peer))
            continue;
        s_call_t *call = s_call_new (round, peer);
        round->pending++;
        node_rpc (self->node, peer, json_pack ("{s:s, s:O}", "type", "q_get", "key", op->key),
                  timeout_ms, s_on_got, call);
    }
    s_read_check (round);
    if (round->pending == 0)
        s_read_free (round);
}


//  --------------------------------------------------------------------------
//  Write rounds

static void
s_write_check (s_write_t *round)
{
    if (round->decided)
        return;
    s_op_t *op = round->op;
    if (round->acks >= round->needed) {
        round->decided = true;
        s_op_reply (op, json_pack ("{s:s}", "type", op->kind == S_CAS? "cas_ok": "write_ok"));
    }
    else
    if (round->acks + round->pending < round->needed) {
        round->decided = true;
        char text [200];
        snprintf (text, sizeof text, "only %zu of W=%zu replicas acknowledged within"
                  " FL_QUORUM_TIMEOUT_MS; the write may still take effect",
                  round->acks, round->needed);
        s_op_error (op, NODE_ERR_TIMEOUT, text);
    }
}

static void
s_write_free (s_write_t *round)
{
    json_decref (round->value);
    s_op_unref (round->op);
    free (round);
}

static void
s_hint_keep (quorum_t *self, const char *replica, json_t *key, json_t *value,
             const core_version_t *version)
{
    size_t held = core_hints_size (self->hints);
    if (core_hints_add (self->hints, replica, key, value, version,
                        self->hint_clock_ms + FL_QUORUM_HINT_MS) == 0) {
        if (held == 0)
            node_log (self->node, "hinted handoff: '%s' missed a write; keeping hints", replica);
        return;
    }
    size_t refused = core_hints_refused (self->hints);
    if (refused == 1 || refused % 1000 == 0)
        node_log (self->node, "hinted handoff: %zu hints held (FL_QUORUM_HINTS_MAX):"
                  " %zu refused so far, the latest for '%s'", core_hints_size (self->hints),
                  refused, replica);
}

static void
s_on_put (node_t *node, json_t *reply, void *arg)
{
    (void) node;
    s_call_t *call = (s_call_t *) arg;
    s_write_t *round = (s_write_t *) call->round;
    quorum_t *self = round->op->server;
    round->pending--;
    const char *type = json_string_value (json_object_get (reply, "type"));
    if (type && strcmp (type, "q_put_ok") == 0) {
        round->acks++;
        char *key_text = core_key_text (round->op->key);
        core_hints_ack (self->hints, call->replica, key_text, &round->version);
        free (key_text);
    }
    else
    if (self->hinted_handoff)
        s_hint_keep (self, call->replica, round->op->key, round->value, &round->version);
    s_write_check (round);
    if (round->pending == 0)
        s_write_free (round);
    free (call);
}

static void
s_write_start (s_op_t *op, json_t *value)
{
    quorum_t *self = op->server;
    core_version_t version = core_version (hlc_tick (&self->clock, node_wall_ms (self->node)),
                                           node_id (self->node));
    int applied = s_store_put (self, op->key, value, &version);
    if (applied < 0) {
        if (applied == -1)
            s_op_error (op, NODE_ERR_ABORT, "this replica holds FL_QUORUM_KEYS_MAX keys");
        else
            s_op_error (op, NODE_ERR_CRASH, "the coordinator's disk failed");
        return;
    }
    s_write_t *round = (s_write_t *) calloc (1, sizeof (s_write_t));
    assert (round);
    *round = (s_write_t) { .op = s_op_ref (op), .value = json_incref (value),
                           .version = version, .acks = 1, .needed = self->w };
    int timeout_ms = s_op_left_ms (op);
    for (size_t i = 0; i < node_count (self->node); i++) {
        const char *peer = node_ids (self->node, i);
        if (s_is_self (self, peer))
            continue;
        s_call_t *call = s_call_new (round, peer);
        round->pending++;
        node_rpc (self->node, peer, s_put_body (op->key, value, &version),
                  timeout_ms, s_on_put, call);
    }
    s_write_check (round);
    if (round->pending == 0)
        s_write_free (round);
}


//  --------------------------------------------------------------------------
//  Hinted handoff

static void
s_on_resent (node_t *node, json_t *reply, void *arg)
{
    (void) node;
    s_resend_t *resend = (s_resend_t *) arg;
    const char *type = json_string_value (json_object_get (reply, "type"));
    if (type && strcmp (type, "q_put_ok") == 0)
        core_hints_ack (resend->server->hints, resend->replica, resend->key_text,
                        &resend->version);
    free (resend->key_text);
    free (resend);
}

static void
s_on_hint_tick (node_t *node, void *arg)
{
    quorum_t *self = (quorum_t *) arg;
    self->hint_clock_ms += FL_QUORUM_HINT_MS;
    if (self->hints_resent && core_hints_size (self->hints) == 0) {
        node_log (node, "hinted handoff: every hint acknowledged (%llu resent)",
                  (unsigned long long) self->hints_resent);
        self->hints_resent = 0;
    }
    core_hint_t due [FL_QUORUM_HINTS_BATCH];
    size_t count = core_hints_due (self->hints, self->hint_clock_ms, FL_QUORUM_HINT_MS,
                                   due, FL_QUORUM_HINTS_BATCH);
    for (size_t i = 0; i < count; i++) {
        s_resend_t *resend = (s_resend_t *) calloc (1, sizeof (s_resend_t));
        assert (resend);
        resend->server = self;
        snprintf (resend->replica, sizeof resend->replica, "%s", due [i].replica);
        resend->key_text = strdup (due [i].key_text);
        resend->version = due [i].version;
        self->hints_resent++;
        node_rpc (node, due [i].replica, s_put_body (due [i].key, due [i].value,
                  &due [i].version), FL_QUORUM_HINT_MS, s_on_resent, resend);
    }
}


//  --------------------------------------------------------------------------
//  Handlers: replica side

static void
s_on_q_get (node_t *node, const char *src, json_t *body, void *arg)
{
    quorum_t *self = (quorum_t *) arg;
    char *key_text = core_key_text (json_object_get (body, "key"));
    if (!key_text) {
        node_reply_error (node, src, body, NODE_ERR_MALFORMED_REQUEST, "q_get needs a key");
        return;
    }
    core_answer_t answer;
    core_store_get (self->store, key_text, &answer);
    free (key_text);
    json_t *reply = json_pack ("{s:s, s:b}", "type", "q_get_ok", "found", answer.found);
    if (answer.found) {
        json_object_set (reply, "value", answer.value);
        json_object_set_new (reply, "version", hlc_to_json (answer.version.stamp));
        json_object_set_new (reply, "node", json_string (answer.version.node));
    }
    node_reply (node, src, body, reply);
}

static void
s_on_q_put (node_t *node, const char *src, json_t *body, void *arg)
{
    quorum_t *self = (quorum_t *) arg;
    json_t *key = json_object_get (body, "key");
    json_t *value = json_object_get (body, "value");
    const char *writer = json_string_value (json_object_get (body, "node"));
    hlc_t stamp;
    if (!key || !value || !writer || hlc_from_json (json_object_get (body, "version"), &stamp)) {
        node_reply_error (node, src, body, NODE_ERR_MALFORMED_REQUEST,
                          "q_put needs key, value, version [wall, logical] and node");
        return;
    }
    hlc_receive (&self->clock, stamp, node_wall_ms (node));
    core_version_t version = core_version (stamp, writer);
    int applied = s_store_put (self, key, value, &version);
    if (applied == -2)
        node_reply_error (node, src, body, NODE_ERR_CRASH, "this replica's disk failed");
    else
    if (applied == -1)
        node_reply_error (node, src, body, NODE_ERR_ABORT,
                          "this replica holds FL_QUORUM_KEYS_MAX keys");
    else
        node_reply (node, src, body, json_pack ("{s:s}", "type", "q_put_ok"));
}

static void
s_on_replica_read (node_t *node, const char *src, json_t *body, void *arg)
{
    quorum_t *self = (quorum_t *) arg;
    node_reply (node, src, body, json_pack ("{s:s, s:o}", "type", "replica_read_ok",
                                            "state", core_store_state (self->store)));
}


//  --------------------------------------------------------------------------
//  Handlers: coordinator side

//  The request's problem, or NULL when it can be served.
static const char *
s_refusal (quorum_t *self, const char *type, json_t *body, int *code)
{
    *code = NODE_ERR_MALFORMED_REQUEST;
    if (node_count (self->node) == 0) {
        *code = NODE_ERR_TEMPORARILY_UNAVAILABLE;
        return "not initialized yet";
    }
    if (*self->refused)
        return self->refused;
    if (!json_object_get (body, "key"))
        return "request needs a key";
    if (strcmp (type, "write") == 0 && !json_object_get (body, "value"))
        return "write needs a value";
    if (strcmp (type, "cas") == 0
    &&  (!json_object_get (body, "from") || !json_object_get (body, "to")))
        return "cas needs from and to";
    return NULL;
}

static void
s_on_client (node_t *node, const char *src, json_t *body, void *arg)
{
    quorum_t *self = (quorum_t *) arg;
    const char *type = json_string_value (json_object_get (body, "type"));
    int code;
    const char *refusal = s_refusal (self, type, body, &code);
    if (refusal) {
        node_reply_error (node, src, body, code, refusal);
        return;
    }
    s_kind_t kind = strcmp (type, "read") == 0? S_READ:
                    strcmp (type, "write") == 0? S_WRITE: S_CAS;
    s_op_t *op = s_op_new (self, kind, src, body);
    if (kind == S_WRITE)
        s_write_start (op, json_object_get (body, "value"));
    else
        s_read_start (op);
    s_op_unref (op);
}

static void
s_on_init (node_t *node, void *arg)
{
    quorum_t *self = (quorum_t *) arg;
    size_t n = node_count (node);
    if (core_level_param_needed ("w", self->w_text, self->w_level, n, &self->w,
                                 self->refused, sizeof self->refused)
    ||  core_level_param_needed ("r", self->r_text, self->r_level, n, &self->r,
                                 self->refused, sizeof self->refused)) {
        node_log (node, "quorum: %s; every request is answered error 12", self->refused);
        return;
    }
    node_log (node, "quorum: N=%zu W=%zu (%s) R=%zu (%s) read_repair=%s hinted_handoff=%s",
              n, self->w, self->w_text? self->w_text: "quorum", self->r,
              self->r_text? self->r_text: "quorum", self->read_repair? "true": "false",
              self->hinted_handoff? "true": "false");
    if (self->hinted_handoff)
        node_every (node, FL_QUORUM_HINT_MS, s_on_hint_tick, self);
}


//  --------------------------------------------------------------------------
//  Public

//  Open the store file under --data and replay it (or keep the store in
//  memory only, saying so).
static int
s_open_disk (quorum_t *self, char *error, size_t error_size)
{
    const char *dir = node_data_dir (self->node);
    if (!dir) {
        node_log (self->node, "quorum: no --data: the store is kept in memory only");
        return 0;
    }
    size_t replayed = 0, torn = 0;
    self->qlog = qlog_open (dir, self->store, &self->clock, error, error_size,
                            &replayed, &torn);
    if (!self->qlog)
        return -1;
    node_log (self->node, "quorum: %zu writes replayed from '%s/quorum-store.jsonl' (%zu keys)%s",
              replayed, dir, json_object_size (self->store), torn? ", a torn end cut off": "");
    return 0;
}

quorum_t *
quorum_new (node_t *node, bool *usage_p, char *error, size_t error_size)
{
    assert (node);
    assert (usage_p);
    *usage_p = true;
    quorum_t *self = (quorum_t *) calloc (1, sizeof (quorum_t));
    assert (self);
    self->node = node;
    self->w_text = node_param (node, "w");
    self->r_text = node_param (node, "r");
    if (core_level_param ("w", self->w_text, &self->w_level, error, error_size)
    ||  core_level_param ("r", self->r_text, &self->r_level, error, error_size)
    ||  core_bool_param ("read_repair", node_param (node, "read_repair"), true,
                         &self->read_repair, error, error_size)
    ||  core_bool_param ("hinted_handoff", node_param (node, "hinted_handoff"), true,
                         &self->hinted_handoff, error, error_size)) {
        free (self);
        return NULL;
    }
    self->bug = node_bug (node, "quorum", s_bugs);
    if (self->bug == -2) {
        snprintf (error, error_size, "param bug: '%s' is not one of this system's bugs"
                  " (read-r-minus-1, repair-overwrites)", node_param (node, "bug"));
        free (self);
        return NULL;
    }
    self->store = json_object ();
    self->hints = core_hints_new ();
    if (s_open_disk (self, error, error_size)) {
        *usage_p = false;
        quorum_destroy (&self);
        return NULL;
    }
    node_on_init (node, s_on_init, self);
    node_on (node, "read", s_on_client, self);
    node_on (node, "write", s_on_client, self);
    node_on (node, "cas", s_on_client, self);
    node_on (node, "q_get", s_on_q_get, self);
    node_on (node, "q_put", s_on_q_put, self);
    node_on (node, "replica_read", s_on_replica_read, self);
    return self;
}

void
quorum_destroy (quorum_t **self_p)
{
    assert (self_p);
    quorum_t *self = *self_p;
    if (!self)
        return;
    json_decref (self->store);
    core_hints_destroy (&self->hints);
    qlog_destroy (&self->qlog);
    free (self);
    *self_p = NULL;
}

bool
quorum_failed (quorum_t *self)
{
    assert (self);
    return self->failed;
}
