/*  seq_kv.c -- seq-kv's window of states and its senders (see seq_kv.h).

    Maelstrom keeps 32 whole states (persistent Clojure maps, shared
    structure); copying a C map per write would cost O(keys) each time.
    But consecutive states differ in at most one key, since every KV op
    touches one. So the window is the oldest state as a map (base) plus a
    ring of the changes that lead from it to each later one:

        state oldest + i  =  base + changes [0] + ... + changes [i - 1]

    A change is (key, value), or no key for a state equal to the one
    before. A lookup scans at most 31 changes back from the state asked
    for; when the window is full, appending folds the oldest change into
    base. Invariants: count <= FL_SEQ_KV_STATES - 1; the newest state is
    oldest + count; newest_keys is the number of keys in it; every
    session's number is <= the newest (it may be below the oldest, read
    as the oldest).
*/
#include <czmq.h>
#include "limits.h"
#include "seq_kv.h"

#define CHANGES_MAX (FL_SEQ_KV_STATES - 1)

typedef struct {
    char *key;              //  the key changed, or NULL: no change
    json_t *value;          //  its new value
} s_change_t;

struct _seq_kv_t {
    kv_map_t *base;         //  the state number 'oldest'
    s_change_t changes [CHANGES_MAX];
    size_t head;            //  ring index of the change out of 'oldest'
    size_t count;           //  changes held
    int64_t oldest;
    size_t newest_keys;
    zhashx_t *sessions;     //  src -> int64_t *: the state it last used
};

static void
s_session_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

seq_kv_t *
seq_kv_new (void)
{
    seq_kv_t *self = (seq_kv_t *) zmalloc (sizeof (seq_kv_t));
    assert (self);
    self->base = kv_map_new ();
    self->sessions = zhashx_new ();
    assert (self->sessions);
    zhashx_set_destructor (self->sessions, s_session_free);
    return self;
}

void
seq_kv_destroy (seq_kv_t **self_p)
{
    assert (self_p);
    seq_kv_t *self = *self_p;
    if (!self)
        return;
    for (size_t index = 0; index < self->count; index++) {
        s_change_t *change = &self->changes [(self->head + index) % CHANGES_MAX];
        free (change->key);
        json_decref (change->value);
    }
    kv_map_destroy (&self->base);
    zhashx_destroy (&self->sessions);
    free (self);
    *self_p = NULL;
}

int64_t
seq_kv_newest (seq_kv_t *self)
{
    assert (self);
    return self->oldest + (int64_t) self->count;
}

int64_t
seq_kv_oldest (seq_kv_t *self)
{
    assert (self);
    return self->oldest;
}

int64_t
seq_kv_session (seq_kv_t *self, const char *src)
{
    assert (self && src);
    int64_t *number = (int64_t *) zhashx_lookup (self->sessions, src);
    return number? *number: -1;
}

//  The value of key in state 'number' (oldest <= number <= newest), or
//  NULL when the key does not exist there. Borrowed.
static json_t *
s_lookup (seq_kv_t *self, int64_t number, const char *key)
{
    assert (number >= self->oldest && number <= seq_kv_newest (self));
    for (size_t index = (size_t) (number - self->oldest); index > 0; index--) {
        s_change_t *change = &self->changes [(self->head + index - 1) % CHANGES_MAX];
        if (change->key && streq (change->key, key))
            return change->value;
    }
    return kv_map_get (self->base, key);
}

//  Append a state: the newest with key set to value (takes value), or
//  equal to the newest when key is NULL.
static void
s_append (seq_kv_t *self, const char *key, json_t *value)
{
    if (self->count == CHANGES_MAX) {
        s_change_t *old = &self->changes [self->head];
        if (old->key)
            kv_map_set (self->base, old->key, old->value);
        free (old->key);
        *old = (s_change_t) { NULL, NULL };
        self->head = (self->head + 1) % CHANGES_MAX;
        self->count--;
        self->oldest++;
    }
    s_change_t *change = &self->changes [(self->head + self->count) % CHANGES_MAX];
    change->key = key? strdup (key): NULL;
    change->value = value;
    self->count++;
}

//  The sender's session, created at -1 (none yet) when there is room.
//  NULL when FL_SERVICE_SESSIONS_MAX senders are known already.
static int64_t *
s_session (seq_kv_t *self, const char *src)
{
    int64_t *number = (int64_t *) zhashx_lookup (self->sessions, src);
    if (number || zhashx_size (self->sessions) >= FL_SERVICE_SESSIONS_MAX)
        return number;
    number = (int64_t *) zmalloc (sizeof (int64_t));
    assert (number);
    *number = -1;
    zhashx_insert (self->sessions, src, number);
    return number;
}

json_t *
seq_kv_apply (seq_kv_t *self, rng_t *rng, const char *src, const kv_op_t *op)
{
    assert (self && rng && src && op);
    int64_t *session = s_session (self, src);
    if (!session)
        return kv_error (KV_ERR_ABORT, "seq-kv knows FL_SERVICE_SESSIONS_MAX (%d) senders "
                         "already; '%s' is one too many", FL_SERVICE_SESSIONS_MAX, src);
    int64_t newest = seq_kv_newest (self);
    int64_t start = *session < self->oldest? self->oldest: *session;
    int64_t picked = rng_range (rng, start, newest);
    kv_outcome_t out;
    kv_decide (op, s_lookup (self, picked, op->key), true, &out);
    if (!out.store) {
        *session = picked;
        return out.reply;
    }
    //  It would change the state: decide again on the newest, append.
    kv_outcome_release (&out);
    json_t *current = s_lookup (self, newest, op->key);
    kv_decide (op, current, true, &out);
    bool new_key = out.store && !current;
    if (kv_bound (op, &out, new_key, self->newest_keys)) {
        *session = picked;
        return out.reply;
    }
    s_append (self, out.store? op->key: NULL, out.store);
    out.store = NULL;
    self->newest_keys += new_key;
    *session = seq_kv_newest (self);
    return out.reply;
}
