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
    its `from` is not current; it is checked against the order found, which
    for keys with failed cas is remade so that values are replaced as early
    as they can be (s_schedule). One that does not fit is made to by one of
    a few choices (s_option), each tried with a new order and undone when
    the units cannot be placed. If none works the key goes to the search:
    never a wrong verdict, as only the first order, which chose nothing,
    may say invalid.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "op.h"
#include "unique.h"

#define S_NONE       (-1)
#define S_IMPOSSIBLE (-2)   // a cas from a value nobody wrote
#define S_UNPLACED   (-3)   // read_next of a failed cas not made a read
#define S_GLUED      (-4)   // ... of one placed by gluing two chains
#define S_OPTIONS    4      // ways tried to make a failed cas fit

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
    int64_t a;              // its earliest point, its chain alone
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
    int64_t *after;         // the cluster after each in the order found
    s_cluster_t *saved;     // undo for a failed cas's option
    int64_t *saved_reads;
    s_unit_t *units;
    size_t nunits;
    int64_t failing;
    size_t placed;          // units placed before the failing one
    int64_t blocked_t;      // the time they had reached then
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
            c->a = a;
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
s_order (s_t *s, int64_t *after)
{
    assert (s->nunits > 0 && s->units [0].head == 0);
    qsort (s->units + 1, s->nunits - 1, sizeof (s_unit_t), s_by_key);
    int64_t t = INT64_MIN, last = -1;
    for (size_t i = 0; i < s->nunits; i++) {
        s_unit_t *u = &s->units [i];
        if (t > u->d) {
            s->failing = u->d_op;
            s->blocked_t = t;
            s->placed = i;
            return -1;
        }
        for (int64_t j = u->head; j >= 0; j = s->c [j].next) {
            s->c [j].start = s_max (t, s->c [j].a);
            if (last >= 0) {
                s->c [last].end = s->c [j].start;
                after [last] = j;
            }
            after [j] = -1;
            last = j;
        }
        t = s_max (t, u->e);
    }
    s->c [last].end = INT64_MAX;
    s->placed = s->nunits;
    return 0;
}

//  Place a unit at time *t: its clusters' points and spans, and the time
//  the next unit may start.
static void
s_place (s_t *s, const s_unit_t *u, int64_t *t, int64_t *last)
{
    for (int64_t j = u->head; j >= 0; j = s->c [j].next) {
        s->c [j].start = s_max (*t, s->c [j].a);
        if (*last >= 0) {
            s->c [*last].end = s->c [j].start;
            s->after [*last] = j;
        }
        s->after [j] = -1;
        *last = j;
    }
    *t = s_max (*t, u->e);
    s->c [*last].end = INT64_MAX;
}

static int
s_by_d (const void *a, const void *b, void *arg)
{
    const s_unit_t *u = arg;
    int64_t x = u [*(const size_t *) a].d, y = u [*(const size_t *) b].d;
    return x < y? -1: x > y;
}

static int
s_by_a (const void *a, const void *b, void *arg)
{
    const s_t *s = arg;
    int64_t x = s->c [s->units [*(const size_t *) a].head].a;
    int64_t y = s->c [s->units [*(const size_t *) b].head].a;
    return x < y? -1: x > y;
}

//  The next unplaced unit in by-D order from i (path halving).
static size_t
s_next_free (size_t *next, const uint8_t *placed, const size_t *byd, size_t i, size_t n)
{
    while (i < n && placed [byd [i]]) {
        size_t j = next [i];
        if (j < n && placed [byd [j]])
            next [i] = next [j];
        i = j;
    }
    return i;
}

//  Is unit v safe to place next: its E kills no other unit's D?
static bool
s_safe (const s_t *s, size_t v, size_t m, int64_t d1, int64_t d2)
{
    return s->units [v].e <= (v == m? d2: d1);
}

