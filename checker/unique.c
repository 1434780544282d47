/*  unique.c -- unique-value registers decided by ordering clusters.

    A cluster is a value: the op that wrote it (none for the initial value)
    and the known reads that returned it. Linearizing the key means choosing
    an order of clusters and, for each, the point s where its value is
    written; the value is then current until the next cluster's s. For a
    cluster k with write call lo, earliest return hi (its writer and reads)
    and latest read call reads_call, the points must satisfy
        lo <= s_k <= hi   and   s_next >= max (s_k, reads_call).
    A successful cas a -> b is b's writer and a read of a at the same point:
    b immediately follows a. Chains of such clusters are units with a fixed
    inner order; given the time T a unit may start, its earliest points are
    s_k = max (T, A_k) (A_k the running max of the lo and reads_call before
    it), so a unit fits iff T <= D (the least hi of its clusters) and leaves
    T = max (T, E) (E its last point and reads). A set of units, after the
    initial value's unit, can be ordered iff there is an order where each
    unit's D is at least every E before it: pairwise, two "forward" units
    (E > D: the value must span [D, E]) must not overlap and no "backward"
    unit (E <= D) may lie inside a forward one. Sorting forward units by E
    and backward ones by D (forward first on ties) yields such an order when
    one exists, so one pass over the sorted units decides: O(n log n).

    Ops of unknown outcome: an unread write or cas may never have happened
    and is left out, unless a cas chain from it was read; unknown reads say
    nothing. A failed cas (error 22) needs a moment in its interval where
    its `from` is not current; it is checked against the order found, and
    if it does not fit there the key goes to the search (never a wrong
    verdict: the search decides).
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "op.h"
#include "unique.h"

#define S_NONE       (-1)
#define S_IMPOSSIBLE (-2)   // a cas from a value nobody wrote

typedef struct {
    uint64_t value;
    int64_t writer;         // partition op, -1: the initial value
    int64_t lo;             // the writer's call (INT64_MIN: initial value)
    int64_t hi;             // earliest return of the writer and known reads
    int64_t hi_op;          // the op returning there, -1 if none
    int64_t reads_call;     // latest call of a known read, INT64_MIN if none
    int64_t pred;           // the cluster a cas writer replaced, or S_*
    int64_t next;           // the cluster a cas from this value wrote
    int64_t reads;          // first known read, list through s_t.read_next
    int64_t start, end;     // its value's span in the order found
    bool needed;            // in the order: read, or written by an op that happened
    bool seen;
} s_cluster_t;

typedef struct {
    int64_t head;
    int64_t d, d_op, e;
    int64_t key;
    int rank;               // 0 forward, 1 backward
} s_unit_t;

typedef struct {
    uint64_t value;
    int64_t cluster;
} s_pair_t;

typedef struct {
    model_part_t *part;
    model_op_t *ops;
    size_t n;
    s_cluster_t *c;
    size_t nc;
    s_pair_t *byvalue;
    int64_t *read_next;
    s_unit_t *units;
    size_t nunits;
    int64_t failing;
    size_t placed;          // units placed before the failing one
    const char *why;
} s_t;

static int64_t s_max (int64_t a, int64_t b) { return a > b? a: b; }

static int
s_by_value (const void *a, const void *b)
{
    uint64_t x = ((const s_pair_t *) a)->value, y = ((const s_pair_t *) b)->value;
    return x < y? -1: x > y;
}

static int
s_by_key (const void *a, const void *b)
{
    const s_unit_t *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key? -1: 1;
    return x->rank - y->rank;
}

static int64_t
s_lookup (const s_t *s, uint64_t value)
{
    size_t lo = 0, hi = s->nc;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->byvalue [mid].value < value)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nc && s->byvalue [lo].value == value? s->byvalue [lo].cluster: -1;
}

static s_cluster_t
s_cluster (uint64_t value, int64_t writer, int64_t lo, int64_t hi, bool needed)
{
    return (s_cluster_t) { .value = value, .writer = writer, .lo = lo, .hi = hi,
        .hi_op = writer, .reads_call = INT64_MIN, .pred = S_NONE, .next = S_NONE,
        .reads = -1, .needed = needed };
}

//  One cluster per written value and one for the initial value; 0 when the
//  key qualifies.
static int
s_clusters (s_t *s)
{
    s->c [s->nc++] = s_cluster (model_part_init (s->part), -1, INT64_MIN, INT64_MAX, true);
    for (size_t i = 0; i < s->n; i++) {
        const model_op_t *op = &s->ops [i];
        model_op_class_t class = model_op_class (s->part, op);
        if (class == MODEL_OP_OTHER) {
            s->why = "an op that is not a read, write or cas";
            return -1;
        }
        bool unknown = op->flags & MODEL_F_UNKNOWN;
        if (class == MODEL_OP_READ || (op->flags & MODEL_F_CAS_FAILED))
            continue;
        if (unknown && op->ret != OP_RET_NEVER) {
            s->why = "an op of unknown outcome that returned";
            return -1;
        }
        s->c [s->nc++] = s_cluster (class == MODEL_OP_WRITE? op->a: op->b, (int64_t) i,
                                    op->call, op->ret, !unknown);
    }
    for (size_t k = 0; k < s->nc; k++)
        s->byvalue [k] = (s_pair_t) { s->c [k].value, (int64_t) k };
    qsort (s->byvalue, s->nc, sizeof (s_pair_t), s_by_value);
    for (size_t k = 1; k < s->nc; k++)
        if (s->byvalue [k].value == s->byvalue [k - 1].value) {
            s->why = "a value written twice (or the initial value written)";
            return -1;
        }
    return 0;
}

//  Known reads join their value's cluster. A read of a value nobody wrote
//  is invalid on its own.
static int
s_reads (s_t *s)
{
    for (size_t j = s->n; j-- > 0; ) {
        const model_op_t *op = &s->ops [j];
        if (model_op_class (s->part, op) != MODEL_OP_READ || (op->flags & MODEL_F_UNKNOWN))
            continue;
        int64_t k = s_lookup (s, op->out);
        if (k < 0) {
            s->failing = (int64_t) j;
            return -1;
        }
        s_cluster_t *c = &s->c [k];
        s->read_next [j] = c->reads;
        c->reads = (int64_t) j;
        if (op->ret < c->hi) {
            c->hi = op->ret;
            c->hi_op = (int64_t) j;
        }
        c->reads_call = s_max (c->reads_call, op->call);
        c->needed = true;
    }
    return 0;
}

//  The op to blame for cluster k: its cas writer when that returned, else
//  the op whose return came first.
static int64_t
s_blame (const s_t *s, size_t k)
{
    const s_cluster_t *c = &s->c [k];
    if (c->writer >= 0 && s->ops [c->writer].ret != OP_RET_NEVER)
        return c->writer;
    return c->hi_op >= 0? c->hi_op: c->writer;
}

//  Cas chains: a needed cluster makes the one its cas replaced needed; a
//  value can be replaced by one cas only (it never comes back).
static int
s_links (s_t *s)
{
    for (size_t k = 1; k < s->nc; k++) {
        const model_op_t *w = &s->ops [s->c [k].writer];
        if (model_op_class (s->part, w) == MODEL_OP_CAS) {
            int64_t a = s_lookup (s, w->a);
            s->c [k].pred = a < 0? S_IMPOSSIBLE: a;
        }
    }
    for (size_t k = 1; k < s->nc; k++) {
        if (!s->c [k].needed)
            continue;
        int64_t j = s->c [k].pred;
        while (j >= 0 && !s->c [j].needed) {
            s->c [j].needed = true;
            j = s->c [j].pred;
        }
    }
    for (size_t k = 1; k < s->nc; k++) {
        s_cluster_t *c = &s->c [k];
        if (!c->needed || c->pred == S_NONE)
            continue;
        if (c->pred == S_IMPOSSIBLE || s->c [c->pred].next != S_NONE) {
            s->failing = s_blame (s, k);
            return -1;
        }
        s->c [c->pred].next = (int64_t) k;
    }
    return 0;
}

//  Walk each chain from its head (the initial value, or a plain write):
//  its clusters' earliest points (kept in start), D and E. A cluster that
//  cannot fit even alone, or one in a cycle of cas, is invalid.
static int
s_units (s_t *s)
{
    for (size_t k = 0; k < s->nc; k++) {
        if (!s->c [k].needed || s->c [k].pred != S_NONE)
            continue;
        s_unit_t u = { .head = (int64_t) k, .d = INT64_MAX, .d_op = -1 };
        int64_t a = INT64_MIN, prev_reads = INT64_MIN;
        for (int64_t j = (int64_t) k; j >= 0; j = s->c [j].next) {
            s_cluster_t *c = &s->c [j];
            c->seen = true;
            a = s_max (a, s_max (prev_reads, c->lo));
            if (a > c->hi) {
                s->failing = c->hi_op;
                return -1;
            }
            c->start = a;
            if (c->hi < u.d) {
                u.d = c->hi;
                u.d_op = c->hi_op;
            }
            prev_reads = c->reads_call;
        }
        u.e = s_max (a, prev_reads);
        u.rank = u.e > u.d? 0: 1;
        u.key = u.rank == 0? u.e: u.d;
        s->units [s->nunits++] = u;
    }
    for (size_t k = 0; k < s->nc; k++)
        if (s->c [k].needed && !s->c [k].seen) {
            s->failing = s_blame (s, k);
            return -1;
        }
    return 0;
}

//  Sort the units after the initial value's and place them one by one.
static int
s_order (s_t *s)
{
    assert (s->nunits > 0 && s->units [0].head == 0);
    qsort (s->units + 1, s->nunits - 1, sizeof (s_unit_t), s_by_key);
    int64_t t = INT64_MIN, last = -1;
    for (size_t i = 0; i < s->nunits; i++) {
        s_unit_t *u = &s->units [i];
        if (t > u->d) {
            s->failing = u->d_op;
            s->placed = i;
            return -1;
        }
        for (int64_t j = u->head; j >= 0; j = s->c [j].next) {
            s->c [j].start = s_max (t, s->c [j].start);
            if (last >= 0)
                s->c [last].end = s->c [j].start;
            last = j;
        }
        t = s_max (t, u->e);
    }
    s->c [last].end = INT64_MAX;
    s->placed = s->nunits;
    return 0;
}

//  Each failed cas needs a moment in its interval where `from` is not
//  current: before its value was written or after it was replaced.
static bool
s_failed_cas_fit (const s_t *s)
{
    for (size_t i = 0; i < s->n; i++) {
        const model_op_t *op = &s->ops [i];
        if (!(op->flags & MODEL_F_CAS_FAILED))
            continue;
        int64_t k = s_lookup (s, op->a);
        if (k < 0 || !s->c [k].needed)
            continue;
        if (!(s->c [k].start > op->call || s->c [k].end < op->ret))
            return false;
    }
    return true;
}

//  On invalid: the units placed before the failing one, each cluster's
//  writer then its reads, make a linearizable prefix.
static void
s_prefix (const s_t *s, wgl_result_t *result)
{
    result->prefix = malloc ((s->n + 1) * sizeof (uint32_t));
    result->nprefix = 0;
    result->prefix_state = model_part_init (s->part);
    if (!result->prefix)
        return;
    for (size_t i = 0; i < s->placed; i++)
        for (int64_t j = s->units [i].head; j >= 0; j = s->c [j].next) {
            if (s->c [j].writer >= 0)
                result->prefix [result->nprefix++] = (uint32_t) s->c [j].writer;
            for (int64_t r = s->c [j].reads; r >= 0; r = s->read_next [r])
                result->prefix [result->nprefix++] = (uint32_t) r;
            result->prefix_state = s->c [j].value;
        }
}

static void
s_free (s_t *s)
{
    free (s->c);
    free (s->byvalue);
    free (s->read_next);
    free (s->units);
}

unique_verdict_t
unique_check (model_part_t *part, wgl_result_t *result, const char **why)
{
    assert (part && result && why);
    s_t s = { .part = part, .ops = model_part_ops (part), .n = model_part_size (part),
              .failing = -1 };
    s.c = malloc ((s.n + 1) * sizeof (s_cluster_t));
    s.byvalue = malloc ((s.n + 1) * sizeof (s_pair_t));
    s.read_next = malloc ((s.n + 1) * sizeof (int64_t));
    s.units = malloc ((s.n + 1) * sizeof (s_unit_t));
    if (!s.c || !s.byvalue || !s.read_next || !s.units) {
        s_free (&s);
        *why = "out of memory";
        return UNIQUE_UNFIT;
    }
    if (s_clusters (&s)) {
        s_free (&s);
        *why = s.why;
        return UNIQUE_UNFIT;
    }
    int rc = s_reads (&s);
    rc = rc? rc: s_links (&s);
    rc = rc? rc: s_units (&s);
    rc = rc? rc: s_order (&s);
    if (rc == 0 && !s_failed_cas_fit (&s)) {
        s_free (&s);
        *why = "a failed cas that does not fit the order found";
        return UNIQUE_UNFIT;
    }
    memset (result, 0, sizeof (*result));
    result->verdict = rc? WGL_INVALID: WGL_VALID;
    result->blocked = rc? s.failing: -1;
    result->prefix_state = model_part_init (part);
    result->memory_bytes = (s.n + 1) * (sizeof (s_cluster_t) + sizeof (s_pair_t)
                         + sizeof (int64_t) + sizeof (s_unit_t));
    if (rc)
        s_prefix (&s, result);
    s_free (&s);
    return rc? UNIQUE_INVALID: UNIQUE_VALID;
}
