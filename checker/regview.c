/*  regview.c -- a history as reads and writes of unique values, with
    reads-from, chains of program order, and causal order's vector clocks.

    Everything is linear or n log n in the ops: values are found through a
    hash table of their JSON text (an integer is printed, not dumped), ops
    are grouped per key and sorted by (chain, place) so that "the last write
    of key x on chain c before place i" is a binary search, and the clocks
    are filled in one topological pass (Kahn), n * chains cells. That is the
    whole cost the checks build on: FL_CAUSAL_CLOCK_CELLS_MAX bounds it.
*/
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "limits.h"
#include "edn.h"
#include "regview.h"
#include "opjson.h"

typedef struct {
    char *text;
    uint64_t hash;
    int32_t value;
} s_entry_t;

typedef struct {
    s_entry_t *slots;
    size_t cap, used;
} s_table_t;

struct _regview_t {
    const ophistory_t *history;
    regview_op_t *ops;
    size_t nops;
    size_t nchains, nkeys;
    uint32_t *chain_ops;    // ops of every chain, chain after chain
    uint32_t *chain_start;  // nchains + 1 offsets into chain_ops
    uint32_t *by_key;       // writes then reads of every key, by (chain, pos)
    uint32_t *write_start;  // nkeys + 1 offsets into by_key (writes)
    uint32_t *read_start;   // nkeys + 1 offsets into by_key (reads)
    json_t **key_values;    // key id -> its json (borrowed)
    uint32_t *write_at;     // (key, chain) -> offset into by_key, when the
    uint32_t *read_at;      // table fits REGVIEW_TABLE_MAX; else NULL
};

//  Entries of the (key, chain) tables: past this (many keys and chains),
//  regview_last searches a key's whole range instead.
#define REGVIEW_TABLE_MAX (1 << 22)

//  --------------------------------------------------------------------------
//  A string -> int table (open addressing, power-of-two capacity)

static int32_t *
s_table_slot (s_table_t *self, const char *text, bool *fresh)
{
    if (2 * (self->used + 1) > self->cap) {
        s_table_t bigger = { calloc (self->cap? self->cap * 2: 1024, sizeof (s_entry_t)),
                             self->cap? self->cap * 2: 1024, 0 };
        if (!bigger.slots)
            return NULL;
        for (size_t i = 0; i < self->cap; i++)
            if (self->slots [i].text) {
                size_t j = self->slots [i].hash & (bigger.cap - 1);
                while (bigger.slots [j].text)
                    j = (j + 1) & (bigger.cap - 1);
                bigger.slots [j] = self->slots [i];
                bigger.used++;
            }
        free (self->slots);
        *self = bigger;
    }
    uint64_t h = hash_fnv1a64 (text, strlen (text), HASH_FNV1A64_BASIS);
    size_t i = h & (self->cap - 1);
    while (self->slots [i].text
    &&    (self->slots [i].hash != h || strcmp (self->slots [i].text, text)))
        i = (i + 1) & (self->cap - 1);
    *fresh = !self->slots [i].text;
    if (*fresh) {
        if (!(self->slots [i].text = strdup (text)))
            return NULL;
        self->slots [i].hash = h;
        self->slots [i].value = -1;
        self->used++;
    }
    return &self->slots [i].value;
}

static int32_t
s_table_get (s_table_t *self, const char *text)
{
    if (!self->cap)
        return -1;
    uint64_t h = hash_fnv1a64 (text, strlen (text), HASH_FNV1A64_BASIS);
    size_t i = h & (self->cap - 1);
    while (self->slots [i].text) {
        if (self->slots [i].hash == h && strcmp (self->slots [i].text, text) == 0)
            return self->slots [i].value;
        i = (i + 1) & (self->cap - 1);
    }
    return -1;
}

static void
s_table_release (s_table_t *self)
{
    for (size_t i = 0; i < self->cap; i++)
        free (self->slots [i].text);
    free (self->slots);
}