//  A valid key's order again, for the failed cas: each step places a unit
//  that keeps the rest placeable (its E at most every other unit's D), the
//  one that can start first (then the least E), so that each value is
//  replaced as early as it can be. The sorted order (s_order) only proves
//  an order exists. Returns 0, or -1 (order left as it was) when a scan
//  would grow long.
static int
s_schedule (s_t *s)
{
    size_t n = s->nunits;
    size_t *byd = malloc (n * sizeof (size_t)), *bya = malloc (n * sizeof (size_t));
    size_t *next = malloc (n * sizeof (size_t));
    uint8_t *placed = calloc (n, 1);
    int rc = byd && bya && next && placed? 0: -1;
    for (size_t i = 1; rc == 0 && i < n; i++) {
        byd [i - 1] = bya [i - 1] = i;
        next [i - 1] = i;
    }
    size_t m = n - 1, ia = 0, d = 0;
    if (rc == 0) {
        qsort_r (byd, m, sizeof (size_t), s_by_d, s->units);
        qsort_r (bya, m, sizeof (size_t), s_by_a, s);
    }
    int64_t t = INT64_MIN, last = -1;
    if (rc == 0)
        s_place (s, &s->units [0], &t, &last);
    for (size_t step = 0; rc == 0 && step < m; step++) {
        d = s_next_free (next, placed, byd, d, m);
        size_t d2 = s_next_free (next, placed, byd, d + 1, m);
        int64_t d1v = s->units [byd [d]].d, d2v = d2 < m? s->units [byd [d2]].d: INT64_MAX;
        //  The first by A that is safe: released ones (A <= t) start at t
        //  alike, the least E of those is kept
        size_t pick = SIZE_MAX, scanned = 0;
        for (size_t i = ia; i < m && scanned < FL_CHECK_UNIQUE_SCAN_MAX; i++, scanned++) {
            size_t v = bya [i];
            if (placed [v] || !s_safe (s, v, byd [d], d1v, d2v))
                continue;
            bool released = s->c [s->units [v].head].a <= t;
            if (pick == SIZE_MAX || (released && s->units [v].e < s->units [pick].e))
                pick = v;
            if (!released)
                break;
        }
        if (pick == SIZE_MAX || s->units [pick].d < t)
            rc = -1;
        else {
            placed [pick] = 1;
            s_place (s, &s->units [pick], &t, &last);
        }
        while (ia < m && placed [bya [ia]])
            ia++;
    }
    free (byd);
    free (bya);
    free (next);
    free (placed);
    return rc;
}

//  A failed cas that sees cluster x: x's value must be current at a moment
//  of its interval, as for a read.
static void
s_sees (s_t *s, size_t i, int64_t x)
{
    const model_op_t *op = &s->ops [i];
    s_cluster_t *c = &s->c [x];
    if (op->ret < c->hi) {
        c->hi = op->ret;
        c->hi_op = (int64_t) i;
    }
    c->reads_call = s_max (c->reads_call, op->call);
    s->read_next [i] = c->reads;
    c->reads = (int64_t) i;
}

//  A value that could be current during the failed cas op instead of a:
//  written by an op invoked before op returned that returned after op was
//  invoked (in flight then), not replaced by a cas; of those the one whose
//  write or read returned first (the least freedom lost).
static int64_t
s_successor (const s_t *s, int64_t a, const model_op_t *op)
{
    int64_t best = -1;
    for (size_t x = 1; x < s->nc; x++) {
        const s_cluster_t *c = &s->c [x];
        if ((int64_t) x == a || !c->needed || c->next != S_NONE || c->lo >= op->ret
        ||  c->hi <= op->call || c->hi == INT64_MAX)
            continue;
        if (best < 0 || c->hi < s->c [best].hi)
            best = (int64_t) x;
    }
    return best;
}

//  Can chain x (a head) be glued right after a (the end of its chain), its
//  value written before op returns? Not if that closes a cycle.
static bool
s_can_glue (const s_t *s, int64_t a, int64_t x, const model_op_t *op)
{
    const s_cluster_t *c = &s->c [x];
    if (x <= 0 || x == a || !c->needed || c->pred != S_NONE || s->c [a].next != S_NONE
    ||  c->lo >= op->ret || c->hi <= s->c [a].start)
        return false;
    for (int64_t j = x; j >= 0; j = s->c [j].next)
        if (j == a)
            return false;
    return true;
}

//  The chain to glue after a for the failed cas op: the first after a in
//  the order found that can be; -1 if none can.
static int64_t
s_glue_pick (const s_t *s, int64_t a, const int64_t *after, const model_op_t *op)
{
    for (int64_t x = after [a]; x >= 0; x = after [x]) {
        if (s->c [x].lo >= op->ret && s->c [x].start >= op->ret && s->c [x].pred == S_NONE
        &&  s->c [x].lo > s->c [x].hi)
            break;
        if (s_can_glue (s, a, x, op))
            return x;
    }
    return -1;
}

