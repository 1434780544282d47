/*  causal.c -- causal memory (CM) for register and kv histories with values
    unique per key, decided in polynomial time by the bad patterns of
    Bouajjani, Enea, Guerraoui and Hamza, "On verifying causal consistency"
    (POPL 2017).

    Causal order CO = (program order + reads-from)+. A history is causal
    memory (Ahamad et al.) when every process p can order all writes and
    its own ops in one sequence that keeps CO and in which each of p's
    reads returns the last write to its key. For differentiated histories
    (unique values) Bouajjani et al. show that this fails exactly when one
    of these patterns is present, checked here in this order:

        ThinAirRead      a read of a value no op wrote
        CyclicCO         CO has a cycle
        WriteCOInitRead  a read of the initial value of x with a write of x
                         in its causal past
        WriteCORead      a read of x = v whose write w is followed in the
                         read's causal past by another write of x (w CO w'
                         CO r): the value v was overwritten
        WriteHBInitRead  \  per process p, with HB_p the least transitive
        CyclicHB         /  relation containing CO such that w' HB_p w when
                         p reads x from w and another write w' of x is
                         HB_p-before that read (p's sequence must put w'
                         before w): HB_p has a cycle, or a read of p of the
                         initial value of x has a write of x HB_p-before it

    Every relation here contains program order, so each op's down-set is a
    prefix of every chain: a vector clock (regview.h). CO's clocks come in
    one topological pass. HB_p is a fixpoint: clocks under CO plus the
    write orders found so far; every read r of p then asks, per chain, for
    the last write of its key inside r's down-set (a binary search); one
    not yet before r's source becomes an edge; repeat until no edge is new
    (FL_CAUSAL_ROUNDS_MAX rounds, else unknown). Each round is ops * chains;
    a process whose first round adds nothing costs only its reads.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "regview.h"
#include "consistency.h"

typedef struct {
    uint32_t from, to, reader;  // from HB_p-before to, forced by p's read
} s_edge_t;

//  HB_p's graph: CO's generating edges plus the forced write orders, the
//  latter grouped by target (added_start: nops + 1 offsets into added).
typedef struct {
    const regview_t *view;
    s_edge_t *edges;
    size_t nedges, cap;
    uint32_t *added_start;
    uint32_t *added;        // indices into edges
} s_graph_t;

typedef struct {
    const regview_t *view;
    size_t n, chains;
    uint32_t *co;           // CO's clocks
    uint32_t *hb;           // HB_p's clocks, one process at a time
    s_graph_t graph;
    consistency_result_t result;
} s_check_t;

static consistency_result_t
s_unknown (const char *why)
{
    consistency_result_t r = { CHECK_UNKNOWN, NULL, strdup (why), true };
    return r;
}

//  The preds of op i: program order, reads-from, then forced edges (when
//  graph has them). Returns how many; *edge_of [k] is the edge's index
//  into graph->edges, or -1 for a CO edge.
static size_t
s_preds (const s_graph_t *graph, size_t i, uint32_t *preds, int32_t *edge_of, size_t max)
{
    const regview_op_t *v = regview_op (graph->view, i);
    size_t n = 0;
    if (v->po_pred >= 0) {
        edge_of [n] = -1;
        preds [n++] = (uint32_t) v->po_pred;
    }
    if (v->reads && v->source >= 0) {
        edge_of [n] = -1;
        preds [n++] = (uint32_t) v->source;
    }
    if (graph->added_start)
        for (uint32_t k = graph->added_start [i]; k < graph->added_start [i + 1] && n < max; k++) {
            edge_of [n] = (int32_t) graph->added [k];
            preds [n++] = graph->edges [graph->added [k]].from;
        }
    return n;
}

static size_t
s_npreds (const s_graph_t *graph, size_t i)
{
    const regview_op_t *v = regview_op (graph->view, i);
    size_t n = (v->po_pred >= 0) + (v->reads && v->source >= 0);
    if (graph->added_start)
        n += graph->added_start [i + 1] - graph->added_start [i];
    return n;
}

//  A shortest path from `from` to `to` along the graph's edges (BFS back
//  from `to`). Returns its length (0 if none) and the path in *path
//  (malloc'd), from first.
static size_t
s_path (const s_graph_t *graph, size_t nops, uint32_t from, uint32_t to, uint32_t **path)
{
    int32_t *next = malloc ((nops + 1) * sizeof (int32_t));
    uint32_t *queue = malloc ((nops + 1) * sizeof (uint32_t));
    *path = NULL;
    size_t len = 0;
    if (next && queue) {
        for (size_t i = 0; i < nops; i++)
            next [i] = -2;
        size_t head = 0, tail = 0;
        next [to] = -1;
        queue [tail++] = to;
        while (head < tail && next [from] == -2) {
            uint32_t at = queue [head++];
            size_t np = s_npreds (graph, at);
            uint32_t *preds = malloc ((np + 1) * sizeof (uint32_t));
            int32_t *edge_of = malloc ((np + 1) * sizeof (int32_t));
            if (preds && edge_of) {
                np = s_preds (graph, at, preds, edge_of, np);
                for (size_t p = 0; p < np; p++)
                    if (next [preds [p]] == -2) {
                        next [preds [p]] = (int32_t) at;
                        queue [tail++] = preds [p];
                    }
            }
            free (preds);
            free (edge_of);
        }
        if (next [from] != -2 && (*path = malloc ((nops + 1) * sizeof (uint32_t)))) {
            for (int32_t at = (int32_t) from; at >= 0; at = next [at])
                (*path) [len++] = (uint32_t) at;
        }
    }
    free (next);
    free (queue);
    return len;
}

static void
s_invalid (s_check_t *self, regview_story_t *story, const char *pattern)
{
    self->result.verdict = CHECK_INVALID;
    self->result.violation = regview_story_violation (story, "causal", pattern);
}

static bool
s_thin_air (s_check_t *self)
{
    for (size_t i = 0; i < self->n; i++)
        if (regview_op (self->view, i)->source == REGVIEW_THIN_AIR) {
            regview_story_t story;
            regview_story_init (&story);
            regview_story_op (self->view, &story, i);
            regview_story_say (&story, ", a value no op wrote");
            s_invalid (self, &story, "ThinAirRead");
            return true;
        }
    return false;
}

//  The forced edge a -> b, or NULL for a CO edge.
static const s_edge_t *
s_forced (const s_check_t *self, uint32_t a, uint32_t b)
{
    const regview_op_t *v = regview_op (self->view, b);
    if (v->po_pred == (int32_t) a || (v->reads && v->source == (int32_t) a))
        return NULL;
    const s_graph_t *g = &self->graph;
    for (uint32_t k = g->added_start? g->added_start [b]: 0;
         g->added_start && k < g->added_start [b + 1]; k++)
        if (g->edges [g->added [k]].from == a)
            return &g->edges [g->added [k]];
    return NULL;
}

//  A path along HB_p: CO edges as regview tells them, a forced one as the
//  read that forced it ("which p3 (it read x=2 with x=1 in its past) orders
//  before p2 wrote x=2").
static void
s_walk (const s_check_t *self, regview_story_t *story, const uint32_t *path, size_t n)
{
    size_t start = 0;
    for (size_t i = 1; i <= n; i++) {
        const s_edge_t *e = i < n? s_forced (self, path [i - 1], path [i]): NULL;
        if (i < n && !e)
            continue;
        regview_story_path (self->view, story, path + start, i - start);
        if (e) {
            char who [64], kv [128], past [128];
            const regview_op_t *r = regview_op (self->view, e->reader);
            const regview_op_t *w = regview_op (self->view, e->from);
            regview_story_say (story, "; which %s (it read %s with %s in its past) orders before ",
                               regview_who (self->view, e->reader, who, sizeof who),
                               regview_kv (self->view, e->reader, r->read_value, kv, sizeof kv),
                               regview_kv (self->view, e->from, w->written_value, past, sizeof past));
            story->last = -1;
            start = i;
        }
    }
}

//  A cycle told as a path that comes back to its first op.
static void
s_cycle (s_check_t *self, const uint32_t *cycle, size_t ncycle, const char *pattern,
         const char *why)
{
    regview_story_t story;
    regview_story_init (&story);
    s_walk (self, &story, cycle, ncycle);
    if (s_forced (self, cycle [ncycle - 1], cycle [0])) {
        //  The closing edge is forced too: tell it, then the first op again
        uint32_t closing [2] = { cycle [ncycle - 1], cycle [0] };
        story.last = (int32_t) cycle [ncycle - 1];
        s_walk (self, &story, closing, 2);
        regview_story_say (&story, ": back where it started, %s", why);
        s_invalid (self, &story, pattern);
        return;
    }
    char who [64], what [192];
    regview_story_say (&story, "; and that is before %s %s again: %s",
                       regview_who (self->view, cycle [0], who, sizeof who),
                       regview_what (self->view, cycle [0], what, sizeof what), why);
    s_invalid (self, &story, pattern);
}

//  The last write of r's key inside r's down-set on chain c, r itself
//  left out (a cas writes the key it reads).
static int32_t
s_last_write (const s_check_t *self, const uint32_t *clocks, size_t r, size_t c)
{
    const regview_op_t *v = regview_op (self->view, r);
    uint32_t end = c == v->chain? v->pos: clocks [r * self->chains + c];
    return end? regview_last (self->view, v->key, (uint32_t) c, end, true): REGVIEW_NONE;
}

//  "w ... r, the initial value / a value w overwrote": the story of a read
//  whose value was overwritten before it, along the graph's edges.
static void
s_overwritten (s_check_t *self, int32_t source, int32_t w, size_t r, const char *pattern,
               const char *where)
{
    regview_story_t story;
    regview_story_init (&story);
    uint32_t *path = NULL;
    if (source >= 0) {
        size_t n = s_path (&self->graph, self->n, (uint32_t) source, (uint32_t) w, &path);
        s_walk (self, &story, path, n);
        free (path);
    }
    size_t n = s_path (&self->graph, self->n, (uint32_t) w, (uint32_t) r, &path);
    s_walk (self, &story, path, n);
    free (path);
    char kv [128], who [64];
    const regview_op_t *wv = regview_op (self->view, (size_t) w);
    regview_kv (self->view, (size_t) w, wv->written_value, kv, sizeof kv);
    regview_who (self->view, r, who, sizeof who);
    if (source == REGVIEW_INIT)
        regview_story_say (&story, ", the initial value, which %s overwrote in %s's %s",
                           kv, who, where);
    else
        regview_story_say (&story, ", a value %s overwrote in %s's %s", kv, who, where);
    s_invalid (self, &story, pattern);
}

//  WriteCOInitRead and WriteCORead, over CO's clocks.
static bool
s_co_reads (s_check_t *self)
{
    for (size_t r = 0; r < self->n; r++) {
        const regview_op_t *v = regview_op (self->view, r);
        if (!v->reads)
            continue;
        for (size_t c = 0; c < self->chains; c++) {
            int32_t w = s_last_write (self, self->co, r, c);
            if (w < 0 || w == v->source)
                continue;
            if (v->source == REGVIEW_INIT) {
                s_overwritten (self, v->source, w, r, "WriteCOInitRead", "causal past");
                return true;
            }
            if (regview_before (self->view, self->co, self->chains, v->source, w)) {
                s_overwritten (self, v->source, w, r, "WriteCORead", "causal past");
                return true;
            }
        }
    }
    return false;
}

//  Group the forced edges by target, for the preds.
static int
s_graph_index (s_graph_t *graph, size_t nops)
{
    free (graph->added_start);
    free (graph->added);
    graph->added_start = calloc (nops + 2, sizeof (uint32_t));
    graph->added = malloc ((graph->nedges + 1) * sizeof (uint32_t));
    if (!graph->added_start || !graph->added)
        return -1;
    for (size_t e = 0; e < graph->nedges; e++)
        graph->added_start [graph->edges [e].to + 1]++;
    for (size_t i = 0; i < nops; i++)
        graph->added_start [i + 1] += graph->added_start [i];
    uint32_t *fill = calloc (nops + 1, sizeof (uint32_t));
    if (!fill)
        return -1;
    for (size_t e = 0; e < graph->nedges; e++) {
        uint32_t to = graph->edges [e].to;
        graph->added [graph->added_start [to] + fill [to]++] = (uint32_t) e;
    }
    free (fill);
    return 0;
}

static int
s_graph_add (s_graph_t *graph, uint32_t from, uint32_t to, uint32_t reader)
{
    if (graph->nedges == graph->cap) {
        size_t cap = graph->cap? graph->cap * 2: 256;
        s_edge_t *more = realloc (graph->edges, cap * sizeof (s_edge_t));
        if (!more)
            return -1;
        graph->edges = more;
        graph->cap = cap;
    }
    graph->edges [graph->nedges++] = (s_edge_t) { from, to, reader };
    return 0;
}

//  Clocks of HB_p's graph in topological order. Returns 0, 1 when the
//  graph has a cycle (told), -1 on out of memory.
static int
s_hb_clocks (s_check_t *self)
{
    size_t n = self->n, c = self->chains;
    uint32_t *indeg = calloc (n + 1, sizeof (uint32_t));
    uint32_t *order = malloc ((n + 1) * sizeof (uint32_t));
    uint32_t *succ_start = calloc (n + 2, sizeof (uint32_t));
    size_t nsucc = 2 * n + self->graph.nedges;
    uint32_t *succ = malloc ((nsucc + 1) * sizeof (uint32_t));
    size_t maxp = 2 + self->graph.nedges;
    uint32_t *preds = malloc ((maxp + 1) * sizeof (uint32_t));
    int32_t *edge_of = malloc ((maxp + 1) * sizeof (int32_t));
    int rc = indeg && order && succ_start && succ && preds && edge_of? 0: -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        size_t np = s_preds (&self->graph, i, preds, edge_of, maxp);
        indeg [i] = (uint32_t) np;
        for (size_t p = 0; p < np; p++)
            succ_start [preds [p] + 1]++;
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        succ_start [i + 1] += succ_start [i];
    size_t tail = 0;
    if (rc == 0) {
        memset (order, 0, (n + 1) * sizeof (uint32_t));   // fill counters first
        for (size_t i = 0; i < n; i++) {
            size_t np = s_preds (&self->graph, i, preds, edge_of, maxp);
            for (size_t p = 0; p < np; p++)
                succ [succ_start [preds [p]] + order [preds [p]]++] = (uint32_t) i;
        }
        for (size_t i = 0; i < n; i++)
            if (indeg [i] == 0)
                order [tail++] = (uint32_t) i;
    }
    for (size_t head = 0; rc == 0 && head < tail; head++) {
        size_t i = order [head];
        uint32_t *mine = self->hb + i * c;
        memset (mine, 0, c * sizeof (uint32_t));
        size_t np = s_preds (&self->graph, i, preds, edge_of, maxp);
        for (size_t p = 0; p < np; p++) {
            const uint32_t *theirs = self->hb + (size_t) preds [p] * c;
            for (size_t k = 0; k < c; k++)
                if (theirs [k] > mine [k])
                    mine [k] = theirs [k];
        }
        const regview_op_t *v = regview_op (self->view, i);
        if (mine [v->chain] < v->pos + 1)
            mine [v->chain] = v->pos + 1;
        for (size_t s = succ_start [i]; s < succ_start [i + 1]; s++)
            if (--indeg [succ [s]] == 0)
                order [tail++] = succ [s];
    }
    if (rc == 0 && tail < n) {
        //  A cycle: walk back along preds not yet ordered until one repeats
        bool *done = calloc (n + 1, sizeof (bool));
        int32_t *seen_at = malloc ((n + 1) * sizeof (int32_t));
        uint32_t *walk = malloc ((n + 1) * sizeof (uint32_t));
        rc = done && seen_at && walk? 1: -1;
        for (size_t k = 0; rc == 1 && k < tail; k++)
            done [order [k]] = true;
        size_t at = 0, len = 0;
        while (rc == 1 && done [at])
            at++;
        for (size_t i = 0; rc == 1 && i < n; i++)
            seen_at [i] = -1;
        while (rc == 1 && seen_at [at] < 0) {
            seen_at [at] = (int32_t) len;
            walk [len++] = (uint32_t) at;
            size_t np = s_preds (&self->graph, at, preds, edge_of, maxp);
            for (size_t p = 0; p < np; p++)
                if (!done [preds [p]]) {
                    at = preds [p];
                    break;
                }
        }
        if (rc == 1) {
            size_t from = (size_t) seen_at [at], m = len - from;
            for (size_t i = 0; i < m; i++)
                order [i] = walk [len - 1 - i];
            s_cycle (self, order, m, "CyclicHB",
                     "no order of the writes fits the reads of one process (causal memory)");
        }
        free (done);
        free (seen_at);
        free (walk);
    }
    free (indeg);
    free (order);
    free (succ_start);
    free (succ);
    free (preds);
    free (edge_of);
    return rc;
}

//  One round over p's reads with the clocks given: a WriteHBInitRead is
//  told (returns 1), new forced edges are added (*added counts them).
static int
s_hb_round (s_check_t *self, const uint32_t *clocks, size_t chain, size_t *added)
{
    size_t length;
    const uint32_t *ops = regview_chain (self->view, chain, &length);
    for (size_t k = 0; k < length; k++) {
        size_t r = ops [k];
        const regview_op_t *v = regview_op (self->view, r);
        if (!v->reads)
            continue;
        for (size_t c = 0; c < self->chains; c++) {
            //  A down-set unchanged from CO's on this chain gives the write
            //  round 0 saw, whose edge is in already
            if (clocks != self->co && clocks [r * self->chains + c] == self->co [r * self->chains + c])
                continue;
            int32_t w = s_last_write (self, clocks, r, c);
            if (w < 0 || w == v->source)
                continue;
            if (v->source == REGVIEW_INIT) {
                s_overwritten (self, v->source, w, r, "WriteHBInitRead",
                               "view (causal memory: it must order that write before its read)");
                return 1;
            }
            if (regview_before (self->view, clocks, self->chains, w, v->source))
                continue;
            if (s_graph_add (&self->graph, (uint32_t) w, (uint32_t) v->source, (uint32_t) r))
                return -1;
            (*added)++;
        }
    }
    return 0;
}

//  HB_p for the process whose main chain is `chain`: 0 fine, 1 told, -1
//  out of memory, 2 out of rounds.
static int
s_hb_process (s_check_t *self, size_t chain)
{
    self->graph.nedges = 0;
    free (self->graph.added_start);
    self->graph.added_start = NULL;
    size_t added = 0;
    int rc = s_hb_round (self, self->co, chain, &added);
    for (int round = 1; rc == 0 && added; round++) {
        if (round > FL_CAUSAL_ROUNDS_MAX)
            return 2;
        if (s_graph_index (&self->graph, self->n))
            return -1;
        rc = s_hb_clocks (self);
        added = 0;
        if (rc == 0)
            rc = s_hb_round (self, self->hb, chain, &added);
    }
    return rc;
}

static void
s_hb (s_check_t *self)
{
    self->hb = malloc ((self->n * self->chains + 1) * sizeof (uint32_t));
    if (!self->hb) {
        self->result = s_unknown ("out of memory for happens-before clocks");
        return;
    }
    for (size_t chain = 0; chain < self->chains; chain++) {
        int rc = s_hb_process (self, chain);
        if (rc == 1)
            return;
        if (rc != 0) {
            char *why = NULL;
            if (asprintf (&why, rc < 0? "out of memory in the happens-before fixpoint":
                          "the happens-before fixpoint of one process took more than "
                          "FL_CAUSAL_ROUNDS_MAX (%d) rounds", FL_CAUSAL_ROUNDS_MAX) < 0)
                why = NULL;
            self->result = (consistency_result_t) { CHECK_UNKNOWN, NULL, why, true };
            return;
        }
    }
}

consistency_result_t
causal_check (const ophistory_t *history, const char *init)
{
    assert (history);
    char *reason = NULL;
    regview_t *view = regview_new (history, init, &reason);
    if (!view)
        return (consistency_result_t) { CHECK_UNKNOWN, NULL, reason, true };
    s_check_t self = { .view = view, .n = regview_size (view), .chains = regview_chains (view),
                       .graph = { .view = view }, .result = { CHECK_VALID, NULL, NULL, false } };
    bool cyclic = false;
    uint32_t *cycle = NULL;
    size_t ncycle = 0;
    self.co = regview_clocks (view, &cyclic, &cycle, &ncycle);
    if (!self.co)
        self.result = s_unknown ("out of memory for causal order's clocks");
    else
    if (!s_thin_air (&self)) {
        if (cyclic)
            s_cycle (&self, cycle, ncycle, "CyclicCO",
                     "causal order (program order and reads-from) has a cycle");
        else
        if (!s_co_reads (&self))
            s_hb (&self);
    }
    free (cycle);
    free (self.co);
    free (self.hb);
    free (self.graph.edges);
    free (self.graph.added_start);
    free (self.graph.added);
    regview_destroy (&view);
    return self.result;
}
