/*  elle.c -- read a txn history, infer the version orders and the edges
    between transactions, and find the anomalies (Elle, Kingsbury and
    Alvaro, VLDB 2020). The inference is in elleinfer.c, the cycle search
    in ellegraph.c, the levels in ellelevel.c; this file owns the reading.

    Values are interned: every key and value is its compact JSON text, one
    id each, so that (key, value) is one 64-bit word in a hash table that
    says who wrote it. A transaction is a run of micro-ops in one array.
    Failed transactions (type fail) did not happen: they are no vertex of
    the graph, and a read of their writes is G1a. Info transactions may
    have happened: their writes count where a read proves them (an edge
    into an info transaction is always safe, an edge out of one only when
    one of its writes was read).

    list-append: the key's longest read is its version order (every other
    read must be a prefix of it, or the key has incompatible orders); the
    writer of each element precedes the writer of the next (ww); the writer
    of a read's last element precedes the reader (wr); the reader precedes
    the writer of the element after its read (rw). An append of an ok
    transaction that no read saw comes after every read: the readers of
    the longest version precede it (rw), and so does its last writer (ww).
    Only a transaction's external reads (before it writes the key) make
    wr and rw edges; the rest are checked against it (internal).

    rw-register: writes are unique per key. Nil, the initial state, comes
    before every write; a transaction that read v1 and wrote v2 of a key
    puts v1 before v2 (writes follow reads). ww from writer to writer along
    those, wr from writer to reader, rw from the reader of a version to the
    writers of the versions right after it (the reader of nil to every ok
    writer of the key, and to the info writers whose write was read).
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "limits.h"
#include "edn.h"
#include "elle_int.h"

int
elle_model_parse (const char *name)
{
    if (name && strcmp (name, "list-append") == 0)
        return ELLE_LIST_APPEND;
    if (name && strcmp (name, "rw-register") == 0)
        return ELLE_RW_REGISTER;
    return -1;
}

const char *
elle_model_name (elle_model_t model)
{
    return model == ELLE_LIST_APPEND? "list-append": "rw-register";
}

//  The facts elle_model_guess decides on: the first op of each kind.
typedef struct {
    const op_t *txn;            // first txn op
    const op_t *other;          // first op that is no txn
    const op_t *append;         // first txn with an append micro-op
    const op_t *write;          // first txn with a w micro-op
    const op_t *odd;            // first txn with a micro-op none of append, w, r
    const char *odd_f;          // and that micro-op's f
    const op_t *malformed;      // first txn whose value is no list of
    json_t *malformed_part;     //   [f key value] micro-ops, and the part
} s_guess_t;

static void
s_guess_mops (s_guess_t *g, const op_t *op)
{
    json_t *value = op->type == OP_OK && op->out? op->out: op->in;
    size_t i;
    json_t *mop;
    if (!json_is_array (value) && !g->malformed) {
        g->malformed = op;
        g->malformed_part = value;
    }
    json_array_foreach (value, i, mop) {
        if (!g->malformed && (!json_is_array (mop) || json_array_size (mop) != 3
                              || !json_is_string (json_array_get (mop, 0)))) {
            g->malformed = op;
            g->malformed_part = json_is_array (mop)? mop: value;
        }
        json_t *f = json_array_get (mop, 0);
        const char *name = json_is_string (f)? edn_name (json_string_value (f)): NULL;
        if (name && strcmp (name, "append") == 0)
            g->append = g->append? g->append: op;
        else
        if (name && strcmp (name, "w") == 0)
            g->write = g->write? g->write: op;
        else
        if (name && strcmp (name, "r") && !g->odd) {
            g->odd = op;
            g->odd_f = name;
        }
    }
}

static int
s_unsure (char **error, const char *file, const op_t *op, const char *what, const char *ask)
{
    if (asprintf (error, "%s:%d: %s; give --model %s", file, op->line_call, what, ask) < 0)
        *error = NULL;
    return ELLE_GUESS_UNSURE;
}

int
elle_model_guess (const ophistory_t *history, const char *file, char **error)
{
    assert (history && file && error);
    s_guess_t g = { 0 };
    for (size_t i = 0; i < ophistory_size (history); i++) {
        const op_t *op = ophistory_op (history, i);
        if (strcmp (edn_name (op->f), "txn")) {
            g.other = g.other? g.other: op;
            continue;
        }
        g.txn = g.txn? g.txn: op;
        s_guess_mops (&g, op);
    }
    if (!g.txn)
        return ELLE_GUESS_NONE;
    char what [160];
    if (g.other) {
        const op_t *later = g.other->line_call > g.txn->line_call? g.other: g.txn;
        snprintf (what, sizeof what, "f 'txn' (line %d) and f '%.40s' (line %d) in one history",
                  g.txn->line_call, edn_name (g.other->f), g.other->line_call);
        return s_unsure (error, file, later, what,
                         "(list-append or rw-register for txns, another for the rest)");
    }
    if (g.append && g.write) {
        const op_t *later = g.append->line_call > g.write->line_call? g.append: g.write;
        snprintf (what, sizeof what, "txn micro-ops append and w (line %d) in one history",
                  later == g.append? g.write->line_call: g.append->line_call);
        return s_unsure (error, file, later, what, "list-append or rw-register");
    }
    if (g.malformed) {
        //  Bad data whatever the model: say what, not that the model is unclear
        char *text = json_dumps (g.malformed_part, JSON_ENCODE_ANY | JSON_COMPACT);
        const bool whole = g.malformed_part == (g.malformed->type == OP_OK && g.malformed->out?
                                                g.malformed->out: g.malformed->in);
        if (asprintf (error, "%s:%d: %s %.80s is not %s", file,
                      g.malformed->type == OP_OK && g.malformed->line_ret?
                      g.malformed->line_ret: g.malformed->line_call,
                      whole? "txn value": "micro-op", text? text: "?",
                      whole? "a list of micro-ops [f key value]"
                           : "[f key value] (f append, w or r)") < 0)
            *error = NULL;
        free (text);
        return ELLE_GUESS_UNSURE;
    }
    if (g.append)
        return ELLE_LIST_APPEND;
    if (g.write)
        return ELLE_RW_REGISTER;
    if (g.odd) {
        snprintf (what, sizeof what, "txn micro-op f '%.40s' is none of append, w and r",
                  g.odd_f);
        return s_unsure (error, file, g.odd, what,
                         "(multi-register for read and write, list-append, rw-register)");
    }
    return s_unsure (error, file, g.txn, "txns that only read (r): cannot tell list-append"
                     " from rw-register", "list-append or rw-register");
}

//  --------------------------------------------------------------------------
//  Interning: a value's compact JSON text -> id

static uint64_t
s_text_hash (const char *text)
{
    return hash_mix64 (hash_fnv1a64 (text, strlen (text), HASH_FNV1A64_BASIS));
}

static void
s_strs_grow (elle_strs_t *t)
{
    size_t cap = t->slots? t->slots * 2: 1024;
    uint32_t *slot = malloc (cap * sizeof (uint32_t));
    assert (slot);
    memset (slot, 0xff, cap * sizeof (uint32_t));
    for (size_t i = 0; i < t->n; i++) {
        size_t h = s_text_hash (t->text [i]) & (cap - 1);
        while (slot [h] != ELLE_NONE)
            h = (h + 1) & (cap - 1);
        slot [h] = (uint32_t) i;
    }
    free (t->slot);
    t->slot = slot;
    t->slots = cap;
}

uint32_t
elle_intern_text (elle_strs_t *t, const char *text)
{
    if ((t->n + 1) * 2 > t->slots)
        s_strs_grow (t);
    size_t h = s_text_hash (text) & (t->slots - 1);
    while (t->slot [h] != ELLE_NONE) {
        if (strcmp (t->text [t->slot [h]], text) == 0)
            return t->slot [h];
        h = (h + 1) & (t->slots - 1);
    }
    if (t->n == t->cap) {
        t->cap = t->cap? t->cap * 2: 1024;
        t->text = realloc (t->text, t->cap * sizeof (char *));
        assert (t->text);
    }
    t->text [t->n] = strdup (text);
    assert (t->text [t->n]);
    t->slot [h] = (uint32_t) t->n;
    return (uint32_t) t->n++;
}

//  A value's id: integers by a fast path, the rest by their JSON text.
static uint32_t
s_intern (elle_strs_t *t, json_t *value)
{
    char buf [32];
    if (json_is_integer (value)) {
        snprintf (buf, sizeof buf, "%lld", (long long) json_integer_value (value));
        return elle_intern_text (t, buf);
    }
    char *text = json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    assert (text);
    uint32_t id = elle_intern_text (t, text);
    free (text);
    return id;
}

//  --------------------------------------------------------------------------
//  (key, value) -> the append or write that wrote it

static void
s_map_grow (elle_map_t *m)
{
    size_t cap = m->cap? m->cap * 2: 1024;
    uint64_t *keys = malloc (cap * sizeof (uint64_t));
    uint32_t *vals = malloc (cap * sizeof (uint32_t));
    assert (keys && vals);
    memset (vals, 0xff, cap * sizeof (uint32_t));
    for (size_t i = 0; i < m->cap; i++) {
        if (m->vals [i] == ELLE_NONE)
            continue;
        size_t h = hash_mix64 (m->keys [i]) & (cap - 1);
        while (vals [h] != ELLE_NONE)
            h = (h + 1) & (cap - 1);
        keys [h] = m->keys [i];
        vals [h] = m->vals [i];
    }
    free (m->keys);
    free (m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
}

uint32_t *
elle_map_slot (elle_map_t *m, uint32_t key, uint32_t value)
{
    if ((m->n + 1) * 2 > m->cap)
        s_map_grow (m);
    uint64_t k = (uint64_t) key << 32 | value;
    size_t h = hash_mix64 (k) & (m->cap - 1);
    while (m->vals [h] != ELLE_NONE && m->keys [h] != k)
        h = (h + 1) & (m->cap - 1);
    m->keys [h] = k;
    return &m->vals [h];
}

uint32_t
elle_map_get (const elle_map_t *m, uint32_t key, uint32_t value)
{
    if (!m->cap || value == ELLE_NONE)
        return ELLE_NONE;
    uint64_t k = (uint64_t) key << 32 | value;
    size_t h = hash_mix64 (k) & (m->cap - 1);
    while (m->vals [h] != ELLE_NONE) {
        if (m->keys [h] == k)
            return m->vals [h];
        h = (h + 1) & (m->cap - 1);
    }
    return ELLE_NONE;
}

//  The mop that wrote value to key, ELLE_NONE if none.
uint32_t
elle_writer (const elle_t *self, uint32_t key, uint32_t value)
{
    return elle_map_get (&self->writers, key, value);
}

//  --------------------------------------------------------------------------
//  Reading

static int
s_bad (elle_t *self, const op_t *op, const char *what, json_t *mop)
{
    char *text = mop? json_dumps (mop, JSON_COMPACT | JSON_ENCODE_ANY): NULL;
    if (asprintf (&self->error, "%s:%d: %s%s%s", self->file,
                  op->type == OP_OK && op->line_ret? op->line_ret: op->line_call, what,
                  text? ": ": "", text? text: "") < 0)
        self->error = NULL;
    free (text);
    return -1;
}

static uint32_t
s_push_list (elle_t *self, json_t *list)
{
    size_t n = json_array_size (list);
    if (self->nlists + n > self->caplists) {
        while (self->nlists + n > self->caplists)
            self->caplists = self->caplists? self->caplists * 2: 4096;
        self->lists = realloc (self->lists, self->caplists * sizeof (uint32_t));
        assert (self->lists);
    }
    uint32_t at = (uint32_t) self->nlists;
    for (size_t i = 0; i < n; i++)
        self->lists [self->nlists++] = s_intern (&self->values, json_array_get (list, i));
    return at;
}

//  One micro-op [f key value] of txn t into self->mops.
static int
s_mop (elle_t *self, const op_t *op, uint32_t t, json_t *mop)
{
    if (!json_is_array (mop) || json_array_size (mop) != 3
    ||  !json_is_string (json_array_get (mop, 0)))
        return s_bad (self, op, "txn micro-op is not [f key value]", mop);
    const char *f = edn_name (json_string_value (json_array_get (mop, 0)));
    const char *write = self->model == ELLE_LIST_APPEND? "append": "w";
    json_t *value = json_array_get (mop, 2);
    elle_mop_t m = { .txn = t, .key = s_intern (&self->keys, json_array_get (mop, 1)),
                     .value = ELLE_NONE, .list = ELLE_NONE };
    if (strcmp (f, "r") == 0) {
        m.f = ELLE_F_READ;
        bool ok = self->txns [t].type == OP_OK;
        if (ok && self->model == ELLE_LIST_APPEND) {
            if (!json_is_null (value) && !json_is_array (value))
                return s_bad (self, op, "list-append read of no list", mop);
            m.list = s_push_list (self, value);
            m.nlist = (uint32_t) json_array_size (value);
        }
        else
        if (ok && !json_is_null (value))
            m.value = s_intern (&self->values, value);
    }
    else
    if (strcmp (f, write) == 0) {
        m.f = ELLE_F_WRITE;
        if (json_is_null (value))
            return s_bad (self, op, "a write of nil", mop);
        m.value = s_intern (&self->values, value);
    }
    else {
        char what [96];
        snprintf (what, sizeof what, "micro-op f '%s' is not %s or r for %s", f, write,
                  elle_model_name (self->model));
        return s_bad (self, op, what, mop);
    }
    if (self->nmops == self->capmops) {
        self->capmops = self->capmops? self->capmops * 2: 4096;
        self->mops = realloc (self->mops, self->capmops * sizeof (elle_mop_t));
        assert (self->mops);
    }
    self->mops [self->nmops++] = m;
    return 0;
}

static int
s_txn (elle_t *self, size_t index)
{
    const op_t *op = ophistory_op (self->history, index);
    if (strcmp (edn_name (op->f), "txn"))
        return s_bad (self, op, op->f [0] == ':'? "an op that is no :txn": "an op that is no txn",
                      NULL);
    json_t *value = op->type == OP_OK && op->out? op->out: op->in;
    if (!json_is_array (value))
        return s_bad (self, op, "txn value is not a list of micro-ops", value);
    uint32_t t = (uint32_t) self->ntxns++;
    self->txns [t] = (elle_txn_t) { .op = (uint32_t) index, .type = op->type,
        .process = op->process, .call = op->call, .ret = op->ret,
        .mop = (uint32_t) self->nmops, .nmops = (uint32_t) json_array_size (value) };
    size_t i;
    json_t *mop;
    json_array_foreach (value, i, mop)
        if (s_mop (self, op, t, mop))
            return -1;
    return 0;
}

//  Who wrote each (key, value); which writes are a txn's last to the key.
static void
s_index_writes (elle_t *self)
{
    for (size_t t = 0; t < self->ntxns; t++) {
        elle_txn_t *txn = &self->txns [t];
        for (uint32_t i = txn->mop; i < txn->mop + txn->nmops; i++) {
            elle_mop_t *m = &self->mops [i];
            if (m->f != ELLE_F_WRITE)
                continue;
            m->final = true;
            for (uint32_t j = i + 1; j < txn->mop + txn->nmops && m->final; j++)
                if (self->mops [j].f == ELLE_F_WRITE && self->mops [j].key == m->key)
                    m->final = false;
            uint32_t *slot = elle_map_slot (&self->writers, m->key, m->value);
            if (*slot == ELLE_NONE) {
                *slot = i;
                self->writers.n++;
            }
            else
            if (txn->type == OP_FAIL || self->txns [self->mops [*slot].txn].type == OP_FAIL) {
                //  A failed txn's write never took effect: beside one that
                //  may have, it cannot be what a txn read (an aborted read
                //  is claimed only of a value no other txn wrote)
                if (txn->type != OP_FAIL)
                    *slot = i;
            }
            else
            if (!self->duplicate)
                self->duplicate = json_pack ("{s:o, s:o, s:[o, o]}",
                    "key", elle_key_json (self, m->key), "value", elle_value_json (self, m->value),
                    "ops", elle_op_json (self, self->mops [*slot].txn), elle_op_json (self, t));
        }
        self->ok_txns += txn->type == OP_OK;
    }
}

//  Is mop i the first touch of its key in its txn, and a read?
static bool
s_external_read (const elle_t *self, uint32_t i)
{
    const elle_mop_t *m = &self->mops [i];
    if (m->f != ELLE_F_READ)
        return false;
    const elle_txn_t *txn = &self->txns [m->txn];
    for (uint32_t j = txn->mop; j < i; j++)
        if (self->mops [j].key == m->key)
            return false;
    return true;
}

static int
s_read (elle_t *self)
{
    size_t n = ophistory_size (self->history);
    self->txns = calloc (n + 1, sizeof (elle_txn_t));
    assert (self->txns);
    for (size_t i = 0; i < n; i++)
        if (s_txn (self, i))
            return -1;
    s_index_writes (self);
    for (uint32_t i = 0; i < self->nmops; i++)
        self->mops [i].external = s_external_read (self, i);
    return 0;
}

//  --------------------------------------------------------------------------
//  Edges and cases

void
elle_edge (elle_t *self, uint32_t from, uint32_t to, uint8_t type, uint32_t key,
           uint32_t value, uint32_t value2)
{
    if (from == to)
        return;
    if (self->nedges == self->capedges) {
        self->capedges = self->capedges? self->capedges * 2: 4096;
        self->edges = realloc (self->edges, self->capedges * sizeof (elle_edge_t));
        assert (self->edges);
    }
    self->edges [self->nedges++] = (elle_edge_t) { from, to, type, key, value, value2 };
}

//  A non-cycle anomaly: type, the txn, and what it saw (new references).
void
elle_case (elle_t *self, const char *type, uint32_t txn, json_t *details)
{
    json_t *list = json_object_get (self->cases, type);
    if (!list) {
        list = json_array ();
        json_object_set_new (self->cases, type, list);
        json_object_set_new (self->case_counts, type, json_integer (0));
    }
    json_t *count = json_object_get (self->case_counts, type);
    json_integer_set (count, json_integer_value (count) + 1);
    if (json_array_size (list) >= FL_TXN_CASES_PER_TYPE_MAX) {
        json_decref (details);
        return;
    }
    json_object_set_new (details, "type", json_string (type));
    json_object_set_new (details, "op", elle_op_json (self, txn));
    json_array_append_new (list, details);
}

json_t *
elle_value_json (const elle_t *self, uint32_t value)
{
    if (value == ELLE_NONE)
        return json_null ();
    json_t *v = edn_parse_value (self->values.text [value]);
    return v? v: json_string (self->values.text [value]);
}

json_t *
elle_key_json (const elle_t *self, uint32_t key)
{
    json_t *v = edn_parse_value (self->keys.text [key]);
    return v? v: json_string (self->keys.text [key]);
}

json_t *
elle_list_json (const elle_t *self, const elle_mop_t *m)
{
    json_t *list = json_array ();
    for (uint32_t i = 0; i < m->nlist; i++)
        json_array_append_new (list, elle_value_json (self, self->lists [m->list + i]));
    return list;
}

json_t *
elle_op_json (const elle_t *self, uint32_t txn)
{
    const elle_txn_t *t = &self->txns [txn];
    const op_t *op = ophistory_op (self->history, t->op);
    const char *name = ophistory_process_name (self->history, op->process);
    json_t *value = op->type == OP_OK && op->out? op->out: op->in;
    return json_pack ("{s:I, s:I, s:o, s:s, s:O, s:s, s:i}",
                      "index", (json_int_t) op->index_call, "op", (json_int_t) t->op,
                      "process", name? json_string (name): json_integer (op->process),
                      "f", "txn", "value", value, "type", op_type_name (op->type),
                      "line", op->type == OP_OK && op->line_ret? op->line_ret: op->line_call);
}

//  --------------------------------------------------------------------------
//  Lifecycle

elle_result_t *
elle_check (const ophistory_t *history, elle_model_t model, const char *level,
            double timeout_s, const char *file, char **error)
{
    assert (history && file && error);
    elle_t *self = calloc (1, sizeof (elle_t));
    assert (self);
    self->history = history;
    self->model = model;
    self->file = file;
    self->level = elle_level_parse (level);
    self->timeout_s = timeout_s;
    self->cases = json_object ();
    self->case_counts = json_object ();
    if (self->level < 0) {
        if (asprintf (error, "%s: unknown consistency level '%s' for %s, a history of txns"
                      " (read-uncommitted, read-committed, repeatable-read, snapshot-isolation,"
                      " serializable, strong-session-..., strong-..., strict-serializable)",
                      file, level, elle_model_name (model)) < 0)
            *error = NULL;
        elle_destroy (&self);
        return NULL;
    }
    if (s_read (self)) {
        *error = self->error;
        self->error = NULL;
        elle_destroy (&self);
        return NULL;
    }
    self->keys_n = self->keys.n;
    //  Elle's inference names the writer of each value read: with a value
    //  written twice it may name the wrong one and find cycles a serial run
    //  has (or miss real ones), so nothing it would say can be trusted. With
    //  no committed txn there is nothing to judge (Elle's
    //  :empty-transaction-graph): a run where the database refused every
    //  txn is no pass
    if (!self->duplicate && self->ok_txns > 0) {
        if (model == ELLE_LIST_APPEND)
            elle_infer_list_append (self);
        else
            elle_infer_rw_register (self);
        elle_infer_order (self);
        elle_search (self);
    }
    elle_conclude (self);
    return (elle_result_t *) self;
}

void
elle_destroy (elle_t **self_p)
{
    assert (self_p);
    elle_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->keys.n; i++)
        free (self->keys.text [i]);
    for (size_t i = 0; i < self->values.n; i++)
        free (self->values.text [i]);
    free (self->keys.text);
    free (self->keys.slot);
    free (self->values.text);
    free (self->values.slot);
    free (self->writers.keys);
    free (self->writers.vals);
    free (self->txns);
    free (self->mops);
    free (self->lists);
    free (self->edges);
    free (self->error);
    json_decref (self->cases);
    json_decref (self->case_counts);
    json_decref (self->cycles);
    json_decref (self->cycle_counts);
    json_decref (self->ruled_out);
    json_decref (self->duplicate);
    free (self);
    *self_p = NULL;
}

void
elle_result_destroy (elle_result_t **self_p)
{
    assert (self_p);
    elle_t *self = (elle_t *) *self_p;
    elle_destroy (&self);
    *self_p = NULL;
}

elle_verdict_t
elle_result_verdict (const elle_result_t *self)
{
    assert (self);
    return ((const elle_t *) self)->verdict;
}
