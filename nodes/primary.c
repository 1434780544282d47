/*  primary.c -- bin/node-primary, a naive primary/backup lin-kv store.

    The textbook design that articles on CAP warn about, built on purpose so
    the lab can catch it: one node is the primary; it applies every client
    operation locally, acknowledges at once, and replicates afterwards,
    fire-and-forget, to the backups. A backup that stops hearing the primary
    promotes itself. There is no quorum anywhere, so under a partition both
    sides have a primary (split brain), both acknowledge writes, and when the
    partition heals one side's acknowledged writes are thrown away. The
    checker must find that history not linearizable.

    How it works:
    - Initially the primary is the lowest node id ("n1" < "n2" < "n10"), in
      epoch 0. Every node believes in exactly one primary at a time: the
      (epoch, leader) pair it holds.
    - Clients may talk to any node (Maelstrom lin-kv: read, write, cas).
      The node that believes itself primary answers from its own store. A
      backup forwards the request to the node it believes is primary and
      relays the reply; if none comes within FL_PRIMARY_FORWARD_TIMEOUT_MS it
      answers error 0 (indefinite: the primary may have applied it). A
      forwarded request is never forwarded again: a non-primary receiving one
      answers error 11 (definite: it did not apply it).
    - The primary sends "sync" {epoch, seq, store} (its whole store: lin-kv
      uses a few keys) after each change and every PRIMARY_HEARTBEAT_MS.
      A node adopts a sync from a primary with a higher (epoch, id) than the
      one it follows, stepping down if it was primary itself; from the
      primary it follows, it takes the store when seq is newer.
    - A backup that hears no sync for a randomized silence (drawn from
      node_random, PRIMARY_SILENCE_MS_MIN..MAX) promotes itself with
      epoch + 1. Ties between nodes promoted at once go to the higher id.
    - role reports "primary" or "backup" with the epoch (isolate-leader).
    - replica_read (the lab's) answers this node's own store, asking no
      one: what the convergence check compares across nodes.

    Keys and values are any JSON; the store is a JSON object keyed by the
    key's canonical compact text, and values compare with json_equal.
*/
#include <czmq.h>
#include "limits.h"
#include "exits.h"
#include "nodes/lib/node.h"

#define PRIMARY_HEARTBEAT_MS        100
#define PRIMARY_CHECK_MS            25      //  how often a backup checks the silence
#define PRIMARY_SILENCE_MS_MIN      500
#define PRIMARY_SILENCE_MS_MAX      800

typedef struct {
    node_t *node;
    json_t *store;              //  canonical key text -> value
    int64_t epoch;
    char leader [FL_ID_BYTES_MAX + 1];  //  the primary this node believes in
    int64_t seq;                //  changes in the leader's store
    int64_t heard_ms;           //  last sync from the leader (node clock)
    int64_t silence_ms;         //  this wait's randomized timeout
    bool eager;                 //  bug eager-promote (docs/bugs.md)
} primary_t;

//  The bug zoo's names for this system (--param bug=NAME), NULL-terminated.
static const char *const s_bugs [] = { "eager-promote", NULL };

//  A client request a backup forwarded, waiting for the primary's answer.
typedef struct {
    char client [FL_ID_BYTES_MAX + 1];
    json_t *request;
} forward_t;


//  --------------------------------------------------------------------------
//  Pure helpers

//  Order of node ids: shorter first, then by text ("n2" < "n10").
static int
s_id_compare (const char *a, const char *b)
{
    size_t len_a = strlen (a), len_b = strlen (b);
    if (len_a != len_b)
        return len_a < len_b? -1: 1;
    return strcmp (a, b);
}

//  Order of primaries: by epoch, then by id.
static int
s_claim_compare (int64_t epoch_a, const char *id_a, int64_t epoch_b, const char *id_b)
{
    if (epoch_a != epoch_b)
        return epoch_a < epoch_b? -1: 1;
    return s_id_compare (id_a, id_b);
}