//  Does the failed cas op fit the order found: a moment of its interval
//  where its `from` is not current?
static bool
s_fits (const s_t *s, const model_op_t *op)
{
    int64_t k = s_lookup (s, op->a);
    if (k < 0 || !s->c [k].needed)
        return true;
    return s->c [k].start > op->call || s->c [k].end < op->ret;
}

//  The first failed cas that does not fit, or -1.
static int64_t
s_misfit (const s_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        if ((s->ops [i].flags & MODEL_F_CAS_FAILED) && !s_fits (s, &s->ops [i]))
            return (int64_t) i;
    return -1;
}

//  One way to make failed cas i fit (option 0..S_OPTIONS-1): its `from` a
//  written after its invoke; it a read of the value after a in the order
//  found; the chain that can start first after a glued to a; it a read of
//  a value in flight then. False when the option does not apply.
static bool
s_option (s_t *s, size_t i, int option)
{
    const model_op_t *op = &s->ops [i];
    int64_t k = s_lookup (s, op->a);
    s_cluster_t *c = &s->c [k];
    int64_t x = -1;
    switch (option) {
        case 0:
            if (c->writer < 0 || c->hi <= op->call)
                return false;
            c->lo = s_max (c->lo, op->call + 1);
            return true;
        case 1:
            x = s->after [k] >= 0 && s->c [s->after [k]].lo < op->ret? s->after [k]: -1;
            break;
        case 2:
            x = s_glue_pick (s, k, s->after, op);
            if (x < 0)
                return false;
            c->next = x;
            s->c [x].pred = k;
            if (op->ret < s->c [x].hi) {
                s->c [x].hi = op->ret;
                s->c [x].hi_op = (int64_t) i;
            }
            s->read_next [i] = S_GLUED;
            return true;
        default:
            x = s_successor (s, k, op);
            break;
    }
    if (x < 0)
        return false;
    s_sees (s, i, x);
    return true;
}

//  Append a cluster's writer and its reads invoked by limit to the prefix.
static void
s_prefix_add (const s_t *s, int64_t j, int64_t limit, wgl_result_t *result)
{
    if (s->c [j].writer >= 0)
        result->prefix [result->nprefix++] = (uint32_t) s->c [j].writer;
    for (int64_t r = s->c [j].reads; r >= 0; r = s->read_next [r])
        if (s->ops [r].call <= limit)
            result->prefix [result->nprefix++] = (uint32_t) r;
    result->prefix_state = s->c [j].value;
}

//  On invalid when a unit could not be placed (its op d_op returned before
//  the time the units before it reached): the op blamed is the one whose
//  invoke set that time, invoked after d_op returned yet needing a value
//  d_op's unit replaces (a stale read, as the search would say). The
//  prefix: the units before, without their ops invoked after d_op returned
//  (a chain stops at such a write), then the unit of d_op.
static void
s_prefix (s_t *s, wgl_result_t *result)
{
    result->prefix = malloc ((s->n + 1) * sizeof (uint32_t));
    result->nprefix = 0;
    result->prefix_state = model_part_init (s->part);
    if (!result->prefix)
        return;
    if (s->placed == SIZE_MAX || s->placed >= s->nunits)
        return;             // not a placing failure: an empty prefix
    const s_unit_t *u = &s->units [s->placed];
    for (size_t i = 0; i < s->placed; i++)
        for (int64_t j = s->units [i].head; j >= 0; j = s->c [j].next) {
            int64_t w = s->c [j].writer;
            if (w >= 0 && s->ops [w].call > u->d) {
                if (s->ops [w].call == s->blocked_t)
                    s->failing = w;
                break;
            }
            for (int64_t r = s->c [j].reads; r >= 0; r = s->read_next [r])
                if (s->ops [r].call == s->blocked_t)
                    s->failing = r;
            s_prefix_add (s, j, u->d, result);
        }
    for (int64_t j = u->head; j >= 0; j = s->c [j].next)
        s_prefix_add (s, j, INT64_MAX, result);
}

static void
s_free (s_t *s)
{
    free (s->c);
    free (s->byvalue);
    free (s->read_next);
    free (s->units);
    free (s->after);
    free (s->saved);
    free (s->saved_reads);
}