//  "KEY|VALUE" as text: the identity of a value of a key. Integers printed,
//  anything else dumped compact. buf of at least 64 bytes; returns buf or a
//  malloc'd string (*owned set).
static char *
s_text (json_t *value, uint32_t key, char *buf, size_t size, bool *owned)
{
    *owned = false;
    if (!value || json_is_null (value)) {
        snprintf (buf, size, "%" PRIu32 "|null", key);
        return buf;
    }
    if (json_is_integer (value)) {
        snprintf (buf, size, "%" PRIu32 "|%" JSON_INTEGER_FORMAT, key, json_integer_value (value));
        return buf;
    }
    char *dump = json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    char *text = NULL;
    if (dump && asprintf (&text, "%" PRIu32 "|%s", key, dump) < 0)
        text = NULL;
    free (dump);
    *owned = text != NULL;
    return text;
}

//  --------------------------------------------------------------------------
//  Reading the history

typedef struct {
    regview_t *self;
    s_table_t keys, values;
    json_t *init;
    bool tuples;            // keys and values inside [k v] values
    char *reason;
} s_build_t;

static int
s_refuse (s_build_t *b, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

static int
s_refuse (s_build_t *b, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    if (!b->reason && vasprintf (&b->reason, format, args) < 0)
        b->reason = NULL;
    va_end (args);
    return -1;
}

static int32_t
s_key (s_build_t *b, json_t *key)
{
    char buf [64];
    bool owned, fresh;
    char *text = key? s_text (key, 0, buf, sizeof buf, &owned): "0|null";
    if (!key)
        owned = false;
    int32_t *slot = text? s_table_slot (&b->keys, text, &fresh): NULL;
    if (owned)
        free (text);
    if (!slot)
        return -1;
    if (fresh) {
        json_t **more = realloc (b->self->key_values, (b->self->nkeys + 1) * sizeof (json_t *));
        if (!more)
            return -1;
        b->self->key_values = more;
        more [b->self->nkeys] = key;
        *slot = (int32_t) b->self->nkeys++;
    }
    return *slot;
}

static bool
s_pair (json_t *value)
{
    return json_is_array (value) && json_array_size (value) == 2;
}

//  A [k v] tuple op as Jepsen's independent checker writes them (reads and
//  writes [k v], cas [k [from to]]): check.c's rule for guessing kv.
static bool
s_is_tuple (const op_t *op)
{
    bool cas = strcmp (op->f, "cas") == 0;
    if (!cas && strcmp (op->f, "read") && strcmp (op->f, "write"))
        return false;
    if (!s_pair (op->in) || (cas && !s_pair (json_array_get (op->in, 1))))
        return false;
    return op->type != OP_OK || json_is_null (op->out) || s_pair (op->out);
}

//  True when no op has a key and every op is a [k v] tuple.
static bool
s_tuples (const ophistory_t *h)
{
    size_t n = ophistory_size (h);
    for (size_t i = 0; i < n; i++)
        if (ophistory_op (h, i)->key || !s_is_tuple (ophistory_op (h, i)))
            return false;
    return n > 0;
}

//  What an op is in the view: sets *key, *reads, *writes (values) or
//  returns 1 to leave it out, -1 for an op that is no register op.
static int
s_facts (s_build_t *b, const op_t *op, json_t **key, json_t **reads, json_t **writes)
{
    const ophistory_t *h = b->self->history;
    op_outcome_t outcome = ophistory_op_outcome (h, op);
    bool read = strcmp (op->f, "read") == 0 || strcmp (op->f, "get") == 0;
    bool write = strcmp (op->f, "write") == 0 || strcmp (op->f, "put") == 0;
    bool cas = strcmp (op->f, "cas") == 0;
    *reads = *writes = NULL;
    *key = b->tuples? json_array_get (op->in, 0): op->key;
    json_t *in = b->tuples? json_array_get (op->in, 1): op->in;
    json_t *out = b->tuples && op->out? json_array_get (op->out, 1): op->out;
    if (!read && !write && !cas)
        return s_refuse (b, "line %d: f '%s' is not a register op (read, write, cas)",
                         op->line_call, op->f);
    if (cas && !s_pair (in))
        return s_refuse (b, "line %d: cas value is not [from, to]", op->line_call);
    if (outcome == OP_OUTCOME_SKIP || outcome == OP_OUTCOME_CAS_FAILED)
        return 1;
    bool unknown = outcome == OP_OUTCOME_UNKNOWN;
    if (read) {
        if (unknown || (ophistory_format (h) == OPHISTORY_EDN && (!out || json_is_null (out))))
            return 1;
        *reads = out? out: json_null ();
        return 0;
    }
    *writes = write? in: json_array_get (in, 1);
    if (cas && !unknown)
        *reads = json_array_get (in, 0);
    return 0;
}

//  The initial value of a key, as the kv model reads --init (model.c's
//  s_init): a map gives each key its own (a string key by its name, "x"
//  for :x or "x"; another key by its JSON text; a key left out starts
//  nil), any other value is every key's. One register (no key) starts at
//  the whole value. Borrowed, NULL for nil.
static json_t *
s_key_init (s_build_t *b, json_t *key)
{
    if (!key || !json_is_object (b->init))
        return b->init;
    if (json_is_string (key))
        return json_object_get (b->init, edn_name (json_string_value (key)));
    char *text = json_dumps (key, JSON_ENCODE_ANY | JSON_COMPACT);
    json_t *value = text? json_object_get (b->init, text): NULL;
    free (text);
    return value;
}

static bool
s_is_init (s_build_t *b, json_t *key, json_t *value)
{
    json_t *init = s_key_init (b, key);
    return json_is_null (value) || (init && json_equal (value, init));
}

//  Pass one: the ops kept, their keys, the writes table.
static int
s_collect (s_build_t *b)
{
    regview_t *self = b->self;
    size_t n = ophistory_size (self->history);
    self->ops = calloc (n + 1, sizeof (regview_op_t));
    if (!self->ops)
        return s_refuse (b, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const op_t *op = ophistory_op (self->history, i);
        json_t *key_value, *reads, *writes;
        int rc = s_facts (b, op, &key_value, &reads, &writes);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        int32_t key = s_key (b, key_value);
        if (key < 0)
            return s_refuse (b, "out of memory");
        regview_op_t *v = &self->ops [self->nops++];
        *v = (regview_op_t) { .op = (uint32_t) i, .process = op->process, .key = (uint32_t) key,
                              .reads = reads != NULL, .writes = writes != NULL,
                              .unknown = ophistory_op_outcome (self->history, op) == OP_OUTCOME_UNKNOWN,
                              .source = REGVIEW_NONE, .po_pred = -1,
                              .read_value = reads, .written_value = writes };
        if (writes) {
            char buf [64], kv [96];
            if (s_is_init (b, key_value, writes))
                return s_refuse (b, "line %d: writes %s, the initial value: a read of it "
                                 "could not tell which write it saw", op->line_call,
                                 regview_kv (self, self->nops - 1, writes, kv, sizeof kv));
            bool owned, fresh;
            char *text = s_text (writes, v->key, buf, sizeof buf, &owned);
            int32_t *slot = text? s_table_slot (&b->values, text, &fresh): NULL;
            if (owned)
                free (text);
            if (!slot)
                return s_refuse (b, "out of memory");
            if (!fresh)
                return s_refuse (b, "line %d: %s is written twice (lines %d and %d): "
                                 "reads-from needs values unique per key", op->line_call,
                                 regview_kv (self, self->nops - 1, writes, kv, sizeof kv),
                                 ophistory_op (self->history, self->ops [*slot].op)->line_call,
                                 op->line_call);
            *slot = (int32_t) (self->nops - 1);
        }
    }
    return 0;
}

//  Pass two: each read's source.
static void
s_sources (s_build_t *b)
{
    regview_t *self = b->self;
    for (size_t i = 0; i < self->nops; i++) {
        regview_op_t *v = &self->ops [i];
        if (!v->reads)
            continue;
        if (s_is_init (b, self->key_values [v->key], v->read_value)) {
            v->source = REGVIEW_INIT;
            continue;
        }
        char buf [64];
        bool owned;
        char *text = s_text (v->read_value, v->key, buf, sizeof buf, &owned);
        int32_t w = text? s_table_get (&b->values, text): -1;
        if (owned)
            free (text);
        v->source = w < 0 || (size_t) w == i? REGVIEW_THIN_AIR: w;
    }
}

static int
s_by_process (const void *a, const void *b, void *arg)
{
    const regview_op_t *ops = arg;
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    if (ops [x].process != ops [y].process)
        return ops [x].process < ops [y].process? -1: 1;
    return x < y? -1: x > y;
}

//  Pass three: chains. Each process's ops in invoke order; an unknown op
//  with more ops after it alone on a chain.
static int
s_chains (s_build_t *b)
{
    regview_t *self = b->self;
    size_t n = self->nops;
    uint32_t *order = malloc ((n + 1) * sizeof (uint32_t));
    self->chain_ops = malloc ((n + 1) * sizeof (uint32_t));
    self->chain_start = malloc ((n + 2) * sizeof (uint32_t));
    if (!order || !self->chain_ops || !self->chain_start) {
        free (order);
        return s_refuse (b, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        order [i] = (uint32_t) i;
    qsort_r (order, n, sizeof (uint32_t), s_by_process, self->ops);
    size_t filled = 0;
    for (size_t i = 0; i < n; ) {
        size_t end = i;
        while (end < n && self->ops [order [end]].process == self->ops [order [i]].process)
            end++;
        //  Singletons first, then the process's main chain
        int32_t prev = -1;
        for (size_t j = i; j < end; j++) {
            regview_op_t *v = &self->ops [order [j]];
            v->po_pred = prev;
            if (v->unknown && j + 1 < end) {
                self->chain_start [self->nchains] = (uint32_t) filled;
                v->chain = (uint32_t) self->nchains++;
                v->pos = 0;
                self->chain_ops [filled++] = order [j];
            }
            else
                prev = (int32_t) order [j];
        }
        self->chain_start [self->nchains] = (uint32_t) filled;
        uint32_t pos = 0;
        for (size_t j = i; j < end; j++) {
            regview_op_t *v = &self->ops [order [j]];
            if (v->unknown && j + 1 < end)
                continue;
            v->chain = (uint32_t) self->nchains;
            v->pos = pos++;
            self->chain_ops [filled++] = order [j];
        }
        self->nchains++;
        i = end;
    }
    self->chain_start [self->nchains] = (uint32_t) filled;
    free (order);
    if (self->nchains > FL_CAUSAL_CHAINS_MAX)
        return s_refuse (b, "%zu processes (a process changes its id after info), more than "
                         "FL_CAUSAL_CHAINS_MAX (%d) that vector clocks are kept for",
                         self->nchains, FL_CAUSAL_CHAINS_MAX);
    if (n * self->nchains > FL_CAUSAL_CLOCK_CELLS_MAX)
        return s_refuse (b, "%zu ops on %zu processes need %zu clock cells, more than "
                         "FL_CAUSAL_CLOCK_CELLS_MAX (%d)", n, self->nchains,
                         n * self->nchains, FL_CAUSAL_CLOCK_CELLS_MAX);
    return 0;
}

static int
s_by_key_place (const void *a, const void *b, void *arg)
{
    const regview_op_t *ops = arg;
    const regview_op_t *x = &ops [*(const uint32_t *) a], *y = &ops [*(const uint32_t *) b];
    if (x->key != y->key)
        return x->key < y->key? -1: 1;
    if (x->chain != y->chain)
        return x->chain < y->chain? -1: 1;
    return x->pos < y->pos? -1: x->pos > y->pos;
}

//  at [key * (chains + 1) + c]: where chain c's entries of key start in
//  by_key (and where chain c + 1's do, its end).
static void
s_table_fill (regview_t *self, const uint32_t *start, uint32_t *at)
{
    size_t c1 = self->nchains + 1;
    for (size_t key = 0; key < self->nkeys; key++) {
        size_t i = start [key];
        for (size_t c = 0; c < c1; c++) {
            while (i < start [key + 1] && self->ops [self->by_key [i]].chain < c)
                i++;
            at [key * c1 + c] = (uint32_t) i;
        }
    }
}

//  Pass four: per key, the writes and the reads by (chain, place).
static int
s_index (s_build_t *b)
{
    regview_t *self = b->self;
    size_t n = self->nops, k = self->nkeys;
    self->by_key = malloc ((2 * n + 1) * sizeof (uint32_t));
    self->write_start = calloc (k + 2, sizeof (uint32_t));
    self->read_start = calloc (k + 2, sizeof (uint32_t));
    if (!self->by_key || !self->write_start || !self->read_start)
        return s_refuse (b, "out of memory");
    size_t writes = 0, reads = 0;
    for (size_t i = 0; i < n; i++)
        if (self->ops [i].writes)
            self->by_key [writes++] = (uint32_t) i;
    for (size_t i = 0; i < n; i++)
        if (self->ops [i].reads)
            self->by_key [writes + reads++] = (uint32_t) i;
    qsort_r (self->by_key, writes, sizeof (uint32_t), s_by_key_place, self->ops);
    qsort_r (self->by_key + writes, reads, sizeof (uint32_t), s_by_key_place, self->ops);
    //  Offsets: count per key, then prefix sums
    for (size_t i = 0; i < writes; i++)
        self->write_start [self->ops [self->by_key [i]].key + 1]++;
    for (size_t i = 0; i < reads; i++)
        self->read_start [self->ops [self->by_key [writes + i]].key + 1]++;
    self->read_start [0] = (uint32_t) writes;
    for (size_t i = 0; i < k; i++) {
        self->write_start [i + 1] += self->write_start [i];
        self->read_start [i + 1] += self->read_start [i];
    }
    size_t c = self->nchains, cells = k * (c + 1);
    if (cells <= REGVIEW_TABLE_MAX) {
        self->write_at = malloc ((cells + 1) * sizeof (uint32_t));
        self->read_at = malloc ((cells + 1) * sizeof (uint32_t));
        if (!self->write_at || !self->read_at)
            return s_refuse (b, "out of memory");
        s_table_fill (self, self->write_start, self->write_at);
        s_table_fill (self, self->read_start, self->read_at);
    }
    return 0;
}

regview_t *
regview_new (const ophistory_t *history, const char *init, char **reason)
{
    assert (history && reason);
    *reason = NULL;
    regview_t *self = calloc (1, sizeof (regview_t));
    assert (self);
    self->history = history;
    s_build_t b = { .self = self, .tuples = s_tuples (history) };
    if (init && !(b.init = edn_parse_value (init)))
        s_refuse (&b, "bad initial value '%s'", init);
    if (!b.reason && s_collect (&b) == 0 && s_chains (&b) == 0 && s_index (&b) == 0)
        s_sources (&b);
    json_decref (b.init);
    s_table_release (&b.keys);
    s_table_release (&b.values);
    if (b.reason) {
        *reason = b.reason;
        regview_destroy (&self);
    }
    return self;
}

void
regview_destroy (regview_t **self_p)
{
    assert (self_p);
    regview_t *self = *self_p;
    if (!self)
        return;
    free (self->ops);
    free (self->chain_ops);
    free (self->chain_start);
    free (self->by_key);
    free (self->write_start);
    free (self->read_start);
    free (self->key_values);
    free (self->write_at);
    free (self->read_at);
    free (self);
    *self_p = NULL;
}

size_t regview_size (const regview_t *self) { assert (self); return self->nops; }
size_t regview_chains (const regview_t *self) { assert (self); return self->nchains; }
size_t regview_keys (const regview_t *self) { assert (self); return self->nkeys; }
const ophistory_t *regview_history (const regview_t *self) { assert (self); return self->history; }

const regview_op_t *
regview_op (const regview_t *self, size_t i)
{
    assert (self && i < self->nops);
    return &self->ops [i];
}

const uint32_t *
regview_chain (const regview_t *self, size_t chain, size_t *length)
{
    assert (self && chain < self->nchains && length);
    *length = self->chain_start [chain + 1] - self->chain_start [chain];
    return self->chain_ops + self->chain_start [chain];
}

int32_t
regview_last (const regview_t *self, uint32_t key, uint32_t chain, uint32_t pos_end, bool writes)
{
    assert (self && key < self->nkeys);
    const uint32_t *start = writes? self->write_start: self->read_start;
    const uint32_t *at = writes? self->write_at: self->read_at;
    size_t lo = start [key], hi = start [key + 1];
    if (at) {
        size_t c1 = self->nchains + 1;
        lo = at [key * c1 + chain];
        hi = at [key * c1 + chain + 1];
        size_t first = lo;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (self->ops [self->by_key [mid]].pos < pos_end)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo == first? REGVIEW_NONE: (int32_t) self->by_key [lo - 1];
    }
    //  The first entry at or past (chain, pos_end); the one before it is the answer
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const regview_op_t *m = &self->ops [self->by_key [mid]];
        if (m->chain < chain || (m->chain == chain && m->pos < pos_end))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == start [key])
        return REGVIEW_NONE;
    uint32_t found = self->by_key [lo - 1];
    return self->ops [found].chain == chain? (int32_t) found: REGVIEW_NONE;
}

//  --------------------------------------------------------------------------
//  Causal order's clocks

//  The preds of op i in causal order's generating edges: at most two.
static size_t
s_preds (const regview_t *self, size_t i, int32_t preds [2])
{
    const regview_op_t *v = &self->ops [i];
    size_t n = 0;
    if (v->po_pred >= 0)
        preds [n++] = v->po_pred;
    if (v->reads && v->source >= 0)
        preds [n++] = v->source;
    return n;
}

static void
s_join (uint32_t *into, const uint32_t *from, size_t chains)
{
    for (size_t c = 0; c < chains; c++)
        if (from [c] > into [c])
            into [c] = from [c];
}

//  A cycle among the ops Kahn's pass could not order: walk back along
//  unordered preds until an op repeats.
static void
s_find_cycle (const regview_t *self, const bool *ordered, uint32_t **cycle, size_t *ncycle)
{
    size_t n = self->nops;
    int32_t *seen_at = malloc ((n + 1) * sizeof (int32_t));
    uint32_t *walk = malloc ((n + 1) * sizeof (uint32_t));
    *cycle = NULL;
    *ncycle = 0;
    if (!seen_at || !walk) {
        free (seen_at);
        free (walk);
        return;
    }
    for (size_t i = 0; i < n; i++)
        seen_at [i] = -1;
    size_t at = 0;
    while (ordered [at])
        at++;
    size_t len = 0;
    while (seen_at [at] < 0) {
        seen_at [at] = (int32_t) len;
        walk [len++] = (uint32_t) at;
        int32_t preds [2];
        size_t np = s_preds (self, at, preds);
        for (size_t p = 0; p < np; p++)
            if (!ordered [preds [p]]) {
                at = (size_t) preds [p];
                break;
            }
    }
    //  walk [seen_at [at] .. len) goes backwards along the cycle
    size_t from = (size_t) seen_at [at];
    *ncycle = len - from;
    for (size_t i = 0; i < *ncycle / 2; i++) {
        uint32_t t = walk [from + i];
        walk [from + i] = walk [len - 1 - i];
        walk [len - 1 - i] = t;
    }
    memmove (walk, walk + from, *ncycle * sizeof (uint32_t));
    *cycle = walk;
    free (seen_at);
}

//  The clocks of the ops Kahn's pass could not order (a cycle and what
//  follows it): join preds until nothing grows.
static void
s_fixpoint (const regview_t *self, const bool *ordered, uint32_t *clocks)
{
    size_t n = self->nops, c = self->nchains;
    bool grew = true;
    while (grew) {
        grew = false;
        for (size_t i = 0; i < n; i++) {
            if (ordered [i])
                continue;
            uint32_t *mine = clocks + i * c;
            uint32_t before [FL_CAUSAL_CHAINS_MAX];
            memcpy (before, mine, c * sizeof (uint32_t));
            int32_t preds [2];
            size_t np = s_preds (self, i, preds);
            for (size_t p = 0; p < np; p++)
                s_join (mine, clocks + (size_t) preds [p] * c, c);
            if (mine [self->ops [i].chain] < self->ops [i].pos + 1)
                mine [self->ops [i].chain] = self->ops [i].pos + 1;
            grew |= memcmp (before, mine, c * sizeof (uint32_t)) != 0;
        }
    }
}

uint32_t *
regview_clocks (const regview_t *self, bool *cyclic, uint32_t **cycle, size_t *ncycle)
{
    assert (self && cyclic);
    size_t n = self->nops, c = self->nchains;
    uint32_t *clocks = calloc (n * c + 1, sizeof (uint32_t));
    uint32_t *succ_start = calloc (n + 2, sizeof (uint32_t));
    uint32_t *succ = malloc ((2 * n + 1) * sizeof (uint32_t));
    uint32_t *indeg = calloc (n + 1, sizeof (uint32_t));
    uint32_t *queue = malloc ((n + 1) * sizeof (uint32_t));
    bool *ordered = calloc (n + 1, sizeof (bool));
    bool ok = clocks && succ_start && succ && indeg && queue && ordered;
    size_t head = 0, tail = 0;
    for (size_t i = 0; ok && i < n; i++) {
        int32_t preds [2];
        size_t np = s_preds (self, i, preds);
        indeg [i] = (uint32_t) np;
        for (size_t p = 0; p < np; p++)
            succ_start [preds [p] + 1]++;
    }
    for (size_t i = 0; ok && i < n; i++)
        succ_start [i + 1] += succ_start [i];
    //  Successor lists: a fill counter per op, then the queue in its place
    if (ok) {
        uint32_t *fill = queue;     // reused as a fill counter, then as the queue
        memset (fill, 0, (n + 1) * sizeof (uint32_t));
        for (size_t i = 0; i < n; i++) {
            int32_t preds [2];
            size_t np = s_preds (self, i, preds);
            indeg [i] = (uint32_t) np;
            for (size_t p = 0; p < np; p++)
                succ [succ_start [preds [p]] + fill [preds [p]]++] = (uint32_t) i;
        }
        for (size_t i = 0; i < n; i++)
            if (indeg [i] == 0)
                queue [tail++] = (uint32_t) i;
    }
    while (ok && head < tail) {
        size_t i = queue [head++];
        ordered [i] = true;
        uint32_t *mine = clocks + i * c;
        int32_t preds [2];
        size_t np = s_preds (self, i, preds);
        for (size_t p = 0; p < np; p++)
            s_join (mine, clocks + (size_t) preds [p] * c, c);
        if (mine [self->ops [i].chain] < self->ops [i].pos + 1)
            mine [self->ops [i].chain] = self->ops [i].pos + 1;
        for (size_t s = succ_start [i]; s < succ_start [i + 1]; s++)
            if (--indeg [succ [s]] == 0)
                queue [tail++] = succ [s];
    }
    *cyclic = ok && tail < n;
    if (*cyclic) {
        if (cycle)
            s_find_cycle (self, ordered, cycle, ncycle);
        s_fixpoint (self, ordered, clocks);
    }
    free (succ_start);
    free (succ);
    free (indeg);
    free (queue);
    free (ordered);
    if (!ok) {
        free (clocks);
        return NULL;
    }
    return clocks;
}

//  --------------------------------------------------------------------------
//  Explanations

json_t *
regview_op_json (const regview_t *self, size_t i)
{
    assert (self && i < self->nops);
    return opjson_op (self->history, self->ops [i].op);
}

const char *
regview_who (const regview_t *self, size_t i, char *buf, size_t size)
{
    assert (self && i < self->nops);
    const char *name = ophistory_process_name (self->history, self->ops [i].process);
    if (name)
        snprintf (buf, size, "%s", name);
    else
        snprintf (buf, size, "p%" PRId64, self->ops [i].process);
    return buf;
}

//  A value for a person: strings bare when plain, null as nil.
static void
s_show (json_t *value, char *buf, size_t size)
{
    if (!value || json_is_null (value)) {
        snprintf (buf, size, "nil");
        return;
    }
    if (json_is_string (value)) {
        snprintf (buf, size, "%s", json_string_value (value));
        return;
    }
    char *dump = json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf (buf, size, "%s", dump? dump: "?");
    free (dump);
}

const char *
regview_kv (const regview_t *self, size_t i, json_t *value, char *buf, size_t size)
{
    assert (self && i < self->nops);
    char k [64], v [64];
    json_t *key = self->key_values [self->ops [i].key];
    s_show (value, v, sizeof v);
    if (!key) {
        snprintf (buf, size, "%s", v);
        return buf;
    }
    s_show (key, k, sizeof k);
    snprintf (buf, size, "%s=%s", k, v);
    return buf;
}

const char *
regview_what (const regview_t *self, size_t i, char *buf, size_t size)
{
    assert (self && i < self->nops);
    const regview_op_t *v = &self->ops [i];
    char kv [128];
    if (v->reads && v->writes) {
        char from [64], to [64], k [64];
        json_t *key = self->key_values [v->key];
        s_show (v->read_value, from, sizeof from);
        s_show (v->written_value, to, sizeof to);
        s_show (key, k, sizeof k);
        snprintf (buf, size, "cas %s%s%s->%s", key? k: "", key? " ": "", from, to);
    }
    else
        snprintf (buf, size, "%s %s", v->reads? "read": "wrote",
                  regview_kv (self, i, v->reads? v->read_value: v->written_value, kv, sizeof kv));
    return buf;
}

void
regview_story_init (regview_story_t *story)
{
    assert (story);
    story->text [0] = 0;
    story->len = 0;
    story->ops = json_array ();
    story->last = -1;
    story->told = story->skipped = 0;
}

void
regview_story_say (regview_story_t *story, const char *format, ...)
{
    assert (story);
    if (story->len + 1 >= sizeof story->text)
        return;
    va_list args;
    va_start (args, format);
    int n = vsnprintf (story->text + story->len, sizeof story->text - story->len, format, args);
    va_end (args);
    if (n > 0)
        story->len += (size_t) n;
    if (story->len >= sizeof story->text)
        story->len = sizeof story->text - 1;
}

void
regview_story_op (const regview_t *self, regview_story_t *story, size_t i)
{
    assert (self && story && i < self->nops);
    char who [64], what [192];
    regview_what (self, i, what, sizeof what);
    if (story->last >= 0 && self->ops [story->last].process == self->ops [i].process)
        regview_story_say (story, ", then %s", what);
    else
        regview_story_say (story, "%s%s %s", story->last >= 0? "; ": "",
                           regview_who (self, i, who, sizeof who), what);
    json_array_append_new (story->ops, regview_op_json (self, i));
    story->last = (int32_t) i;
    story->told++;
}

void
regview_story_path (const regview_t *self, regview_story_t *story,
                    const uint32_t *path, size_t n)
{
    assert (self && story && path);
    size_t keep = FL_CAUSAL_EXPLAIN_OPS_MAX;
    for (size_t i = 0; i < n; i++) {
        if (n > keep && i == keep / 2) {
            regview_story_say (story, "; ... (%zu more ops) ...", n - keep);
            story->last = -1;
            i = n - (keep - keep / 2);
        }
        //  Consecutive repeats (a path's joint) are told once
        if (story->last >= 0 && (uint32_t) story->last == path [i])
            continue;
        regview_story_op (self, story, path [i]);
    }
}

json_t *
regview_story_violation (regview_story_t *story, const char *model, const char *pattern)
{
    assert (story && model && pattern);
    json_t *violation = json_pack ("{s:s, s:s, s:o, s:s}", "model", model, "pattern", pattern,
                                   "ops", story->ops, "chain", story->text);
    story->ops = NULL;
    return violation;
}
