/*  model.c -- sequential specifications and the compilation of a history
    into partitions of model ops.

    Compilation applies the source's meaning of fail and info (history.c
    says which), drops ops that did not happen, splits kv histories by key
    (P-compositionality: a kv history is linearizable iff each key's is) and
    interns every value into the partition's blob table, so that a step is a
    few integer compares. Blobs carry a tag byte: 's' a string's bytes,
    'j' other JSON as compact text, 'a' a sorted set of value ids, 'm' a
    multi-register's value ids by key index. Queue states are ids in a
    pqueue_t instead (shared structure: a step costs O(log n), not a copy).
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "edn.h"
#include "hash.h"
#include "model.h"
#include "pqueue.h"

enum {
    K_READ, K_WRITE, K_CAS, K_APPEND, K_TXN, K_ACQUIRE, K_RELEASE,
    K_ADD, K_ENQUEUE, K_DEQUEUE
};
#define S_NIL_RESULT UINT64_MAX     // dequeue answered nil: queue empty

typedef struct {
    size_t off;
    uint32_t len;
    uint64_t hash;
} s_blob_t;

typedef struct {
    uint8_t f;              // 'r' or 'w'
    bool unknown;           // read of nil: Knossos ignores it
    uint32_t key;           // key index
    uint32_t value;         // value blob id
} s_micro_t;

struct _model_part_t {
    model_kind_t kind;
    json_t *key;            // kv: this partition's key
    model_op_t *ops;
    size_t nops, cap;
    uint64_t init;
    uint8_t *bytes;         // blob arena
    size_t nbytes, bytes_cap;
    s_blob_t *blobs;
    size_t nblobs, blobs_cap;
    uint32_t *index;        // open addressing: blob id + 1, 0 = empty
    size_t index_cap;
    uint8_t *scratch;       // building a new blob
    size_t scratch_cap;
    s_micro_t *micro;       // multi-register transactions
    size_t nmicro, micro_cap;
    json_t *keys;           // multi-register: array of key names
    pqueue_t *queues;       // queue: states are ids of these shared queues
    size_t memory_max;      // the search's budget for the blob table, 0 = none
    bool oom;               // an allocation failed or passed memory_max: every
                            // id made since may be wrong, stop the search
};

static const char *s_names [MODEL_COUNT] = {
    "register", "cas-register", "kv", "multi-register", "mutex", "set",
    "counter", "queue"
};

int
model_parse (const char *name)
{
    for (int i = 0; name && i < MODEL_COUNT; i++)
        if (strcmp (name, s_names [i]) == 0)
            return i;
    return -1;
}

const char *
model_name (model_kind_t kind)
{
    assert (kind < MODEL_COUNT);
    return s_names [kind];
}

//  --------------------------------------------------------------------------
//  Blob table

static uint64_t
s_hash (const uint8_t *p, size_t len)
{
    uint64_t h = hash_fnv1a64 (p, len, HASH_FNV1A64_BASIS ^ len);
    return h ^ (h >> 29);
}

//  Out of memory: say so and hand back blob 0 (or nothing: the caller of
//  a step stops at once, see model_part_oom).
static uint32_t
s_oom (model_part_t *self)
{
    self->oom = true;
    return 0;
}

//  Would n more bytes pass the budget?
static bool
s_over (const model_part_t *self, size_t more)
{
    return self->memory_max && model_part_memory (self) + more > self->memory_max;
}

static int
s_index_grow (model_part_t *self)
{
    size_t cap = self->index_cap? self->index_cap * 2: 64;
    uint32_t *index = s_over (self, cap * sizeof (uint32_t))? NULL
                    : calloc (cap, sizeof (uint32_t));
    if (!index)
        return -1;
    free (self->index);
    self->index = index;
    self->index_cap = cap;
    size_t mask = self->index_cap - 1;
    for (size_t id = 0; id < self->nblobs; id++) {
        size_t i = self->blobs [id].hash & mask;
        while (self->index [i])
            i = (i + 1) & mask;
        self->index [i] = (uint32_t) id + 1;
    }
    return 0;
}

static uint32_t
s_intern (model_part_t *self, const uint8_t *p, size_t len)
{
    if (self->oom || !p)
        return s_oom (self);
    if (2 * (self->nblobs + 1) > self->index_cap && s_index_grow (self))
        return s_oom (self);
    uint64_t h = s_hash (p, len);
    size_t mask = self->index_cap - 1;
    size_t i = h & mask;
    while (self->index [i]) {
        s_blob_t *b = &self->blobs [self->index [i] - 1];
        if (b->hash == h && b->len == len && memcmp (self->bytes + b->off, p, len) == 0)
            return self->index [i] - 1;
        i = (i + 1) & mask;
    }
    self->nbytes = (self->nbytes + 3) & ~(size_t) 3;    // id arrays are read as uint32
    if (self->nbytes + len > self->bytes_cap) {
        size_t cap = (self->nbytes + len) * 2 + 256;
        uint8_t *bytes = s_over (self, cap - self->bytes_cap)? NULL: realloc (self->bytes, cap);
        if (!bytes)
            return s_oom (self);
        self->bytes = bytes;
        self->bytes_cap = cap;
    }
    if (self->nblobs == self->blobs_cap) {
        size_t cap = self->blobs_cap? self->blobs_cap * 2: 64;
        s_blob_t *blobs = s_over (self, (cap - self->blobs_cap) * sizeof (s_blob_t))? NULL
                        : realloc (self->blobs, cap * sizeof (s_blob_t));
        if (!blobs)
            return s_oom (self);
        self->blobs = blobs;
        self->blobs_cap = cap;
    }
    memcpy (self->bytes + self->nbytes, p, len);
    self->blobs [self->nblobs] = (s_blob_t) { self->nbytes, (uint32_t) len, h };
    self->nbytes += len;
    self->index [i] = (uint32_t) self->nblobs + 1;
    return (uint32_t) self->nblobs++;
}

//  A buffer of len bytes, or NULL (out of memory: s_intern says so).
static uint8_t *
s_scratch (model_part_t *self, size_t len)
{
    if (len > self->scratch_cap) {
        size_t cap = len * 2 + 64;
        uint8_t *scratch = s_over (self, cap - self->scratch_cap)? NULL
                         : realloc (self->scratch, cap);
        if (!scratch)
            return NULL;
        self->scratch = scratch;
        self->scratch_cap = cap;
    }
    return self->scratch;
}

//  A JSON value's blob: 's' + bytes for strings, 'j' + compact JSON else.
static uint32_t
s_value (model_part_t *self, json_t *value)
{
    if (json_is_string (value)) {
        size_t len = json_string_length (value);
        uint8_t *p = s_scratch (self, len + 1);
        if (!p)
            return s_oom (self);
        p [0] = 's';
        memcpy (p + 1, json_string_value (value), len);
        return s_intern (self, p, len + 1);
    }
    char *text = json_dumps (value? value: json_null (),
                             JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    uint8_t *p = text? s_scratch (self, strlen (text) + 1): NULL;
    if (!p) {
        free (text);
        return s_oom (self);
    }
    size_t len = strlen (text);
    p [0] = 'j';
    memcpy (p + 1, text, len);
    free (text);
    return s_intern (self, p, len + 1);
}

static json_t *
s_value_json (const model_part_t *self, uint32_t id)
{
    const s_blob_t *b = &self->blobs [id];
    const char *p = (const char *) self->bytes + b->off;
    if (p [0] == 's')
        return json_stringn (p + 1, b->len - 1);
    return json_loadb (p + 1, b->len - 1, JSON_DECODE_ANY, NULL);
}

//  A blob of uint32 ids after a 4-byte header (the tag and three zeros), so
//  that the ids are aligned: blobs start at multiples of 4 in the arena.
static uint32_t
s_ids (model_part_t *self, char tag, const uint32_t *ids, size_t n)
{
    uint8_t *p = s_scratch (self, 4 + 4 * n);
    if (!p)
        return s_oom (self);
    memset (p, 0, 4);
    p [0] = (uint8_t) tag;
    memcpy (p + 4, ids, 4 * n);
    return s_intern (self, p, 4 + 4 * n);
}

//  The ids of an id blob. The pointer is good until the next intern.
static size_t
s_ids_of (const model_part_t *self, uint32_t id, const uint32_t **ids)
{
    const s_blob_t *b = &self->blobs [id];
    *ids = (const uint32_t *) (self->bytes + b->off + 4);
    return (b->len - 4) / 4;
}

//  --------------------------------------------------------------------------
//  Steps

static int
s_cmp_u32 (const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    return x < y? -1: x > y;
}

static uint64_t
s_append (model_part_t *self, uint64_t state, uint64_t arg)
{
    const s_blob_t *sb = &self->blobs [state];
    const s_blob_t *ab = &self->blobs [arg];
    //  A nil register appends to ""; a non-string keeps its JSON text
    bool nil = sb->len == 5 && memcmp (self->bytes + sb->off, "jnull", 5) == 0;
    size_t slen = nil? 0: sb->len - 1, alen = ab->len - 1;
    uint8_t *tmp = s_over (self, 1 + slen + alen)? NULL: malloc (1 + slen + alen);
    if (!tmp)
        return s_oom (self);
    tmp [0] = 's';
    memcpy (tmp + 1, self->bytes + sb->off + 1, slen);
    memcpy (tmp + 1 + slen, self->bytes + ab->off + 1, alen);
    uint32_t id = s_intern (self, tmp, 1 + slen + alen);
    free (tmp);
    return id;
}

static bool
s_step_register (model_part_t *self, uint64_t state, const model_op_t *op, uint64_t *next)
{
    bool unknown = op->flags & MODEL_F_UNKNOWN;
    *next = state;
    switch (op->kind) {
        case K_READ:
            return unknown || state == op->out;
        case K_WRITE:
            *next = op->a;
            return true;
        case K_CAS:
            if (op->flags & MODEL_F_CAS_FAILED)
                return state != op->a;
            if (state == op->a)
                *next = op->b;
            return unknown || state == op->a;
        default:
            assert (op->kind == K_APPEND);
            *next = s_append (self, state, op->a);
            return true;
    }
}

static bool
s_step_txn (model_part_t *self, uint64_t state, const model_op_t *op, uint64_t *next)
{
    const uint32_t *vals;
    size_t n = s_ids_of (self, (uint32_t) state, &vals);
    uint32_t *tmp = s_over (self, (n + 1) * sizeof (uint32_t))? NULL
                  : malloc ((n + 1) * sizeof (uint32_t));
    if (!tmp)
        return (*next = s_oom (self)), false;
    memcpy (tmp, vals, n * sizeof (uint32_t));
    bool ok = true, wrote = false;
    for (uint64_t i = op->a; ok && i < op->a + op->b; i++) {
        const s_micro_t *m = &self->micro [i];
        if (m->f == 'w') {
            tmp [m->key] = m->value;
            wrote = true;
        }
        else
        if (!m->unknown && !(op->flags & MODEL_F_UNKNOWN))
            ok = tmp [m->key] == m->value;
    }
    *next = ok && wrote? s_ids (self, 'm', tmp, n): state;
    free (tmp);
    return ok;
}

//  A queue: states are pqueue ids (shared structure, O(log n) a step).
static bool
s_step_queue (model_part_t *self, uint64_t state, const model_op_t *op, uint64_t *next)
{
    bool unknown = op->flags & MODEL_F_UNKNOWN;
    uint32_t q = (uint32_t) state, id = q;
    *next = state;
    if (op->kind == K_ENQUEUE) {
        if (pqueue_push (self->queues, q, (uint32_t) op->a, &id))
            return (*next = s_oom (self)), false;
        *next = id;
        return true;
    }
    if (pqueue_size (self->queues, q) == 0)
        return unknown || op->out == S_NIL_RESULT;
    if (!unknown && pqueue_front (self->queues, q) != op->out)
        return false;
    if (pqueue_pop (self->queues, q, &id))
        return (*next = s_oom (self)), false;
    *next = id;
    return true;
}

//  A set: states are blobs of sorted value ids.
static bool
s_step_set (model_part_t *self, uint64_t state, const model_op_t *op, uint64_t *next)
{
    bool unknown = op->flags & MODEL_F_UNKNOWN;
    const uint32_t *ids;
    size_t n = s_ids_of (self, (uint32_t) state, &ids);
    *next = state;
    if (op->kind == K_READ)
        return unknown || state == op->out;
    assert (op->kind == K_ADD);
    uint32_t *tmp = s_over (self, (n + 1) * sizeof (uint32_t))? NULL
                  : malloc ((n + 1) * sizeof (uint32_t));
    if (!tmp)
        return (*next = s_oom (self)), false;
    memcpy (tmp, ids, n * sizeof (uint32_t));
    tmp [n] = (uint32_t) op->a;
    size_t i = n;                       // sorted, unique
    while (i > 0 && tmp [i - 1] > tmp [i]) {
        uint32_t t = tmp [i - 1];
        tmp [i - 1] = tmp [i];
        tmp [i] = t;
        i--;
    }
    bool dup = (i > 0 && tmp [i - 1] == tmp [i]) || (i < n && tmp [i + 1] == tmp [i]);
    *next = dup? state: s_ids (self, 'a', tmp, n + 1);
    free (tmp);
    return true;
}

bool
model_register_effect (const model_op_t *op, bool *needs, uint64_t *need,
                       bool *sets, uint64_t *set)
{
    assert (op && needs && need && sets && set);
    bool known = !(op->flags & MODEL_F_UNKNOWN);
    bool failed = op->flags & MODEL_F_CAS_FAILED;
    *needs = *sets = false;
    switch (op->kind) {
        case K_READ:
            *needs = known;
            *need = op->out;
            return true;
        case K_WRITE:
            *sets = true;
            *set = op->a;
            return true;
        case K_CAS:
            *needs = known && !failed;
            *need = op->a;
            *sets = !failed;
            *set = op->b;
            return true;
        default:
            return false;
    }
}

bool
model_step (model_part_t *self, uint64_t state, const model_op_t *op, uint64_t *next)
{
    bool unknown = op->flags & MODEL_F_UNKNOWN;
    switch (self->kind) {
        case MODEL_REGISTER:
        case MODEL_CAS_REGISTER:
        case MODEL_KV:
            return s_step_register (self, state, op, next);
        case MODEL_MULTI_REGISTER:
            return s_step_txn (self, state, op, next);
        case MODEL_MUTEX:
            if (op->kind == K_ACQUIRE) {
                *next = 1;
                return state == 0 || (unknown && (*next = state, true));
            }
            *next = 0;
            return state == 1 || (unknown && (*next = state, true));
        case MODEL_COUNTER:
            if (op->kind == K_ADD) {
                //  past 64 bits Clojure's + throws (ArithmeticException): no
                //  such add took effect, rather than one that wrapped
                int64_t sum;
                if (__builtin_add_overflow ((int64_t) state, (int64_t) op->a, &sum))
                    return false;
                *next = (uint64_t) sum;
                return true;
            }
            *next = state;
            return unknown || state == op->out;
        case MODEL_QUEUE:
            return s_step_queue (self, state, op, next);
        default:
            return s_step_set (self, state, op, next);
    }
}

//  --------------------------------------------------------------------------
//  Compilation

typedef struct {
    const ophistory_t *history;
    const char *file;
    model_kind_t kind;
    json_t *init;
    char *error;
} s_compiler_t;

static int
s_bad (s_compiler_t *c, const op_t *op, const char *what)
{
    if (asprintf (&c->error, "%s:%d: %s", c->file, op->line_call, what) < 0)
        c->error = NULL;
    return -1;
}

static model_part_t *
s_part_new (model_kind_t kind, json_t *key)
{
    model_part_t *self = calloc (1, sizeof (model_part_t));
    assert (self);
    self->kind = kind;
    self->key = key;
    if (kind == MODEL_QUEUE && !(self->queues = pqueue_new ()))
        s_oom (self);
    return self;
}

static model_op_t *
s_part_add (model_part_t *self)
{
    if (self->nops == self->cap) {
        size_t cap = self->cap? self->cap * 2: 64;
        model_op_t *ops = realloc (self->ops, cap * sizeof (model_op_t));
        if (!ops)
            return s_oom (self), NULL;
        self->ops = ops;
        self->cap = cap;
    }
    model_op_t *op = &self->ops [self->nops++];
    memset (op, 0, sizeof (*op));
    return op;
}

static int
s_f_code (model_kind_t kind, const char *f)
{
    #define IS(name) (strcmp (f, name) == 0)
    switch (kind) {
        case MODEL_REGISTER:
            return IS ("read")? K_READ: IS ("write")? K_WRITE: -1;
        case MODEL_CAS_REGISTER:
            return IS ("read")? K_READ: IS ("write")? K_WRITE: IS ("cas")? K_CAS: -1;
        case MODEL_KV:
            return IS ("read") || IS ("get")? K_READ: IS ("write") || IS ("put")? K_WRITE
                 : IS ("cas")? K_CAS: IS ("append")? K_APPEND: -1;
        case MODEL_MULTI_REGISTER:
            return IS ("txn")? K_TXN: -1;
        case MODEL_MUTEX:
            return IS ("acquire")? K_ACQUIRE: IS ("release")? K_RELEASE: -1;
        case MODEL_SET:
            return IS ("add")? K_ADD: IS ("read")? K_READ: -1;
        case MODEL_COUNTER:
            return IS ("add") || IS ("increment")? K_ADD: IS ("read")? K_READ: -1;
        default:
            return IS ("enqueue")? K_ENQUEUE: IS ("dequeue")? K_DEQUEUE: -1;
    }
    #undef IS
}

static uint32_t
s_key_index (model_part_t *self, json_t *key)
{
    char *text = json_dumps (key, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    assert (text);
    size_t i;
    for (i = 0; i < json_array_size (self->keys); i++)
        if (strcmp (json_string_value (json_array_get (self->keys, i)), text) == 0)
            break;
    if (i == json_array_size (self->keys))
        json_array_append_new (self->keys, json_string (text));
    free (text);
    return (uint32_t) i;
}

//  Has the history used this key?
static bool
s_key_known (model_part_t *self, json_t *key)
{
    char *text = json_dumps (key, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    bool known = false;
    for (size_t i = 0; text && !known && i < json_array_size (self->keys); i++)
        known = strcmp (json_string_value (json_array_get (self->keys, i)), text) == 0;
    free (text);
    return known;
}

static int
s_compile_txn (s_compiler_t *c, model_part_t *part, const op_t *src, model_op_t *op,
               bool result_known)
{
    json_t *txn = result_known && json_is_array (src->out)? src->out: src->in;
    if (!json_is_array (txn))
        return s_bad (c, src, "txn value must be a vector of [f k v]");
    op->a = part->nmicro;
    op->b = json_array_size (txn);
    for (size_t i = 0; i < json_array_size (txn); i++) {
        json_t *m = json_array_get (txn, i);
        json_t *mf = json_array_get (m, 0);
        if (json_array_size (m) != 3 || !json_is_string (mf)
        || (strcmp (edn_name (json_string_value (mf)), "read")
            && strcmp (edn_name (json_string_value (mf)), "write")))
            return s_bad (c, src, "txn micro-op must be [:read k v] or [:write k v]");
        if (part->nmicro == part->micro_cap) {
            size_t cap = part->micro_cap? part->micro_cap * 2: 64;
            s_micro_t *micro = realloc (part->micro, cap * sizeof (s_micro_t));
            if (!micro)
                return s_oom (part), 0;
            part->micro = micro;
            part->micro_cap = cap;
        }
        json_t *v = json_array_get (m, 2);
        part->micro [part->nmicro++] = (s_micro_t) {
            .f = edn_name (json_string_value (mf)) [0] == 'r'? 'r': 'w',
            .unknown = json_is_null (v) || !result_known,
            .key = s_key_index (part, json_array_get (m, 1)),
            .value = s_value (part, v) };
    }
    return 0;
}

static int
s_int_arg (s_compiler_t *c, const op_t *src, json_t *v, uint64_t *out)
{
    if (!json_is_integer (v))
        return s_bad (c, src, "counter values must be integers");
    *out = (uint64_t) json_integer_value (v);
    return 0;
}

static int
s_set_arg (s_compiler_t *c, model_part_t *part, const op_t *src, json_t *v, uint64_t *out)
{
    if (json_is_null (v)) {         // a value no set state equals
        *out = s_value (part, v);
        return 0;
    }
    v = edn_set_elements (v);
    if (!v)
        return s_bad (c, src, "a set read must return a collection");
    size_t n = json_array_size (v);
    uint32_t *ids = malloc ((n + 1) * sizeof (uint32_t));
    if (!ids)
        return (*out = s_oom (part)), 0;
    for (size_t i = 0; i < n; i++)
        ids [i] = s_value (part, json_array_get (v, i));
    qsort (ids, n, sizeof (uint32_t), s_cmp_u32);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || ids [u - 1] != ids [i])
            ids [u++] = ids [i];
    *out = s_ids (part, 'a', ids, u);
    free (ids);
    return 0;
}

//  The op's arguments and result, interned in its partition.
static int
s_compile_args (s_compiler_t *c, model_part_t *part, const op_t *src, model_op_t *op,
                json_t *in, json_t *out)
{
    bool known = !(op->flags & MODEL_F_UNKNOWN);
    switch (op->kind) {
        case K_READ:
            if (!known)
                return 0;
            if (c->kind == MODEL_SET)
                return s_set_arg (c, part, src, out, &op->out);
            if (c->kind == MODEL_COUNTER)
                return s_int_arg (c, src, out, &op->out);
            op->out = s_value (part, out);
            return 0;
        case K_WRITE:
        case K_APPEND:
        case K_ENQUEUE:
            op->a = s_value (part, in);
            return 0;
        case K_ADD:
            if (c->kind == MODEL_COUNTER)
                return s_int_arg (c, src, in, &op->a);
            op->a = s_value (part, in);
            return 0;
        case K_CAS:
            if (!json_is_array (in) || json_array_size (in) != 2)
                return s_bad (c, src, "cas value must be [from to]");
            op->a = s_value (part, json_array_get (in, 0));
            op->b = s_value (part, json_array_get (in, 1));
            return 0;
        case K_DEQUEUE:
            if (known)
                op->out = json_is_null (out)? S_NIL_RESULT: s_value (part, out);
            return 0;
        case K_TXN:
            return s_compile_txn (c, part, src, op, known);
        default:
            return 0;
    }
}

//  Which partition an op goes to; kv ops may carry [k v] values.
static model_part_t *
s_route (s_compiler_t *c, json_t *map, model_part_t ***parts, size_t *nparts,
         const op_t *src, json_t **in, json_t **out)
{
    if (c->kind != MODEL_KV) {
        if (*nparts == 0) {
            *parts = malloc (sizeof (model_part_t *));
            assert (*parts);
            (*parts) [(*nparts)++] = s_part_new (c->kind, NULL);
        }
        return (*parts) [0];
    }
    json_t *key = src->key;
    if (!key) {
        if (!json_is_array (src->in) || json_array_size (src->in) != 2) {
            s_bad (c, src, "kv op without a key (a :key field or a [k v] value)");
            return NULL;
        }
        key = json_array_get (src->in, 0);
        *in = json_array_get (src->in, 1);
        *out = json_is_array (src->out) && json_array_size (src->out) == 2?
               json_array_get (src->out, 1): src->out;
    }
    char *text = json_dumps (key, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    assert (text);
    json_t *slot = json_object_get (map, text);
    if (!slot) {
        model_part_t **more = realloc (*parts, (*nparts + 1) * sizeof (model_part_t *));
        if (!more) {
            free (text);
            s_bad (c, src, "out of memory: too many keys");
            return NULL;
        }
        *parts = more;
        slot = json_integer ((json_int_t) *nparts);
        json_object_set_new (map, text, slot);
        (*parts) [(*nparts)++] = s_part_new (c->kind, key);
    }
    free (text);
    return (*parts) [json_integer_value (slot)];
}

//  Knossos's rule: in EDN an ok read of nil from a register (register,
//  cas-register, a kv key, including a [k nil] read) means "value unknown".
//  It is a register rule only: a dequeue of nil means the queue was empty, and
//  for a set or a counter nil is a value like any other that must match.
static bool
s_nil_unknown (const s_compiler_t *c, const op_t *src, int code, json_t *out)
{
    bool register_like = c->kind == MODEL_REGISTER || c->kind == MODEL_CAS_REGISTER
                      || c->kind == MODEL_KV;
    return register_like && code == K_READ && src->type == OP_OK
        && ophistory_format (c->history) == OPHISTORY_EDN && json_is_null (out);
}

static int
s_compile_op (s_compiler_t *c, json_t *map, model_part_t ***parts, size_t *nparts,
              uint32_t index)
{
    const op_t *src = ophistory_op (c->history, index);
    int code = s_f_code (c->kind, src->f);
    if (code < 0) {
        //  The models that know the f: the model was likely guessed wrong
        char what [300], knows [160] = "";
        size_t used = 0;
        for (int k = 0; k < MODEL_COUNT && used < sizeof knows; k++)
            if (s_f_code ((model_kind_t) k, src->f) >= 0)
                used += (size_t) snprintf (knows + used, sizeof knows - used, "%s%s",
                                           used? " or ": "", s_names [k]);
        if (used)
            snprintf (what, sizeof (what), "unknown f '%s' for model '%s' (give --model %s)",
                      src->f, s_names [c->kind], knows);
        else
            snprintf (what, sizeof (what), "unknown f '%s' for model '%s' (no model knows it:"
                      " ./harness check --help lists them)", src->f, s_names [c->kind]);
        return s_bad (c, src, what);
    }
    op_outcome_t outcome = ophistory_op_outcome (c->history, src);
    if (outcome == OP_OUTCOME_SKIP)
        return 0;
    json_t *in = src->in, *out = src->out;
    model_part_t *part = s_route (c, map, parts, nparts, src, &in, &out);
    if (!part)
        return -1;
    //  Out of memory: the partition is incomplete, its search will say
    //  unknown (memory) without running
    model_op_t *op = part->oom? NULL: s_part_add (part);
    if (!op)
        return 0;
    op->call = src->call;
    op->ret = src->ret;
    op->hist = index;
    op->kind = (uint8_t) code;
    if (outcome == OP_OUTCOME_UNKNOWN || s_nil_unknown (c, src, code, out))
        op->flags |= MODEL_F_UNKNOWN;
    if (outcome == OP_OUTCOME_CAS_FAILED) {
        if (code != K_CAS)
            return s_bad (c, src, "only a cas can fail after running");
        op->flags |= MODEL_F_CAS_FAILED;
    }
    if (s_compile_args (c, part, src, op, in, out))
        return -1;
    if (code == K_READ || (op->flags & MODEL_F_CAS_FAILED))
        op->flags |= MODEL_F_PURE;
    if (code == K_TXN) {
        bool writes = false;
        for (uint64_t i = op->a; i < op->a + op->b; i++)
            writes |= part->micro [i].f == 'w';
        if (!writes)
            op->flags |= MODEL_F_PURE;
    }
    return 0;
}

//  The initial set or queue from --init's elements: a set sorted without
//  duplicates, a queue in the order given.
static void
s_init_collection (s_compiler_t *c, model_part_t *part, json_t *init)
{
    init = edn_set_elements (init);
    size_t n = json_array_size (init);
    uint32_t *ids = malloc ((n + 1) * sizeof (uint32_t));
    assert (ids);
    for (size_t i = 0; i < n; i++)
        ids [i] = s_value (part, json_array_get (init, i));
    if (c->kind == MODEL_SET) {
        qsort (ids, n, sizeof (uint32_t), s_cmp_u32);
        size_t u = 0;
        for (size_t i = 0; i < n; i++)
            if (u == 0 || ids [u - 1] != ids [i])
                ids [u++] = ids [i];
        n = u;
    }
    uint32_t q = 0;     // the empty queue
    for (size_t i = 0; c->kind == MODEL_QUEUE && i < n && !part->oom; i++)
        if (pqueue_push (part->queues, q, ids [i], &q))
            s_oom (part);
    part->init = c->kind == MODEL_SET? s_ids (part, 'a', ids, n): q;
    free (ids);
}

//  The initial registers of a multi-register from --init's map. Its keys
//  are names: one names the history's keyword key (:x) if it has one, else
//  a string key ("x"); a register --init leaves out starts nil.
static void
s_init_registers (model_part_t *part, json_t *init)
{
    const char *name;
    json_t *v;
    json_object_foreach (init, name, v) {
        char *keyword = NULL;
        json_t *k = asprintf (&keyword, ":%s", name) < 0? NULL: json_string (keyword);
        if (!k || !s_key_known (part, k)) {
            json_decref (k);
            k = json_string (name);
        }
        s_key_index (part, k);
        json_decref (k);
        free (keyword);
    }
    size_t n = json_array_size (part->keys);
    uint32_t *ids = malloc ((n + 1) * sizeof (uint32_t));
    assert (ids);
    for (size_t i = 0; i < n; i++) {
        json_t *k = json_loads (json_string_value (json_array_get (part->keys, i)),
                                JSON_DECODE_ANY, NULL);
        json_t *iv = json_is_string (k)? json_object_get (init, edn_name (json_string_value (k))): NULL;
        json_decref (k);
        ids [i] = s_value (part, iv? iv: json_null ());
    }
    part->init = s_ids (part, 'm', ids, n);
    free (ids);
}

//  A kv key's initial value in --init's map, or NULL. A string key is
//  named as itself (a keyword without its colon); any other is the map's
//  key whose text, read as JSON, is the same value: compared with object
//  members sorted, since the history's reader and the EDN reader sort a
//  map's keys while a JSON --init keeps the order it was written in.
static json_t *
s_init_of_key (json_t *init, json_t *key)
{
    if (json_is_string (key))
        return json_object_get (init, edn_name (json_string_value (key)));
    size_t flags = JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS;
    char *want = json_dumps (key, flags);
    json_t *found = want? json_object_get (init, want): NULL;
    const char *name;
    json_t *value;
    json_object_foreach (init, name, value) {
        if (found || !want)
            break;              //  (written in the member order: found at once)
        json_t *k = json_loads (name, JSON_DECODE_ANY, NULL);
        char *text = k? json_dumps (k, flags): NULL;
        if (text && strcmp (text, want) == 0)
            found = value;
        free (text);
        json_decref (k);
    }
    free (want);
    return found;
}

const char *
model_init_unfit (model_kind_t kind, json_t *init)
{
    if (!init || json_is_null (init))
        return NULL;
    switch (kind) {
        case MODEL_COUNTER:
            return json_is_integer (init)? NULL: "an integer";
        case MODEL_SET:
        case MODEL_QUEUE:
            return edn_set_elements (init)? NULL: "a vector, list or set of elements";
        case MODEL_MUTEX:
            return json_is_boolean (init)? NULL: "true (held) or false (free)";
        case MODEL_MULTI_REGISTER:
            return json_is_object (init) && edn_set_elements (init) == NULL? NULL
                 : "a map of register names to values";
        default:
            return NULL;
    }
}

//  The initial state of a partition from --init (model_init_unfit said
//  it fits).
static int
s_init (s_compiler_t *c, model_part_t *part)
{
    json_t *init = c->init? c->init: json_null ();
    switch (c->kind) {
        case MODEL_KV:
            if (json_is_object (init) && part->key) {
                json_t *v = s_init_of_key (init, part->key);
                init = v? v: json_null ();
            }
            part->init = s_value (part, init);
            return 0;
        case MODEL_MUTEX:
            part->init = json_is_true (init);
            return 0;
        case MODEL_COUNTER:
            part->init = json_is_integer (init)? (uint64_t) json_integer_value (init): 0;
            return 0;
        case MODEL_SET:
        case MODEL_QUEUE:
            s_init_collection (c, part, init);
            return 0;
        case MODEL_MULTI_REGISTER:
            s_init_registers (part, init);
            return 0;
        default:
            part->init = s_value (part, init);
            return 0;
    }
}

static bool
s_is_pair (json_t *value)
{
    return json_is_array (value) && json_array_size (value) == 2;
}

//  A [k v] tuple as Jepsen's independent checker writes it: reads and
//  writes [k v], cas [k [from to]], completions too when they have a value.
static bool
s_is_kv_tuple (const op_t *op)
{
    bool cas = strcmp (op->f, "cas") == 0;
    if (!cas && strcmp (op->f, "read") && strcmp (op->f, "write"))
        return false;
    if (!s_is_pair (op->in) || (cas && !s_is_pair (json_array_get (op->in, 1))))
        return false;
    return op->type != OP_OK || json_is_null (op->out) || s_is_pair (op->out);
}

//  The model of a history given none: kv when the first op has a key, or when every op is a read,
//  write or cas on [k v] tuples; else cas-register.
model_kind_t
model_guess (const ophistory_t *history)
{
    size_t n = ophistory_size (history);
    if (n > 0 && ophistory_op (history, 0)->key)
        return MODEL_KV;
    size_t i = 0;
    while (i < n && s_is_kv_tuple (ophistory_op (history, i)))
        i++;
    return n > 0 && i == n? MODEL_KV: MODEL_CAS_REGISTER;
}

model_part_t **
model_partition (const ophistory_t *history, model_kind_t kind, json_t *init,
                 const char *file, size_t *nparts, char **error)
{
    assert (history && nparts && error);
    s_compiler_t c = { history, file, kind, init, NULL };
    json_t *map = json_object ();
    model_part_t **parts = NULL;
    *nparts = 0;
    *error = NULL;
    parts = malloc (sizeof (model_part_t *));   // non-NULL even for no parts
    assert (parts);
    if (kind != MODEL_KV)
        parts [(*nparts)++] = s_part_new (kind, NULL);
    if (kind == MODEL_MULTI_REGISTER)
        parts [0]->keys = json_array ();
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < ophistory_size (history); i++)
        rc = s_compile_op (&c, map, &parts, nparts, (uint32_t) i);
    for (size_t i = 0; rc == 0 && i < *nparts; i++)
        rc = s_init (&c, parts [i]);
    json_decref (map);
    if (rc) {
        *error = c.error? c.error: strdup ("cannot compile history");
        model_parts_destroy (&parts, *nparts);
        *nparts = 0;
    }
    return parts;
}

void
model_parts_destroy (model_part_t ***parts_p, size_t nparts)
{
    assert (parts_p);
    model_part_t **parts = *parts_p;
    if (!parts)
        return;
    for (size_t i = 0; i < nparts; i++) {
        model_part_t *self = parts [i];
        free (self->ops);
        free (self->bytes);
        free (self->blobs);
        free (self->index);
        free (self->scratch);
        free (self->micro);
        json_decref (self->keys);
        pqueue_destroy (&self->queues);
        free (self);
    }
    free (parts);
    *parts_p = NULL;
}

size_t model_part_size (const model_part_t *self) { assert (self); return self->nops; }
model_op_t *model_part_ops (model_part_t *self) { assert (self); return self->ops; }
uint64_t model_part_init (const model_part_t *self) { assert (self); return self->init; }
json_t *model_part_key (const model_part_t *self) { assert (self); return self->key; }

size_t
model_part_memory (const model_part_t *self)
{
    assert (self);
    return self->bytes_cap + self->blobs_cap * sizeof (s_blob_t)
         + self->index_cap * sizeof (uint32_t) + self->cap * sizeof (model_op_t)
         + self->scratch_cap + self->micro_cap * sizeof (s_micro_t)
         + (self->queues? pqueue_memory (self->queues): 0);
}

model_op_class_t
model_op_class (const model_part_t *self, const model_op_t *op)
{
    assert (self && op);
    if (self->kind != MODEL_REGISTER && self->kind != MODEL_CAS_REGISTER
    &&  self->kind != MODEL_KV)
        return MODEL_OP_OTHER;
    return op->kind == K_READ? MODEL_OP_READ: op->kind == K_WRITE? MODEL_OP_WRITE
         : op->kind == K_CAS? MODEL_OP_CAS: MODEL_OP_OTHER;
}

void
model_part_memory_max (model_part_t *self, size_t bytes)
{
    assert (self);
    self->memory_max = bytes;
    if (self->queues) {
        size_t other = model_part_memory (self) - pqueue_memory (self->queues);
        pqueue_memory_max (self->queues, bytes == 0? 0: bytes > other? bytes - other: 1);
    }
}

bool
model_part_oom (const model_part_t *self)
{
    assert (self);
    return self->oom;
}

json_t *
model_state_json (const model_part_t *self, uint64_t state)
{
    assert (self);
    bool blob = self->kind != MODEL_MUTEX && self->kind != MODEL_COUNTER
             && self->kind != MODEL_QUEUE;
    if (blob && state >= self->nblobs)
        return json_null ();        // out of memory before it was made
    switch (self->kind) {
        case MODEL_MUTEX:
            return json_string (state? "locked": "free");
        case MODEL_COUNTER:
            return json_integer ((json_int_t) state);
        case MODEL_QUEUE: {
            if (!self->queues)
                return json_null ();
            size_t n = pqueue_size (self->queues, (uint32_t) state);
            uint32_t *ids = malloc ((n + 1) * sizeof (uint32_t));
            json_t *array = json_array ();
            if (ids)
                pqueue_values (self->queues, (uint32_t) state, ids);
            for (size_t i = 0; ids && i < n; i++)
                json_array_append_new (array, s_value_json (self, ids [i]));
            free (ids);
            return array;
        }
        case MODEL_SET: {
            const uint32_t *ids;
            size_t n = s_ids_of (self, (uint32_t) state, &ids);
            json_t *array = json_array ();
            for (size_t i = 0; i < n; i++)
                json_array_append_new (array, s_value_json (self, ids [i]));
            return array;
        }
        case MODEL_MULTI_REGISTER: {
            const uint32_t *ids;
            size_t n = s_ids_of (self, (uint32_t) state, &ids);
            json_t *map = json_object ();
            for (size_t i = 0; i < n; i++) {
                json_t *k = json_loads (json_string_value (json_array_get (self->keys, i)),
                                        JSON_DECODE_ANY, NULL);
                json_object_set_new (map, json_is_string (k)? json_string_value (k)
                                     : json_string_value (json_array_get (self->keys, i)),
                                     s_value_json (self, ids [i]));
                json_decref (k);
            }
            return map;
        }
        default:
            return s_value_json (self, (uint32_t) state);
    }
}