//  Units and their order from the clusters as they are now.
static int
s_reorder (s_t *s)
{
    for (size_t k = 0; k < s->nc; k++)
        s->c [k].seen = false;
    s->nunits = 0;
    s->failing = -1;
    s->placed = SIZE_MAX;
    int rc = s_units (s);
    rc = rc? rc: s_order (s, s->after);
    if (rc == 0 && s_misfit (s) >= 0 && s_schedule (s))
        s_order (s, s->after);      // cannot fail: it just did not
    return rc;
}

//  Decide: 0 with *rc 0 (valid) or -1 (invalid), or -1 when the key is
//  unfit (s->why says why). The first order assumes nothing, so only it
//  may prove invalid. Then each failed cas that does not fit is made to by
//  the first option (s_option) that leaves the units placeable and it
//  fitting; an option that does not is undone.
static int
s_decide (s_t *s, int *rc)
{
    if (s_clusters (s))
        return -1;
    for (size_t i = 0; i < s->n; i++)
        s->read_next [i] = S_UNPLACED;
    *rc = s_reads (s);
    *rc = *rc? *rc: s_links (s);
    *rc = *rc? *rc: s_reorder (s);
    s->why = "a failed cas that does not fit the orders found";
    for (int tries = 0; *rc == 0; tries++) {
        int64_t i = s_misfit (s);
        if (i < 0)
            return 0;
        if (tries == FL_CHECK_UNIQUE_PASSES_MAX
        ||  (size_t) tries * S_OPTIONS * (s->nc + 1) > FL_CHECK_UNIQUE_WORK_MAX)
            return -1;
        bool fixed = false;
        for (int option = 0; !fixed && option < S_OPTIONS; option++) {
            memcpy (s->saved, s->c, s->nc * sizeof (s_cluster_t));
            memcpy (s->saved_reads, s->read_next, s->n * sizeof (int64_t));
            if (s_option (s, (size_t) i, option) && s_reorder (s) == 0
            &&  s_fits (s, &s->ops [i]))
                fixed = true;
            else {
                memcpy (s->c, s->saved, s->nc * sizeof (s_cluster_t));
                memcpy (s->read_next, s->saved_reads, s->n * sizeof (int64_t));
                s_reorder (s);      // the order as it was: it succeeded
            }
        }
        if (!fixed)
            return -1;
    }
    return 0;
}

unique_verdict_t
unique_check (model_part_t *part, wgl_result_t *result, const char **why)
{
    assert (part && result && why);
    //  Out of memory while compiling: ops may be missing and values be
    //  wrong ids, so nothing can be decided from them (the search says
    //  unknown)
    if (model_part_oom (part)) {
        *why = "out of memory while the key's ops were compiled";
        return UNIQUE_UNFIT;
    }
    s_t s = { .part = part, .ops = model_part_ops (part), .n = model_part_size (part),
              .failing = -1, .placed = SIZE_MAX };
    s.c = malloc ((s.n + 1) * sizeof (s_cluster_t));
    s.byvalue = malloc ((s.n + 1) * sizeof (s_pair_t));
    s.read_next = malloc ((s.n + 1) * sizeof (int64_t));
    s.units = malloc ((s.n + 1) * sizeof (s_unit_t));
    s.after = malloc ((s.n + 1) * sizeof (int64_t));
    s.saved = malloc ((s.n + 1) * sizeof (s_cluster_t));
    s.saved_reads = malloc ((s.n + 1) * sizeof (int64_t));
    if (!s.c || !s.byvalue || !s.read_next || !s.units || !s.after || !s.saved
    ||  !s.saved_reads) {
        s_free (&s);
        *why = "out of memory";
        return UNIQUE_UNFIT;
    }
    int rc = 0;
    int fit = s_decide (&s, &rc);
    if (fit) {
        s_free (&s);
        *why = s.why;
        return UNIQUE_UNFIT;
    }
    memset (result, 0, sizeof (*result));
    result->verdict = rc? WGL_INVALID: WGL_VALID;
    result->prefix_state = model_part_init (part);
    if (rc)
        s_prefix (&s, result);      // may blame another op: first
    result->blocked = rc? s.failing: -1;
    result->memory_bytes = (s.n + 1) * (sizeof (s_cluster_t) + sizeof (s_pair_t)
                         + 4 * sizeof (int64_t) + sizeof (s_unit_t) + sizeof (s_cluster_t));
    s_free (&s);
    return rc? UNIQUE_INVALID: UNIQUE_VALID;
}