static int
s_text_compare (const void *a, const void *b)
{
    return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static json_t *
s_error (int code, const char *text)
{
    return json_pack ("{s:s, s:i, s:s}", "type", "error", "code", code, "text", text);
}

//  Apply one lin-kv operation to the store. Returns the reply body (without
//  in_reply_to) and sets *changed when the store changed.
static json_t *
s_apply (json_t *store, json_t *request, bool *changed)
{
    const char *type = json_string_value (json_object_get (request, "type"));
    json_t *key = json_object_get (request, "key");
    *changed = false;
    if (!key)
        return s_error (NODE_ERR_MALFORMED_REQUEST, "request needs a key");
    char *key_text = json_dumps (key, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
    json_t *current = json_object_get (store, key_text);
    json_t *reply = NULL;
    if (streq (type, "read"))
        reply = current? json_pack ("{s:s, s:O}", "type", "read_ok", "value", current)
                       : s_error (NODE_ERR_KEY_DOES_NOT_EXIST, "key does not exist");
    else
    if (streq (type, "write")) {
        json_t *value = json_object_get (request, "value");
        if (value) {
            json_object_set (store, key_text, value);
            *changed = true;
            reply = json_pack ("{s:s}", "type", "write_ok");
        }
        else
            reply = s_error (NODE_ERR_MALFORMED_REQUEST, "write needs a value");
    }
    else {
        json_t *from = json_object_get (request, "from");
        json_t *to = json_object_get (request, "to");
        bool create = json_is_true (json_object_get (request, "create_if_not_exists"));
        if (!from || !to)
            reply = s_error (NODE_ERR_MALFORMED_REQUEST, "cas needs from and to");
        else
        if (!current && !create)
            reply = s_error (NODE_ERR_KEY_DOES_NOT_EXIST, "key does not exist");
        else
        if (current && !json_equal (current, from))
            reply = s_error (NODE_ERR_PRECONDITION_FAILED, "current value is not from");
        else {
            json_object_set (store, key_text, to);
            *changed = true;
            reply = json_pack ("{s:s}", "type", "cas_ok");
        }
    }
    free (key_text);
    return reply;
}


//  --------------------------------------------------------------------------
//  Roles and replication

static bool
s_is_primary (primary_t *self)
{
    return streq (self->leader, node_id (self->node));
}

//  Restart the wait for the primary's next sync, with a fresh random silence.
static void
s_heard (primary_t *self)
{
    int64_t span = PRIMARY_SILENCE_MS_MAX - PRIMARY_SILENCE_MS_MIN + 1;
    self->heard_ms = node_now_ms (self->node);
    self->silence_ms = PRIMARY_SILENCE_MS_MIN + (int64_t) (node_random (self->node) % span);
    //  Bug eager-promote: one late heartbeat is taken for a dead primary,
    //  without waiting out a silence that a slow link cannot fake.
    if (self->eager)
        self->silence_ms = PRIMARY_HEARTBEAT_MS + PRIMARY_CHECK_MS / 2;
}

static void
s_follow (primary_t *self, int64_t epoch, const char *leader)
{
    self->epoch = epoch;
    snprintf (self->leader, sizeof self->leader, "%s", leader);
    node_role_set (self->node, s_is_primary (self)? "primary": "backup", epoch);
}

//  Fire-and-forget: the whole store to every other node.
static void
s_broadcast (primary_t *self)
{
    for (size_t index = 0; index < node_count (self->node); index++) {
        const char *peer = node_ids (self->node, index);
        if (streq (peer, node_id (self->node)))
            continue;
        node_send (self->node, peer, json_pack ("{s:s, s:I, s:I, s:O}", "type", "sync",
                   "epoch", (json_int_t) self->epoch, "seq", (json_int_t) self->seq,
                   "store", self->store));
    }
}

static void
s_on_sync (node_t *node, const char *src, json_t *body, void *arg)
{
    primary_t *self = (primary_t *) arg;
    json_t *epoch = json_object_get (body, "epoch");
    json_t *seq = json_object_get (body, "seq");
    json_t *store = json_object_get (body, "store");
    if (!json_is_integer (epoch) || !json_is_integer (seq) || !json_is_object (store)) {
        node_log (node, "dropped a malformed sync from '%s'", src);
        return;
    }
    int order = s_claim_compare (json_integer_value (epoch), src, self->epoch, self->leader);
    if (order < 0)
        return;                         //  a stale primary; ours outranks it
    if (order > 0) {
        if (s_is_primary (self))
            node_log (node, "stepping down: '%s' in epoch %lld outranks us in epoch %lld;"
                      " our store (seq %lld) is replaced", src,
                      (long long) json_integer_value (epoch), (long long) self->epoch,
                      (long long) self->seq);
        s_follow (self, json_integer_value (epoch), src);
    }
    if (order > 0 || json_integer_value (seq) > self->seq) {
        json_decref (self->store);
        self->store = json_deep_copy (store);
        self->seq = json_integer_value (seq);
    }
    s_heard (self);
}

static void
s_on_heartbeat (node_t *node, void *arg)
{
    (void) node;
    primary_t *self = (primary_t *) arg;
    if (s_is_primary (self))
        s_broadcast (self);
}

//  A backup that has not heard its primary for the silence promotes itself.
static void
s_on_check (node_t *node, void *arg)
{
    primary_t *self = (primary_t *) arg;
    if (s_is_primary (self) || node_now_ms (node) - self->heard_ms < self->silence_ms)
        return;
    node_log (node, "no sync from '%s' for %lld ms: promoting to primary in epoch %lld",
              self->leader, (long long) (node_now_ms (node) - self->heard_ms),
              (long long) self->epoch + 1);
    s_follow (self, self->epoch + 1, node_id (node));
    s_broadcast (self);
}

static void
s_on_init (node_t *node, void *arg)
{
    primary_t *self = (primary_t *) arg;
    const char *lowest = node_ids (node, 0);
    for (size_t index = 1; index < node_count (node); index++)
        if (s_id_compare (node_ids (node, index), lowest) < 0)
            lowest = node_ids (node, index);
    if (!*self->leader)                 //  unless a sync came before init
        s_follow (self, 0, lowest? lowest: node_id (node));
    s_heard (self);
    node_every (node, PRIMARY_HEARTBEAT_MS, s_on_heartbeat, self);
    node_every (node, PRIMARY_CHECK_MS, s_on_check, self);
}


//  --------------------------------------------------------------------------
//  Client requests

static void
s_on_forwarded (node_t *node, json_t *reply, void *arg)
{
    forward_t *forward = (forward_t *) arg;
    if (reply) {
        json_t *relay = json_deep_copy (reply);
        json_object_del (relay, "msg_id");
        json_object_del (relay, "in_reply_to");
        node_reply (node, forward->client, forward->request, relay);
    }
    else                                //  it may have applied it: indefinite
        node_reply_error (node, forward->client, forward->request, NODE_ERR_TIMEOUT,
                          "the primary did not answer within"
                          " FL_PRIMARY_FORWARD_TIMEOUT_MS");
    json_decref (forward->request);
    free (forward);
}

static void
s_forward (primary_t *self, const char *src, json_t *body)
{
    forward_t *forward = (forward_t *) calloc (1, sizeof (forward_t));
    assert (forward);
    snprintf (forward->client, sizeof forward->client, "%s", src);
    forward->request = json_incref (body);
    json_t *copy = json_deep_copy (body);
    json_object_set_new (copy, "forwarded", json_true ());
    node_rpc (self->node, self->leader, copy, FL_PRIMARY_FORWARD_TIMEOUT_MS,
              s_on_forwarded, forward);
}

static void
s_on_client (node_t *node, const char *src, json_t *body, void *arg)
{
    primary_t *self = (primary_t *) arg;
    if (node_count (node) == 0)
        node_reply_error (node, src, body, NODE_ERR_TEMPORARILY_UNAVAILABLE,
                          "not initialized yet");
    else
    if (s_is_primary (self)) {
        bool changed = false;
        json_t *reply = s_apply (self->store, body, &changed);
        node_reply (node, src, body, reply);
        if (changed) {                  //  acknowledged first, replicated after
            self->seq++;
            s_broadcast (self);
        }
    }
    else
    if (json_is_true (json_object_get (body, "forwarded")))
        node_reply_error (node, src, body, NODE_ERR_TEMPORARILY_UNAVAILABLE,
                          "not the primary");
    else
        s_forward (self, src, body);
}

//  The lab's private replica_read: this node's own store as it is, asking
//  no one, as [[KEY, VALUE], ...] sorted by the key's canonical text.
static void
s_on_replica_read (node_t *node, const char *src, json_t *body, void *arg)
{
    primary_t *self = (primary_t *) arg;
    size_t size = json_object_size (self->store), at = 0;
    const char **keys = (const char **) calloc (size + 1, sizeof (char *));
    assert (keys);
    const char *key;
    json_t *value;
    json_object_foreach (self->store, key, value)
        keys [at++] = key;
    qsort (keys, size, sizeof (char *), s_text_compare);
    json_t *state = json_array ();
    for (at = 0; at < size; at++) {
        json_t *decoded = json_loads (keys [at], JSON_DECODE_ANY, NULL);
        if (decoded)            //  our own canonical text: always valid
            json_array_append_new (state, json_pack ("[o, O]", decoded,
                                   json_object_get (self->store, keys [at])));
    }
    free (keys);
    node_reply (node, src, body, json_pack ("{s:s, s:o}", "type", "replica_read_ok",
                "state", state));
}

int
main (int argc, char **argv)
{
    node_t *node = node_new (argc, argv);
    if (!node)
        return FL_EXIT_USAGE;
    int bug = node_bug (node, "primary", s_bugs);
    if (bug == -2) {
        node_destroy (&node);
        return FL_EXIT_USAGE;
    }
    primary_t self = { .node = node, .store = json_object (), .eager = bug == 0 };
    node_role_set (node, "backup", 0);
    node_on_init (node, s_on_init, &self);
    node_on (node, "read", s_on_client, &self);
    node_on (node, "write", s_on_client, &self);
    node_on (node, "cas", s_on_client, &self);
    node_on (node, "sync", s_on_sync, &self);
    node_on (node, "replica_read", s_on_replica_read, &self);
    int rc = node_run (node);
    json_decref (self.store);
    node_destroy (&node);
    return rc? FL_EXIT_SOFTWARE: FL_EXIT_OK;
}
