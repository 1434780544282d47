/*  ellegraph.c -- the transaction graph: process and real-time edges, the
    strongly connected components (Tarjan's, iterative), and the search for
    the shortest cycle of each kind within each component.

    A cycle is found by a breadth-first search that starts on an edge of
    the first kind and returns to its source along edges of the allowed
    kinds (Elle's approach), but never blindly: each search has its own
    components (Tarjan over its allowed kinds), and an edge whose ends
    share one lies on a cycle for certain. Only G-single's first kind (rw)
    is not among the rest (ww, wr): its edges between two components are
    grouped by their target's component, one search from each group, and
    skipped when Tarjan's numbering says the target cannot reach the
    source. A stale-read history of 100,000 txns with components of 7,000
    is searched whole in under a second (one search per rw edge took 30 s
    and did not finish). Kinds are searched
    weakest anomaly first: G0 (ww only), G1c (a wr, then ww/wr), G-single
    (one rw, then ww/wr), G2 (an rw, then anything but process and real
    time; the cycles with one rw are G-single's and skipped), then the
    -process and -realtime variants (a process or real-time edge first).
    Adjacency lists are sorted by kind (ww, wr, rw, process, realtime), so
    a search that may take two parallel edges takes the weaker one, and a
    cycle is named by what it is made of, never by the search that found it.

    Real time is transitively reduced as Elle does: a txn's real-time
    predecessors are the frontier of completed ok txns when it is invoked;
    on its completion the ones it follows leave the frontier (they precede
    it), and it joins. The frontier is the concurrency, not the history.
    Info txns get edges in (safe: had they not committed, they have no
    edge out) and none out; failed txns are no vertex.

    The search has a deadline (the check's timeout). A component left
    unsearched when it passes is reported by the anomaly it must hold: any
    edge of a strongly connected component lies on a cycle, so a component
    with an rw edge holds at least G2-item, one with wr edges only at
    least G1c, one with ww only G0 (suffixed -process / -realtime when such
    edges are in it: the weakest claim that is certain).
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "limits.h"
#include "elle_int.h"

static const uint8_t s_kinds [5] = { ELLE_WW, ELLE_WR, ELLE_RW, ELLE_PROCESS, ELLE_REALTIME };

const char *
elle_edge_type_name (uint8_t type)
{
    return type == ELLE_WW? "ww": type == ELLE_WR? "wr": type == ELLE_RW? "rw"
         : type == ELLE_PROCESS? "process": "realtime";
}

static void
s_process_edges (elle_t *self)
{
    elle_map_t last = { 0 };
    for (uint32_t t = 0; t < self->ntxns; t++) {
        elle_txn_t *txn = &self->txns [t];
        if (txn->type == OP_FAIL)
            continue;
        uint64_t p = (uint64_t) txn->process;
        uint32_t *slot = elle_map_slot (&last, (uint32_t) (p >> 32), (uint32_t) p);
        if (*slot != ELLE_NONE)
            elle_edge (self, *slot, t, ELLE_PROCESS, ELLE_NONE, ELLE_NONE, ELLE_NONE);
        else
        if (txn->type != OP_OK)
            continue;       // nothing to follow, and an info is no predecessor
        else
            last.n++;
        if (txn->type == OP_OK)
            *slot = t;
    }
    free (last.keys);
    free (last.vals);
}

typedef struct {
    int64_t at;
    uint32_t txn;
    bool done;
} s_event_t;

static int
s_by_at (const void *a, const void *b)
{
    int64_t x = ((const s_event_t *) a)->at, y = ((const s_event_t *) b)->at;
    return x < y? -1: x > y;
}

static void
s_realtime_edges (elle_t *self)
{
    s_event_t *ev = malloc ((2 * self->ntxns + 1) * sizeof (s_event_t));
    uint32_t *first = calloc (self->ntxns + 1, sizeof (uint32_t));
    uint32_t *frontier = malloc ((self->ntxns + 1) * sizeof (uint32_t));
    uint8_t *gone = calloc (self->ntxns + 1, 1);
    assert (ev && first && frontier && gone);
    size_t n = 0, nf = 0;
    for (uint32_t t = 0; t < self->ntxns; t++) {
        if (self->txns [t].type == OP_FAIL)
            continue;
        ev [n++] = (s_event_t) { self->txns [t].call, t, false };
        if (self->txns [t].type == OP_OK)
            ev [n++] = (s_event_t) { self->txns [t].ret, t, true };
    }
    qsort (ev, n, sizeof (s_event_t), s_by_at);
    for (size_t i = 0; i < n; i++) {
        uint32_t t = ev [i].txn;
        if (!ev [i].done) {
            first [t] = (uint32_t) self->nedges;
            for (size_t j = 0; j < nf; j++)
                elle_edge (self, frontier [j], t, ELLE_REALTIME, ELLE_NONE, ELLE_NONE, ELLE_NONE);
            continue;
        }
        for (size_t e = first [t]; e < self->nedges; e++)
            if (self->edges [e].to == t && self->edges [e].type == ELLE_REALTIME)
                gone [self->edges [e].from] = 1;
        size_t k = 0;
        for (size_t j = 0; j < nf; j++)
            if (!gone [frontier [j]])
                frontier [k++] = frontier [j];
        nf = k;
        frontier [nf++] = t;
    }
    free (ev);
    free (first);
    free (frontier);
    free (gone);
}

void
elle_infer_order (elle_t *self)
{
    int tier = elle_level_tier (self->level);
    if (tier >= 1)
        s_process_edges (self);
    if (tier >= 2)
        s_realtime_edges (self);
    for (size_t e = 0; e < self->nedges; e++)
        for (int k = 0; k < 5; k++)
            self->edge_counts [k] += self->edges [e].type == s_kinds [k];
}

//  --------------------------------------------------------------------------
//  The graph: adjacency by kind, components

typedef struct {
    elle_t *e;
    size_t n;
    uint32_t *start;            // txn -> first of its out-edges in adj
    uint32_t *adj;              // edge indices
    uint32_t *comp;             // txn -> component, over every kind
    uint32_t *spec_comp [7];    // the same over each search's allowed kinds
    uint16_t *found;            // component -> classes found (bits)
    uint32_t *stamp, *parent, *queue;
    uint32_t round;
    int64_t deadline_ns;
} s_graph_t;

static void
s_adjacency (s_graph_t *g)
{
    elle_t *self = g->e;
    g->start = calloc (g->n + 2, sizeof (uint32_t));
    g->adj = malloc ((self->nedges + 1) * sizeof (uint32_t));
    assert (g->start && g->adj);
    for (size_t e = 0; e < self->nedges; e++)
        g->start [self->edges [e].from + 1]++;
    for (size_t t = 0; t < g->n; t++)
        g->start [t + 1] += g->start [t];
    uint32_t *fill = malloc ((g->n + 1) * sizeof (uint32_t));
    assert (fill);
    memcpy (fill, g->start, (g->n + 1) * sizeof (uint32_t));
    for (int k = 0; k < 5; k++)
        for (size_t e = 0; e < self->nedges; e++)
            if (self->edges [e].type == s_kinds [k])
                g->adj [fill [self->edges [e].from]++] = (uint32_t) e;
    free (fill);
}

//  Tarjan's algorithm with an explicit stack, over the edges of the kinds
//  in mask: index, lowlink, and the position in each vertex's adjacency
//  list the walk has reached. Fills comp (txn -> component); returns the
//  number of components.
static uint32_t
s_components (s_graph_t *g, uint8_t mask, uint32_t *comp)
{
    size_t n = g->n;
    uint32_t *index = malloc ((n + 1) * sizeof (uint32_t));
    uint32_t *low = malloc ((n + 1) * sizeof (uint32_t));
    uint32_t *at = malloc ((n + 1) * sizeof (uint32_t));
    uint32_t *stack = malloc ((n + 1) * sizeof (uint32_t));
    uint32_t *call = malloc ((n + 1) * sizeof (uint32_t));
    uint8_t *on = calloc (n + 1, 1);
    assert (index && low && at && stack && call && on);
    memset (index, 0xff, (n + 1) * sizeof (uint32_t));
    uint32_t next = 0, sp = 0, ncomp = 0;
    for (uint32_t root = 0; root < n; root++) {
        if (index [root] != ELLE_NONE)
            continue;
        size_t depth = 0;
        call [depth++] = root;
        index [root] = low [root] = next++;
        at [root] = g->start [root];
        stack [sp++] = root;
        on [root] = 1;
        while (depth) {
            uint32_t v = call [depth - 1];
            if (at [v] < g->start [v + 1]) {
                const elle_edge_t *e = &g->e->edges [g->adj [at [v]++]];
                uint32_t w = e->to;
                if (!(e->type & mask))
                    continue;
                if (index [w] == ELLE_NONE) {
                    index [w] = low [w] = next++;
                    at [w] = g->start [w];
                    stack [sp++] = w;
                    on [w] = 1;
                    call [depth++] = w;
                }
                else
                if (on [w] && index [w] < low [v])
                    low [v] = index [w];
                continue;
            }
            if (low [v] == index [v]) {
                uint32_t w;
                do {
                    w = stack [--sp];
                    on [w] = 0;
                    comp [w] = ncomp;
                } while (w != v);
                ncomp++;
            }
            depth--;
            if (depth && low [v] < low [call [depth - 1]])
                low [call [depth - 1]] = low [v];
        }
    }
    free (index);
    free (low);
    free (at);
    free (stack);
    free (call);
    free (on);
    return ncomp;
}

//  --------------------------------------------------------------------------
//  Cycles

//  Breadth-first from `from` along kinds in mask, within from's component
//  of comp, until `to` (ELLE_NONE: everything reachable, marked with
//  g->round in g->stamp, the tree in g->parent). Returns the path's length
//  (0 if none, or when there is no target).
static size_t
s_bfs (s_graph_t *g, const uint32_t *comp, uint32_t from, uint32_t to, uint8_t mask)
{
    uint32_t c = comp [from], head = 0, tail = 0;
    g->round++;
    g->stamp [from] = g->round;
    g->queue [tail++] = from;
    while (head < tail) {
        uint32_t v = g->queue [head++];
        for (uint32_t i = g->start [v]; i < g->start [v + 1]; i++) {
            const elle_edge_t *e = &g->e->edges [g->adj [i]];
            if (!(e->type & mask) || comp [e->to] != c || g->stamp [e->to] == g->round)
                continue;
            g->stamp [e->to] = g->round;
            g->parent [e->to] = g->adj [i];
            if (e->to == to)
                return 1;
            g->queue [tail++] = e->to;
        }
    }
    return 0;
}

//  The path from..to along g->parent (after s_bfs reached to) into path;
//  its length.
static size_t
s_path (s_graph_t *g, uint32_t from, uint32_t to, uint32_t *path)
{
    size_t n = 0;
    for (uint32_t w = to; w != from; w = g->e->edges [g->parent [w]].from)
        n++;
    size_t k = n;
    for (uint32_t w = to; w != from; w = g->e->edges [g->parent [w]].from)
        path [--k] = g->parent [w];
    return n;
}

//  The class of a cycle: base (0 G0, 1 G1c, 2 G-single, 3 G-nonadjacent,
//  4 G2-item) * 3 + suffix (0, 1 -process, 2 -realtime).
static int
s_classify (const elle_t *self, const uint32_t *cycle, size_t n)
{
    int rw = 0, wr = 0, process = 0, realtime = 0, adjacent = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t t = self->edges [cycle [i]].type;
        rw += t == ELLE_RW;
        wr += t == ELLE_WR;
        process += t == ELLE_PROCESS;
        realtime += t == ELLE_REALTIME;
        adjacent |= t == ELLE_RW && self->edges [cycle [(i + 1) % n]].type == ELLE_RW;
    }
    int base = rw == 0? (wr? 1: 0): rw == 1? 2: adjacent? 4: 3;
    return base * 3 + (realtime? 2: process? 1: 0);
}

static const char *s_bases [5] = { "G0", "G1c", "G-single", "G-nonadjacent", "G2-item" };
static const char *s_suffixes [3] = { "", "-process", "-realtime" };

static void
s_class_name (int class, char *name, size_t size)
{
    snprintf (name, size, "%s%s", s_bases [class / 3], s_suffixes [class % 3]);
}

static json_t *
s_cycle_json (elle_t *self, const uint32_t *cycle, size_t n, const char *type)
{
    json_t *ops = json_array (), *edges = json_array ();
    for (size_t i = 0; i < n && i < FL_TXN_EXPLAIN_CYCLE_MAX; i++) {
        const elle_edge_t *e = &self->edges [cycle [i]];
        char a [24], b [24];
        snprintf (a, sizeof a, "T%zu", i + 1);
        snprintf (b, sizeof b, "T%zu", (i + 1) % n + 1);
        json_array_append_new (ops, elle_op_json (self, e->from));
        char *why = elle_edge_why (self, e, a, b);
        json_t *edge = json_pack ("{s:s, s:s, s:s, s:s}", "from", a, "to", b,
                                  "type", elle_edge_type_name (e->type), "why", why);
        free (why);
        if (e->key != ELLE_NONE)
            json_object_set_new (edge, "key", elle_key_json (self, e->key));
        uint32_t v = e->type == ELLE_WR? e->value: e->value2;
        if (e->key != ELLE_NONE && v != ELLE_NONE)
            json_object_set_new (edge, "value", elle_value_json (self, v));
        json_array_append_new (edges, edge);
    }
    json_t *obj = json_pack ("{s:s, s:o, s:o, s:I}", "type", type, "cycle", ops,
                             "edges", edges, "length", (json_int_t) n);
    return obj;
}

static void
s_offer (s_graph_t *g, uint32_t c, const uint32_t *cycle, size_t n, int class)
{
    elle_t *self = g->e;
    char type [32];
    s_class_name (class, type, sizeof type);
    g->found [c] |= (uint16_t) (1u << class);
    json_t *list = json_object_get (self->cycles, type);
    if (!list) {
        list = json_array ();
        json_object_set_new (self->cycles, type, list);
        json_object_set_new (self->cycle_counts, type, json_integer (0));
    }
    json_t *count = json_object_get (self->cycle_counts, type);
    json_integer_set (count, json_integer_value (count) + 1);
    if (json_array_size (list) < FL_TXN_CYCLES_PER_TYPE_MAX)
        json_array_append_new (list, s_cycle_json (self, cycle, n, type));
}

typedef struct {
    uint8_t first, rest;
    int skip;                   // a class this search leaves to another
} s_spec_t;

#define S_SPECS 7
static const s_spec_t s_specs [S_SPECS] = {
    { ELLE_WW, ELLE_WW, -1 },
    { ELLE_WR, ELLE_WW | ELLE_WR, -1 },
    { ELLE_RW, ELLE_WW | ELLE_WR, -1 },
    { ELLE_RW, ELLE_WW | ELLE_WR | ELLE_RW, 2 * 3 },
    { ELLE_PROCESS | ELLE_REALTIME, ELLE_WW | ELLE_PROCESS | ELLE_REALTIME, -1 },
    { ELLE_PROCESS | ELLE_REALTIME, ELLE_WW | ELLE_WR | ELLE_PROCESS | ELLE_REALTIME, -1 },
    { ELLE_PROCESS | ELLE_REALTIME, 0x1f, -1 },
};

typedef struct {                // the best cycle of one search so far
    const s_spec_t *spec;
    uint32_t *path, *best;
    size_t nbest, tries;
    int best_class;
} s_try_t;

//  A cycle in t->path of n edges: count it, keep it if it is the shortest
//  of a class not found in component c yet.
static void
s_consider (s_graph_t *g, uint32_t c, s_try_t *t, size_t n)
{
    t->tries++;
    int class = s_classify (g->e, t->path, n);
    if (class == t->spec->skip || (g->found [c] & (1u << class)))
        return;
    if (!t->nbest || n < t->nbest) {
        t->nbest = n;
        t->best_class = class;
        memcpy (t->best, t->path, n * sizeof (uint32_t));
    }
}

//  First pass: edges of the first kind inside one component of the
//  allowed kinds (rc): each lies on a cycle of those kinds, found by one
//  breadth-first search. False past the deadline.
static bool
s_search_inside (s_graph_t *g, const uint32_t *members, uint32_t size, const uint32_t *rc,
                 s_try_t *t)
{
    uint32_t c = g->comp [members [0]];
    for (uint32_t m = 0; m < size && t->tries < FL_TXN_CYCLE_TRIES_MAX; m++) {
        uint32_t u = members [m];
        for (uint32_t i = g->start [u]; i < g->start [u + 1] && t->tries < FL_TXN_CYCLE_TRIES_MAX; i++) {
            const elle_edge_t *e = &g->e->edges [g->adj [i]];
            if (!(e->type & t->spec->first) || g->comp [e->to] != c || rc [u] != rc [e->to])
                continue;
            if (clock_mono_ns () > g->deadline_ns)
                return false;
            if (!s_bfs (g, rc, e->to, u, t->spec->rest))
                continue;           // cannot be: u and e->to share a component
            t->path [0] = g->adj [i];
            s_consider (g, c, t, 1 + s_path (g, e->to, u, t->path + 1));
        }
    }
    return true;
}

typedef struct {
    uint32_t edge;              // index into adj
    uint32_t key;               // rc of its target
} s_cand_t;

static int
s_by_key (const void *a, const void *b)
{
    uint32_t x = ((const s_cand_t *) a)->key, y = ((const s_cand_t *) b)->key;
    return x < y? -1: x > y;
}

//  Second pass, for a search whose first kind is not among the rest
//  (G-single: one rw, then ww/wr): an edge u -> v between two components
//  of the rest closes a cycle when v reaches u. Tarjan numbers a
//  component after every component it reaches, so only rc [v] > rc [u]
//  can; the candidates are grouped by v's component and one search from
//  each group says which of its sources it reaches.
static bool
s_search_across (s_graph_t *g, const uint32_t *members, uint32_t size, const uint32_t *rc,
                 s_try_t *t)
{
    uint32_t c = g->comp [members [0]];
    s_cand_t *cand = NULL;
    size_t n = 0, cap = 0;
    for (uint32_t m = 0; m < size; m++)
        for (uint32_t i = g->start [members [m]]; i < g->start [members [m] + 1]; i++) {
            const elle_edge_t *e = &g->e->edges [g->adj [i]];
            if (!(e->type & t->spec->first) || g->comp [e->to] != c || rc [e->to] <= rc [e->from])
                continue;
            if (n == cap) {
                cap = cap? cap * 2: 256;
                cand = realloc (cand, cap * sizeof (s_cand_t));
                assert (cand);
            }
            cand [n++] = (s_cand_t) { i, rc [e->to] };
        }
    if (n)
        qsort (cand, n, sizeof (s_cand_t), s_by_key);
    bool in_time = true;
    for (size_t i = 0; i < n && t->tries < FL_TXN_CYCLE_TRIES_MAX; ) {
        if (clock_mono_ns () > g->deadline_ns) {
            in_time = false;
            break;
        }
        size_t j = i;
        while (j < n && cand [j].key == cand [i].key)
            j++;
        s_bfs (g, g->comp, g->e->edges [g->adj [cand [i].edge]].to, ELLE_NONE, t->spec->rest);
        uint32_t round = g->round;
        for (size_t k = i; k < j && t->tries < FL_TXN_CYCLE_TRIES_MAX; k++) {
            const elle_edge_t *e = &g->e->edges [g->adj [cand [k].edge]];
            if (g->stamp [e->from] != round)
                continue;
            s_bfs (g, g->comp, e->to, e->from, t->spec->rest);
            t->path [0] = g->adj [cand [k].edge];
            s_consider (g, c, t, 1 + s_path (g, e->to, e->from, t->path + 1));
        }
        i = j;
    }
    free (cand);
    return in_time;
}

//  One search in one component: up to FL_TXN_CYCLE_TRIES_MAX cycles, the
//  shortest of a class not found there yet offered. False past the deadline.
static bool
s_search_spec (s_graph_t *g, const uint32_t *members, uint32_t size, int spec,
               uint32_t *path, uint32_t *best)
{
    s_try_t t = { .spec = &s_specs [spec], .path = path, .best = best, .best_class = -1 };
    const uint32_t *rc = g->spec_comp [spec];
    bool in_time = s_search_inside (g, members, size, rc, &t);
    if (in_time && !t.nbest && (t.spec->first & ~t.spec->rest))
        in_time = s_search_across (g, members, size, rc, &t);
    if (t.nbest)
        s_offer (g, g->comp [members [0]], best, t.nbest, t.best_class);
    return in_time;
}

//  A component the deadline left: the anomaly it must hold.
static void
s_must (s_graph_t *g, const uint32_t *members, uint32_t size)
{
    elle_t *self = g->e;
    uint32_t c = g->comp [members [0]];
    uint8_t kinds = 0;
    for (uint32_t m = 0; m < size; m++)
        for (uint32_t i = g->start [members [m]]; i < g->start [members [m] + 1]; i++)
            if (g->comp [self->edges [g->adj [i]].to] == c)
                kinds |= self->edges [g->adj [i]].type;
    int class = ((kinds & ELLE_RW)? 4: (kinds & ELLE_WR)? 1: 0) * 3
              + ((kinds & ELLE_REALTIME)? 2: (kinds & ELLE_PROCESS)? 1: 0);
    char type [32];
    s_class_name (class, type, sizeof type);
    json_t *c_json = json_pack ("{s:I, s:b, s:s}", "scc_size", (json_int_t) size,
        "inferred", 1, "why", "the cycle search ran out of time in this strongly connected "
        "component; every edge of one lies on a cycle, so it holds at least this anomaly");
    elle_case (self, type, members [0], c_json);
}

//  Each search's components (shared by searches with the same kinds);
//  or, with make false, free them.
static void
s_spec_components (s_graph_t *g, bool make)
{
    for (int s = 0; s < S_SPECS; s++) {
        int same = -1;
        for (int p = 0; p < s && same < 0; p++)
            if (s_specs [p].rest == s_specs [s].rest)
                same = p;
        if (!make) {
            if (same < 0)
                free (g->spec_comp [s]);
            continue;
        }
        if (same >= 0)
            g->spec_comp [s] = g->spec_comp [same];
        else {
            g->spec_comp [s] = malloc ((g->n + 1) * sizeof (uint32_t));
            assert (g->spec_comp [s]);
            s_components (g, s_specs [s].rest, g->spec_comp [s]);
        }
    }
}

void
elle_search (elle_t *self)
{
    s_graph_t g = { .e = self, .n = self->ntxns };
    g.deadline_ns = clock_mono_ns () + (int64_t) ((self->timeout_s > 0? self->timeout_s
                                                  : FL_CHECK_TIMEOUT_S_DEFAULT) * 1e9);
    self->cycles = json_object ();
    self->cycle_counts = json_object ();
    s_adjacency (&g);
    size_t n = g.n;
    g.comp = malloc ((n + 1) * sizeof (uint32_t));
    assert (g.comp);
    s_components (&g, 0x1f, g.comp);
    s_spec_components (&g, true);
    g.found = calloc (n + 1, sizeof (uint16_t));
    g.stamp = calloc (n + 1, sizeof (uint32_t));
    g.parent = malloc ((n + 1) * sizeof (uint32_t));
    g.queue = malloc ((n + 1) * sizeof (uint32_t));
    uint32_t *order = malloc ((n + 1) * sizeof (uint32_t));      // txns by component
    uint32_t *cstart = calloc (n + 2, sizeof (uint32_t));
    uint32_t *path = malloc ((n + 2) * sizeof (uint32_t));
    uint32_t *best = malloc ((n + 2) * sizeof (uint32_t));
    assert (g.found && g.stamp && g.parent && g.queue && order && cstart && path && best);
    for (size_t t = 0; t < n; t++)
        cstart [g.comp [t] + 1]++;
    for (size_t c = 0; c < n; c++)
        cstart [c + 1] += cstart [c];
    uint32_t *fill = malloc ((n + 1) * sizeof (uint32_t));
    assert (fill);
    memcpy (fill, cstart, (n + 1) * sizeof (uint32_t));
    for (size_t t = 0; t < n; t++)
        order [fill [g.comp [t]]++] = (uint32_t) t;
    free (fill);
    for (size_t c = 0; c < n; c++) {
        uint32_t size = cstart [c + 1] - cstart [c];
        if (size < 2)
            continue;
        self->sccs++;
        if (size > self->scc_largest)
            self->scc_largest = size;
        bool done = !self->timed_out;
        for (int s = 0; done && s < S_SPECS; s++)
            done = s_search_spec (&g, order + cstart [c], size, s, path, best);
        if (!done)
            self->timed_out = true;
        if (!done && !g.found [c])
            s_must (&g, order + cstart [c], size);
    }
    free (order);
    free (cstart);
    free (path);
    free (best);
    free (g.start);
    free (g.adj);
    free (g.comp);
    s_spec_components (&g, false);
    free (g.found);
    free (g.stamp);
    free (g.parent);
    free (g.queue);
}

//  --------------------------------------------------------------------------
//  Words

char *
elle_edge_why (const elle_t *self, const elle_edge_t *e, const char *from, const char *to)
{
    const char *k = e->key != ELLE_NONE? self->keys.text [e->key]: "";
    const char *v1 = e->value != ELLE_NONE? self->values.text [e->value]: NULL;
    const char *v2 = e->value2 != ELLE_NONE? self->values.text [e->value2]: "?";
    bool la = self->model == ELLE_LIST_APPEND;
    char *text = NULL;
    int rc = -1;
    if (e->type == ELLE_WW)
        rc = la? asprintf (&text, "%s appended %s after %s's append of %s to key %s", to, v2, from,
                           v1? v1: "?", k)
               : asprintf (&text, "%s overwrote %s's write of %s to key %s with %s", to, from,
                           v1? v1: "?", k, v2);
    else
    if (e->type == ELLE_WR)
        rc = asprintf (&text, "%s read %s's %s of %s to key %s", to, from, la? "append": "write",
                       v1? v1: "?", k);
    else
    if (e->type == ELLE_RW)
        rc = la? asprintf (&text, "%s did not see %s's append of %s to key %s", from, to, v2, k)
               : asprintf (&text, "%s read key %s = %s, which %s overwrote with %s", from, k,
                           v1? v1: "nil", to, v2);
    else
    if (e->type == ELLE_PROCESS) {
        const op_t *op = ophistory_op (self->history, self->txns [e->to].op);
        const char *name = ophistory_process_name (self->history, op->process);
        char number [24];
        snprintf (number, sizeof number, "%lld", (long long) op->process);
        rc = asprintf (&text, "%s ran after %s on process %s", to, from, name? name: number);
    }
    else
        rc = asprintf (&text, "%s began after %s completed", to, from);
    return rc < 0? NULL: text;
}
