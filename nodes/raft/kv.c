/*  kv.c -- the lin-kv state machine (see kv.h).

    A JSON object maps each key, encoded as canonical compact JSON (sorted
    object keys), to its value. Two keys are the same key when their
    encodings are equal, which for the scalars and arrays clients use is
    json_equal; values are compared with json_equal. The map only changes
    through kv_apply, in log order, so replicas agree.

    Request ids: the proxy may duplicate a forwarded request, and a
    follower retries a forward that got no answer; either way a second op
    with the same id can enter the log. Each op carries the id of the
    request it came from; the last FL_RAFT_DEDUP_IDS ids applied are
    remembered with their reply (in log order, so every replica remembers
    the same) and an op whose id was seen is not applied again. A retried
    forward ("retry": true, ids made unique per node boot) gets the first
    execution's reply -- the op ran once, and that is its answer (Raft
    thesis 6.3). Any other repeat gets error 0, indefinite, so even a false
    match (a client reusing a msg_id) is never a lie.
*/
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "kv.h"
#include "nodes/lib/node.h"

struct _kv_t {
    json_t *map;                 // canonical key -> value
    json_t *seen;                // request id -> its reply, for the ids in ring
    char **ring;                 // the last FL_RAFT_DEDUP_IDS ids, FIFO
    size_t ring_next;            // slot the next id goes to
};

kv_t *
kv_new (void)
{
    kv_t *self = calloc (1, sizeof (kv_t));
    assert (self);
    self->map = json_object ();
    self->seen = json_object ();
    self->ring = calloc (FL_RAFT_DEDUP_IDS, sizeof (char *));
    assert (self->map && self->seen && self->ring);
    return self;
}

void
kv_destroy (kv_t **self_p)
{
    assert (self_p);
    kv_t *self = *self_p;
    if (!self)
        return;
    json_decref (self->map);
    json_decref (self->seen);
    for (size_t i = 0; i < FL_RAFT_DEDUP_IDS; i++)
        free (self->ring [i]);
    free (self->ring);
    free (self);
    *self_p = NULL;
}

static bool
s_streq (const char *a, const char *b)
{
    return strcmp (a, b) == 0;
}

