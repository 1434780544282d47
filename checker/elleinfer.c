/*  elleinfer.c -- from the values a history read to version orders, the
    ww, wr and rw edges between transactions, and the anomalies that need
    no cycle. elle.c's opening says what each model infers and why it is
    sound; the edges' "value" fields keep what the explanation will say.

    Per key, reads and writes are chained through `next` arrays over the
    mops (heads per key), so that each key is one walk and no key costs
    more than its own ops.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "elle_int.h"

typedef struct {
    elle_t *e;
    uint32_t *longest;          // key -> the read mop with the longest list
    uint32_t *last;             // key -> writer txn of the longest's last
                                // non-failed element, ELLE_NONE
    uint32_t *last_value;
    uint32_t *full_head;        // key -> readers of the whole longest (mops)
    uint32_t *next;             // mop -> the next mop in its chain
    elle_map_t pos;             // (key, value) -> position in the longest
} s_la_t;

static bool
s_ok (const elle_t *self, uint32_t mop)
{
    return self->txns [self->mops [mop].txn].type == OP_OK;
}

static bool
s_failed_writer (const elle_t *self, uint32_t w)
{
    return w != ELLE_NONE && self->txns [self->mops [w].txn].type == OP_FAIL;
}

static uint32_t
s_elem (const elle_t *self, const elle_mop_t *m, uint32_t i)
{
    return self->lists [m->list + i];
}

static int
s_cmp_u32 (const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    return x < y? -1: x > y;
}

static json_t *
s_kv (const elle_t *self, uint32_t key, const char *name, json_t *value)
{
    return json_pack ("{s:o, s:o}", "key", elle_key_json (self, key), name, value);
}

//  Read mop i saw value v, which its own txn writes only later, at mop w:
//  no execution reads a write before it is made.
static void
s_future_read (elle_t *self, uint32_t i, uint32_t w, uint32_t v)
{
    const elle_mop_t *m = &self->mops [i];
    json_t *c = s_kv (self, m->key, "element", elle_value_json (self, v));
    if (m->list != ELLE_NONE && self->model == ELLE_LIST_APPEND)
        json_object_set_new (c, "value", elle_list_json (self, m));
    json_object_set_new (c, "read_at", json_integer ((json_int_t) (i - self->txns [m->txn].mop)));
    json_object_set_new (c, "write_at", json_integer ((json_int_t) (w - self->txns [m->txn].mop)));
    elle_case (self, "future-read", m->txn, c);
}

//  A read's elements: duplicates, garbage, future reads, G1a, and G1b for
//  its last one.
static void
s_read_cases (elle_t *self, uint32_t i)
{
    elle_mop_t *m = &self->mops [i];
    if (m->nlist > 1) {
        uint32_t *copy = malloc (m->nlist * sizeof (uint32_t));
        assert (copy);
        memcpy (copy, self->lists + m->list, m->nlist * sizeof (uint32_t));
        qsort (copy, m->nlist, sizeof (uint32_t), s_cmp_u32);
        for (uint32_t j = 1; j < m->nlist; j++)
            if (copy [j] == copy [j - 1]) {
                elle_case (self, "duplicate-elements", m->txn,
                           s_kv (self, m->key, "value", elle_list_json (self, m)));
                break;
            }
        free (copy);
    }
    json_t *list = NULL;            //  made once: a read of n garbage elements
    for (uint32_t j = 0; j < m->nlist; j++) {
        uint32_t v = s_elem (self, m, j), w = elle_writer (self, m->key, v);
        if (w == ELLE_NONE) {
            if (!list)
                list = elle_list_json (self, m);
            json_t *c = s_kv (self, m->key, "value", json_incref (list));
            json_object_set_new (c, "element", elle_value_json (self, v));
            elle_case (self, "garbage-read", m->txn, c);
        }
        else
        if (self->mops [w].txn == m->txn && w > i)
            s_future_read (self, i, w, v);
        else
        if (s_failed_writer (self, w)) {
            json_t *c = s_kv (self, m->key, "element", elle_value_json (self, v));
            json_object_set_new (c, "writer", elle_op_json (self, self->mops [w].txn));
            elle_case (self, "G1a", m->txn, c);
        }
        else
        if (j + 1 == m->nlist && self->mops [w].txn != m->txn && !self->mops [w].final) {
            json_t *c = s_kv (self, m->key, "element", elle_value_json (self, v));
            json_object_set_new (c, "writer", elle_op_json (self, self->mops [w].txn));
            elle_case (self, "G1b", m->txn, c);
        }
    }
    json_decref (list);
}

//  Within a txn, a read after a read of the key must be it plus this txn's
//  appends since; a read after appends only must end with them.
static void
s_internal_la (elle_t *self, uint32_t i)
{
    elle_mop_t *m = &self->mops [i];
    elle_txn_t *t = &self->txns [m->txn];
    uint32_t prior = ELLE_NONE, appends = 0;
    for (uint32_t j = i; j-- > t->mop; ) {
        if (self->mops [j].key != m->key)
            continue;
        if (self->mops [j].f == ELLE_F_READ) {
            prior = j;
            break;
        }
        appends++;
    }
    if (prior == ELLE_NONE && appends == 0)
        return;
    json_t *expected = prior != ELLE_NONE? elle_list_json (self, &self->mops [prior]): json_array ();
    uint32_t base = prior != ELLE_NONE? self->mops [prior].nlist: 0;
    bool good = prior == ELLE_NONE? m->nlist >= appends: m->nlist == base + appends;
    uint32_t off = prior != ELLE_NONE? 0: m->nlist - appends;
    for (uint32_t j = 0; good && prior != ELLE_NONE && j < base; j++)
        good = s_elem (self, m, j) == s_elem (self, &self->mops [prior], j);
    uint32_t at = prior != ELLE_NONE? base: off;
    for (uint32_t j = (prior != ELLE_NONE? prior + 1: t->mop); j < i; j++) {
        elle_mop_t *a = &self->mops [j];
        if (a->key != m->key || a->f != ELLE_F_WRITE)
            continue;
        json_array_append_new (expected, elle_value_json (self, a->value));
        good = good && s_elem (self, m, at) == a->value;
        at++;
    }
    if (!good) {
        json_t *c = s_kv (self, m->key, "value", elle_list_json (self, m));
        json_object_set_new (c, "expected", expected);
        if (prior == ELLE_NONE)
            json_object_set_new (c, "expected_is", json_string ("suffix"));
        elle_case (self, "internal", m->txn, c);
    }
    else
        json_decref (expected);
}

//  Is read m a prefix of its key's longest read?
static bool
s_prefix (const elle_t *self, const s_la_t *la, const elle_mop_t *m)
{
    const elle_mop_t *l = &self->mops [la->longest [m->key]];
    for (uint32_t j = 0; j < m->nlist; j++)
        if (s_elem (self, m, j) != s_elem (self, l, j))
            return false;
    return true;
}

static void
s_incompatible (elle_t *self, s_la_t *la, uint8_t *reported, uint32_t i)
{
    const elle_mop_t *m = &self->mops [i];
    if (reported [m->key] || s_prefix (self, la, m))
        return;
    reported [m->key] = 1;
    json_t *values = json_pack ("[o, o]", elle_list_json (self, m),
                                elle_list_json (self, &self->mops [la->longest [m->key]]));
    elle_case (self, "incompatible-order", m->txn, s_kv (self, m->key, "values", values));
}

//  Append w's element is in the longest read l: its txn's append to the
//  key just before it must be there, and earlier (la->pos holds the
//  elements walked so far). A txn appends in its own order: a version
//  with a later append of a txn but not its earlier ones (read [2 1] of a
//  txn that appended 1, then 2) is one no execution makes, at any level.
static void
s_own_order (elle_t *self, s_la_t *la, const elle_mop_t *l, uint32_t w)
{
    const elle_mop_t *a = &self->mops [w];
    const elle_txn_t *t = &self->txns [a->txn];
    uint32_t before = ELLE_NONE;
    for (uint32_t j = w; j-- > t->mop && before == ELLE_NONE; )
        if (self->mops [j].key == a->key && self->mops [j].f == ELLE_F_WRITE)
            before = j;
    if (before == ELLE_NONE || elle_map_get (&la->pos, a->key, self->mops [before].value)
                               != ELLE_NONE)
        return;
    json_t *c = s_kv (self, a->key, "values", json_pack ("[o]", elle_list_json (self, l)));
    json_object_set_new (c, "appends", json_pack ("[o, o]",
                         elle_value_json (self, self->mops [before].value),
                         elle_value_json (self, a->value)));
    elle_case (self, "incompatible-order", a->txn, c);
}

//  Along the key's longest read: ww between the writers of adjacent
//  (non-failed) elements, dirty updates, each element's position.
static void
s_order_la (elle_t *self, s_la_t *la, uint32_t key)
{
    la->last [key] = la->last_value [key] = ELLE_NONE;
    if (la->longest [key] == ELLE_NONE)
        return;
    const elle_mop_t *l = &self->mops [la->longest [key]];
    uint32_t prev = ELLE_NONE, prev_value = ELLE_NONE, failed = ELLE_NONE;
    for (uint32_t j = 0; j < l->nlist; j++) {
        uint32_t v = s_elem (self, l, j), w = elle_writer (self, key, v);
        uint32_t *slot = elle_map_slot (&la->pos, key, v);
        if (*slot == ELLE_NONE) {
            *slot = j;
            la->pos.n++;
        }
        if (w == ELLE_NONE)
            continue;
        if (s_failed_writer (self, w)) {
            failed = failed == ELLE_NONE? v: failed;
            continue;
        }
        if (failed != ELLE_NONE) {
            json_t *c = s_kv (self, key, "value", elle_list_json (self, l));
            json_object_set_new (c, "aborted", elle_value_json (self, failed));
            json_object_set_new (c, "element", elle_value_json (self, v));
            elle_case (self, "dirty-update", self->mops [w].txn, c);
            failed = ELLE_NONE;
        }
        s_own_order (self, la, l, w);
        if (prev != ELLE_NONE)
            elle_edge (self, prev, self->mops [w].txn, ELLE_WW, key, prev_value, v);
        prev = self->mops [w].txn;
        prev_value = v;
    }
    la->last [key] = prev;
    la->last_value [key] = prev_value;
}

//  An external read's wr edge (from the writer of its last element) and rw
//  edge (to the writer of the next element of the order), or a place
//  among the key's full readers.
static void
s_edges_la (elle_t *self, s_la_t *la, uint32_t i)
{
    elle_mop_t *m = &self->mops [i];
    uint32_t last = m->nlist? s_elem (self, m, m->nlist - 1): ELLE_NONE;
    uint32_t w = elle_writer (self, m->key, last);
    if (w != ELLE_NONE && !s_failed_writer (self, w))
        elle_edge (self, self->mops [w].txn, m->txn, ELLE_WR, m->key, last, ELLE_NONE);
    if (!s_prefix (self, la, m))
        return;
    const elle_mop_t *l = &self->mops [la->longest [m->key]];
    uint32_t j = m->nlist;
    while (j < l->nlist && (elle_writer (self, m->key, s_elem (self, l, j)) == ELLE_NONE
                            || s_failed_writer (self, elle_writer (self, m->key, s_elem (self, l, j)))))
        j++;
    if (j < l->nlist) {
        uint32_t v = s_elem (self, l, j);
        elle_edge (self, m->txn, self->mops [elle_writer (self, m->key, v)].txn, ELLE_RW,
                   m->key, last, v);
    }
    else {
        la->next [i] = la->full_head [m->key];
        la->full_head [m->key] = i;
    }
}

//  An ok append no read saw comes after every read of its key.
static void
s_unread_la (elle_t *self, s_la_t *la, uint32_t i)
{
    elle_mop_t *a = &self->mops [i];
    if (a->f != ELLE_F_WRITE || !s_ok (self, i) || elle_map_get (&la->pos, a->key, a->value) != ELLE_NONE)
        return;
    if (la->last [a->key] != ELLE_NONE)
        elle_edge (self, la->last [a->key], a->txn, ELLE_WW, a->key, la->last_value [a->key],
                   a->value);
    for (uint32_t r = la->full_head [a->key]; r != ELLE_NONE; r = la->next [r]) {
        const elle_mop_t *m = &self->mops [r];
        elle_edge (self, m->txn, a->txn, ELLE_RW, a->key,
                   m->nlist? s_elem (self, m, m->nlist - 1): ELLE_NONE, a->value);
    }
}

static uint32_t *
s_nones (size_t n)
{
    uint32_t *a = malloc ((n + 1) * sizeof (uint32_t));
    assert (a);
    memset (a, 0xff, (n + 1) * sizeof (uint32_t));
    return a;
}

//  --------------------------------------------------------------------------
//  Lost update: two committed txns read the same version of a key (their
//  first touch of it) and both wrote the key after. Whatever the version
//  order, one of them overwrote a version it never saw the other install
//  (Elle's lost-update; cursor stability, repeatable read and snapshot
//  isolation rule it out: first-committer-wins aborts one). It needs no
//  version order, so it is found where the order leaves the two writes
//  unordered (rw-register: both read nil, wrote 1 and 2; no cycle but a
//  G2-item one shows it). A version is a register's value (nil included),
//  or a list read in whole.

typedef struct {
    uint32_t key;
    uint64_t version;       //  the value, or the list's hash
    uint32_t mop;           //  the read
} s_lost_t;

//  Does mop i's txn write or append to mop i's key after it?
static bool
s_writes_after (const elle_t *self, uint32_t i)
{
    const elle_txn_t *t = &self->txns [self->mops [i].txn];
    for (uint32_t j = i + 1; j < t->mop + t->nmops; j++)
        if (self->mops [j].key == self->mops [i].key && self->mops [j].f == ELLE_F_WRITE)
            return true;
    return false;
}

static int
s_cmp_lost (const void *a, const void *b)
{
    const s_lost_t *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key? -1: 1;
    if (x->version != y->version)
        return x->version < y->version? -1: 1;
    return x->mop < y->mop? -1: x->mop > y->mop;
}

//  Did reads a and b read the same version?
static bool
s_same_version (const elle_t *self, const s_lost_t *a, const s_lost_t *b)
{
    if (a->key != b->key || a->version != b->version)
        return false;
    const elle_mop_t *x = &self->mops [a->mop], *y = &self->mops [b->mop];
    if (self->model != ELLE_LIST_APPEND)
        return x->value == y->value;
    return x->nlist == y->nlist
        && (x->nlist == 0 || memcmp (self->lists + x->list, self->lists + y->list,
                                     x->nlist * sizeof (uint32_t)) == 0);
}

static void
s_lost_updates (elle_t *self)
{
    s_lost_t *reads = malloc ((self->nmops + 1) * sizeof (s_lost_t));
    assert (reads);
    size_t n = 0;
    bool lists = self->model == ELLE_LIST_APPEND;
    for (uint32_t i = 0; i < self->nmops; i++) {
        const elle_mop_t *m = &self->mops [i];
        if (m->f != ELLE_F_READ || !m->external || !s_ok (self, i)
        ||  (lists && m->list == ELLE_NONE) || !s_writes_after (self, i))
            continue;
        uint64_t version = m->value;
        if (lists)              //  (no lists at all when every read was empty)
            version = m->nlist? hash_fnv1a64 (self->lists + m->list,
                                              m->nlist * sizeof (uint32_t),
                                              HASH_FNV1A64_BASIS) ^ m->nlist: 0;
        reads [n++] = (s_lost_t) { .key = m->key, .version = version, .mop = i };
    }
    qsort (reads, n, sizeof (s_lost_t), s_cmp_lost);
    for (size_t i = 0; i < n; ) {
        size_t j = i + 1;
        while (j < n && s_same_version (self, &reads [i], &reads [j]))
            j++;
        if (j - i > 1) {
            const elle_mop_t *m = &self->mops [reads [i].mop];
            json_t *c = s_kv (self, m->key, "value", lists? elle_list_json (self, m)
                                                          : elle_value_json (self, m->value));
            json_t *others = json_array ();
            for (size_t k = i + 1; k < j; k++)
                json_array_append_new (others, elle_op_json (self, self->mops [reads [k].mop].txn));
            json_object_set_new (c, "txns", others);
            elle_case (self, "lost-update", m->txn, c);
        }
        i = j;
    }
    free (reads);
}

void
elle_infer_list_append (elle_t *self)
{
    size_t nk = self->keys.n;
    s_la_t la = { .e = self, .longest = s_nones (nk), .last = s_nones (nk),
                  .last_value = s_nones (nk), .full_head = s_nones (nk),
                  .next = s_nones (self->nmops) };
    uint8_t *reported = calloc (nk + 1, 1);
    assert (reported);
    for (uint32_t i = 0; i < self->nmops; i++) {
        elle_mop_t *m = &self->mops [i];
        if (m->f != ELLE_F_READ || m->list == ELLE_NONE)
            continue;
        uint32_t *l = &la.longest [m->key];
        if (*l == ELLE_NONE || self->mops [*l].nlist < m->nlist)
            *l = i;
    }
    for (uint32_t k = 0; k < nk; k++)
        s_order_la (self, &la, k);
    for (uint32_t i = 0; i < self->nmops; i++) {
        elle_mop_t *m = &self->mops [i];
        if (m->f != ELLE_F_READ || m->list == ELLE_NONE)
            continue;
        s_read_cases (self, i);
        s_internal_la (self, i);
        s_incompatible (self, &la, reported, i);
        if (m->external)
            s_edges_la (self, &la, i);
    }
    for (uint32_t i = 0; i < self->nmops; i++)
        s_unread_la (self, &la, i);
    s_lost_updates (self);
    free (reported);
    free (la.longest);
    free (la.last);
    free (la.last_value);
    free (la.full_head);
    free (la.next);
    free (la.pos.keys);
    free (la.pos.vals);
}

//  --------------------------------------------------------------------------
//  rw-register

static void
s_read_cases_rw (elle_t *self, uint32_t i)
{
    elle_mop_t *m = &self->mops [i];
    elle_txn_t *t = &self->txns [m->txn];
    for (uint32_t j = i; j-- > t->mop; ) {
        elle_mop_t *p = &self->mops [j];
        if (p->key != m->key)
            continue;
        if (p->value != m->value) {
            json_t *c = s_kv (self, m->key, "value", elle_value_json (self, m->value));
            json_object_set_new (c, "expected", elle_value_json (self, p->value));
            elle_case (self, "internal", m->txn, c);
        }
        return;         // only the latest touch of the key matters
    }
    if (m->value == ELLE_NONE)
        return;
    uint32_t w = elle_writer (self, m->key, m->value);
    if (w != ELLE_NONE && self->mops [w].txn == m->txn && w > i) {
        s_future_read (self, i, w, m->value);
        return;
    }
    json_t *c = s_kv (self, m->key, "value", elle_value_json (self, m->value));
    if (w == ELLE_NONE)
        elle_case (self, "garbage-read", m->txn, c);
    else
    if (s_failed_writer (self, w)) {
        json_object_set_new (c, "writer", elle_op_json (self, self->mops [w].txn));
        elle_case (self, "G1a", m->txn, c);
    }
    else
    if (self->mops [w].txn != m->txn && !self->mops [w].final) {
        json_object_set_new (c, "writer", elle_op_json (self, self->mops [w].txn));
        elle_case (self, "G1b", m->txn, c);
    }
    else
        json_decref (c);
}

//  The final write of key in mop i's txn, ELLE_NONE if none.
static uint32_t
s_final_write (const elle_t *self, uint32_t i)
{
    const elle_txn_t *t = &self->txns [self->mops [i].txn];
    for (uint32_t j = t->mop; j < t->mop + t->nmops; j++)
        if (self->mops [j].key == self->mops [i].key && self->mops [j].f == ELLE_F_WRITE
        &&  self->mops [j].final)
            return j;
    return ELLE_NONE;
}

typedef struct {
    uint32_t *nil_head;         // key -> external readers of nil (mops)
    uint32_t *reader_head;      // writer mop -> external readers of its value
    uint32_t *next;
    uint8_t *seen;              // writer mop: read by an ok txn
} s_rw_t;

//  The edges of version v1 < v2 of key (v1 NONE: nil): ww from v1's
//  writer to v2's, rw from v1's readers to v2's writer.
static void
s_version_edge (elle_t *self, s_rw_t *rw, uint32_t key, uint32_t v1, uint32_t w2)
{
    uint32_t v2 = self->mops [w2].value, to = self->mops [w2].txn;
    uint32_t w1 = elle_writer (self, key, v1);
    if (w1 != ELLE_NONE && !s_failed_writer (self, w1))
        elle_edge (self, self->mops [w1].txn, to, ELLE_WW, key, v1, v2);
    uint32_t head = v1 == ELLE_NONE? rw->nil_head [key]: w1 != ELLE_NONE? rw->reader_head [w1]: ELLE_NONE;
    for (uint32_t r = head; r != ELLE_NONE; r = rw->next [r])
        elle_edge (self, self->mops [r].txn, to, ELLE_RW, key, v1, v2);
}

void
elle_infer_rw_register (elle_t *self)
{
    s_rw_t rw = { .nil_head = s_nones (self->keys.n), .reader_head = s_nones (self->nmops),
                  .next = s_nones (self->nmops), .seen = calloc (self->nmops + 1, 1) };
    assert (rw.seen);
    for (uint32_t i = 0; i < self->nmops; i++) {
        elle_mop_t *m = &self->mops [i];
        if (m->f != ELLE_F_READ || !s_ok (self, i))
            continue;
        s_read_cases_rw (self, i);
        if (!m->external)
            continue;
        uint32_t w = elle_writer (self, m->key, m->value);
        if (m->value == ELLE_NONE) {
            rw.next [i] = rw.nil_head [m->key];
            rw.nil_head [m->key] = i;
        }
        else
        if (w != ELLE_NONE && !s_failed_writer (self, w)) {
            rw.seen [w] = 1;
            rw.next [i] = rw.reader_head [w];
            rw.reader_head [w] = i;
            elle_edge (self, self->mops [w].txn, m->txn, ELLE_WR, m->key, m->value, ELLE_NONE);
        }
    }
    //  nil < every committed write; v1 < v2 where a txn read v1, wrote v2
    for (uint32_t i = 0; i < self->nmops; i++) {
        elle_mop_t *m = &self->mops [i];
        if (m->f == ELLE_F_WRITE && m->final && (s_ok (self, i) || (rw.seen [i]
            && self->txns [m->txn].type != OP_FAIL)))
            s_version_edge (self, &rw, m->key, ELLE_NONE, i);
        if (m->f != ELLE_F_READ || !m->external || !s_ok (self, i) || m->value == ELLE_NONE)
            continue;
        uint32_t w2 = s_final_write (self, i);
        if (w2 != ELLE_NONE && self->mops [w2].value != m->value)
            s_version_edge (self, &rw, m->key, m->value, w2);
    }
    s_lost_updates (self);
    free (rw.nil_head);
    free (rw.reader_head);
    free (rw.next);
    free (rw.seen);
}