static int
s_compare_text (const void *a, const void *b)
{
    return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static json_t *
s_error (int code, const char *text)
{
    return json_pack ("{s:s, s:i, s:s}", "type", "error", "code", code, "text", text);
}

static char *
s_key (json_t *key)
{
    return json_dumps (key, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

//  The reply of the op with id applied before, or NULL (borrowed).
static json_t *
s_seen (kv_t *self, const char *id)
{
    return json_object_get (self->seen, id);
}

//  Remember id with its reply, evicting the oldest id once the ring is full.
static void
s_remember (kv_t *self, const char *id, json_t *reply)
{
    char **slot = &self->ring [self->ring_next];
    if (*slot) {
        json_object_del (self->seen, *slot);
        free (*slot);
    }
    *slot = strdup (id);
    assert (*slot);
    json_object_set_new (self->seen, id, json_deep_copy (reply));
    self->ring_next = (self->ring_next + 1) % FL_RAFT_DEDUP_IDS;
}

static json_t *s_execute (kv_t *self, json_t *op);
static json_t *s_txn (kv_t *self, json_t *txn);

json_t *
kv_apply (kv_t *self, json_t *op)
{
    assert (self);
    const char *id = json_string_value (json_object_get (op, "id"));
    json_t *earlier = id ? s_seen (self, id) : NULL;
    if (earlier && json_is_true (json_object_get (op, "retry")))
        return json_deep_copy (earlier);
    if (earlier)
        return s_error (NODE_ERR_TIMEOUT, "duplicate request id: not applied again");
    json_t *reply = s_execute (self, op);
    if (id)
        s_remember (self, id, reply);
    return reply;
}

//  Run op against the map; a new reply body.
static json_t *
s_execute (kv_t *self, json_t *op)
{
    const char *f = json_string_value (json_object_get (op, "f"));
    json_t *key = json_object_get (op, "key");
    if (f && s_streq (f, "txn"))
        return s_txn (self, json_object_get (op, "txn"));
    if (!f || !key)
        return s_error (NODE_ERR_MALFORMED_REQUEST, "op without f or key");
    char *k = s_key (key);
    assert (k);
    json_t *current = json_object_get (self->map, k);
    json_t *reply = NULL;
    if (s_streq (f, "read"))
        reply = current
              ? json_pack ("{s:s, s:O}", "type", "read_ok", "value", current)
              : s_error (NODE_ERR_KEY_DOES_NOT_EXIST, "key does not exist");
    else
    if (s_streq (f, "write") && json_object_get (op, "value")) {
        json_object_set (self->map, k, json_object_get (op, "value"));
        reply = json_pack ("{s:s}", "type", "write_ok");
    }
    else
    if (s_streq (f, "cas") && json_object_get (op, "from") && json_object_get (op, "to")) {
        if (!current)
            reply = s_error (NODE_ERR_KEY_DOES_NOT_EXIST, "key does not exist");
        else
        if (!json_equal (current, json_object_get (op, "from")))
            reply = s_error (NODE_ERR_PRECONDITION_FAILED, "current value differs from 'from'");
        else {
            json_object_set (self->map, k, json_object_get (op, "to"));
            reply = json_pack ("{s:s}", "type", "cas_ok");
        }
    }
    else
        reply = s_error (NODE_ERR_MALFORMED_REQUEST, "unknown or incomplete op");
    free (k);
    assert (reply);
    return reply;
}

//  Is txn an array of [f key value] with f "r", "append" or "w"?
static bool
s_txn_valid (json_t *txn)
{
    if (!json_is_array (txn))
        return false;
    size_t i;
    json_t *mop;
    json_array_foreach (txn, i, mop) {
        const char *f = json_string_value (json_array_get (mop, 0));
        if (!json_is_array (mop) || json_array_size (mop) != 3 || !f
        ||  (!s_streq (f, "r") && !s_streq (f, "append") && !s_streq (f, "w")))
            return false;
    }
    return true;
}

//  A Maelstrom txn (txn-list-append, txn-rw-register), applied whole: one
//  log entry, so every replica runs it at the same point, with nothing in
//  between -- strict serializable. A read returns the key's value (null
//  when absent); an append to a key holding no list is refused before
//  anything is applied (error 12), so a txn applies entirely or not at all.
static json_t *
s_txn (kv_t *self, json_t *txn)
{
    if (!s_txn_valid (txn))
        return s_error (NODE_ERR_MALFORMED_REQUEST, "txn needs [[f, key, value], ...]");
    size_t i;
    json_t *mop;
    json_array_foreach (txn, i, mop) {
        char *k = s_key (json_array_get (mop, 1));
        assert (k);
        json_t *current = json_object_get (self->map, k);
        free (k);
        if (s_streq (json_string_value (json_array_get (mop, 0)), "append")
        &&  current && !json_is_array (current))
            return s_error (NODE_ERR_MALFORMED_REQUEST, "append to a key that holds no list");
    }
    json_t *out = json_array ();
    json_array_foreach (txn, i, mop) {
        const char *f = json_string_value (json_array_get (mop, 0));
        json_t *key = json_array_get (mop, 1), *value = json_array_get (mop, 2);
        char *k = s_key (key);
        assert (k);
        json_t *current = json_object_get (self->map, k);
        if (s_streq (f, "r"))
            json_array_append_new (out, json_pack ("[s, O, o]", f, key,
                                   current? json_deep_copy (current): json_null ()));
        else {
            if (s_streq (f, "append")) {
                if (!current)
                    json_object_set_new (self->map, k, current = json_array ());
                json_array_append (current, value);
            }
            else
                json_object_set (self->map, k, value);
            json_array_append_new (out, json_pack ("[s, O, O]", f, key, value));
        }
        free (k);
    }
    return json_pack ("{s:s, s:o}", "type", "txn_ok", "txn", out);
}

json_t *
kv_op_from_request (json_t *body, const char *id, bool retry)
{
    const char *type = json_string_value (json_object_get (body, "type"));
    json_t *key = json_object_get (body, "key");
    json_t *txn = json_object_get (body, "txn");
    if (type && s_streq (type, "txn") && json_is_array (txn)) {
        json_t *op = json_pack ("{s:s, s:O}", "f", "txn", "txn", txn);
        if (id)
            json_object_set_new (op, "id", json_string (id));
        if (id && retry)
            json_object_set_new (op, "retry", json_true ());
        return op;
    }
    if (!type || !key)
        return NULL;
    json_t *value = json_object_get (body, "value");
    json_t *from = json_object_get (body, "from");
    json_t *to = json_object_get (body, "to");
    json_t *op = NULL;
    if (s_streq (type, "read"))
        op = json_pack ("{s:s, s:O}", "f", "read", "key", key);
    else
    if (s_streq (type, "write") && value)
        op = json_pack ("{s:s, s:O, s:O}", "f", "write", "key", key, "value", value);
    else
    if (s_streq (type, "cas") && from && to)
        op = json_pack ("{s:s, s:O, s:O, s:O}", "f", "cas", "key", key,
                        "from", from, "to", to);
    if (op && id)
        json_object_set_new (op, "id", json_string (id));
    if (op && id && retry)
        json_object_set_new (op, "retry", json_true ());
    return op;
}

size_t
kv_size (kv_t *self)
{
    assert (self);
    return json_object_size (self->map);
}

json_t *
kv_state (kv_t *self)
{
    assert (self);
    json_t *state = json_array ();
    //  jansson's objects iterate in insertion order: sort by key text.
    size_t size = json_object_size (self->map), at = 0;
    const char **keys = calloc (size + 1, sizeof (char *));
    assert (state && keys);
    const char *key;
    json_t *value;
    json_object_foreach (self->map, key, value)
        keys [at++] = key;
    qsort (keys, size, sizeof (char *), s_compare_text);
    for (at = 0; at < size; at++) {
        json_t *decoded = json_loads (keys [at], JSON_DECODE_ANY, NULL);
        assert (decoded);       // written by s_key: valid JSON
        json_array_append_new (state, json_pack ("[o, O]", decoded,
                               json_object_get (self->map, keys [at])));
    }
    free (keys);
    return state;
}
