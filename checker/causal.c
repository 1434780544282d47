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
    one topological pass; each read then asks, per chain, for the last
    write of its key inside its down-set (a binary search): that gives the
    CO patterns. HB_p is a fixpoint per process: each read r of p, per
    chain, finds the last write w of its key HB_p-before it; a w not yet
    before r's source becomes a forced edge w -> source, whose down-set
    growth runs forward over CO's and the forced successors, only inside
    p's causal past (an overlay over CO's clocks, so a short-lived process
    id costs about its own window); repeat until no edge is new
    (FL_CAUSAL_ROUNDS_MAX rounds, else unknown). A forced edge whose target
    is already before its source closes a cycle (CyclicHB). On the
    generated 100,000-op history with 10 clients this is under 200 ms
    (bench/causal.sh); a round's scan skips every read and chain whose
    down-set is still CO's.
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
    uint32_t *hb;           // HB_p's clocks, one process at a time, where
    uint32_t *stamp;        // stamp [i] == current (else CO's hold)
    uint32_t current;       // the process (main chain + 1) being checked
    uint32_t last;          // its last op: HB_p matters in its past only
    uint32_t *succ_start;   // CO's successors (CSR) and topological places
    uint32_t *succ;
    uint32_t *topo;
    uint32_t *heap;         // ops whose down-set may grow, by topo
    size_t nheap;
    uint32_t *queued;       // == current: in the heap
    uint32_t *edge_stamp;   // == current: edge_to / edge_from are this process's
    int32_t *edge_to, *edge_from;   // first forced edge into / out of an op
    int32_t *next_to, *next_from;   // the next one, per edge
    size_t edge_cap;
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

//  --------------------------------------------------------------------------
//  HB_p, incrementally. HB_p's clocks differ from CO's only on ops that
//  are after a forced edge's target and in p's past, so they live in an
//  overlay (hb, valid for op o when stamp [o] is this process's): a forced
//  edge w -> s joins w's down-set into s's and the growth runs forward
//  along CO's successors and the forced ones, ops taken in CO's
//  topological order (a heap), ops outside p's past never touched. A short
//  session (a client's id between two infos) costs about its own window.

static const uint32_t *
s_clock (const s_check_t *self, size_t i)
{
    return (self->stamp [i] == self->current? self->hb: self->co) + i * self->chains;
}

static void
s_heap_push (s_check_t *self, uint32_t i)
{
    if (self->queued [i] == self->current)
        return;
    self->queued [i] = self->current;
    size_t at = self->nheap++;
    while (at > 0) {
        size_t up = (at - 1) / 2;
        if (self->topo [self->heap [up]] <= self->topo [i])
            break;
        self->heap [at] = self->heap [up];
        at = up;
    }
    self->heap [at] = i;
}

static uint32_t
s_heap_pop (s_check_t *self)
{
    uint32_t top = self->heap [0], last = self->heap [--self->nheap];
    size_t at = 0;
    for (;;) {
        size_t child = 2 * at + 1;
        if (child >= self->nheap)
            break;
        if (child + 1 < self->nheap && self->topo [self->heap [child + 1]] < self->topo [self->heap [child]])
            child++;
        if (self->topo [self->heap [child]] >= self->topo [last])
            break;
        self->heap [at] = self->heap [child];
        at = child;
    }
    if (self->nheap)
        self->heap [at] = last;
    self->queued [top] = 0;
    return top;
}

static bool
s_in_past (const s_check_t *self, uint32_t i)
{
    const regview_op_t *v = regview_op (self->view, i);
    return self->co [(size_t) self->last * self->chains + v->chain] > v->pos;
}

//  Recompute op i's HB_p down-set from its preds; push its successors in
//  p's past when it grew.
static void
s_grow (s_check_t *self, uint32_t i)
{
    size_t c = self->chains;
    uint32_t *into = self->hb + (size_t) i * c;
    if (self->stamp [i] != self->current) {
        memcpy (into, self->co + (size_t) i * c, c * sizeof (uint32_t));
        self->stamp [i] = self->current;
    }
    bool grew = false;
    const regview_op_t *v = regview_op (self->view, i);
    int32_t base [2] = { v->po_pred, v->reads? v->source: -1 };
    for (int k = 0; k < 2; k++)
        if (base [k] >= 0) {
            const uint32_t *from = s_clock (self, (size_t) base [k]);
            for (size_t j = 0; j < c; j++)
                if (from [j] > into [j]) {
                    into [j] = from [j];
                    grew = true;
                }
        }
    bool edges = self->edge_stamp [i] == self->current;
    for (int32_t e = edges? self->edge_to [i]: -1; e >= 0; e = self->next_to [e]) {
        const uint32_t *from = s_clock (self, self->graph.edges [e].from);
        for (size_t j = 0; j < c; j++)
            if (from [j] > into [j]) {
                into [j] = from [j];
                grew = true;
            }
    }
    if (!grew)
        return;
    for (uint32_t k = self->succ_start [i]; k < self->succ_start [i + 1]; k++)
        if (s_in_past (self, self->succ [k]))
            s_heap_push (self, self->succ [k]);
    for (int32_t e = edges? self->edge_from [i]: -1; e >= 0; e = self->next_from [e])
        s_heap_push (self, self->graph.edges [e].to);
}

//  Add the forced edge w -> s and let s's down-set grow. -1 out of memory.
static int
s_force (s_check_t *self, uint32_t w, uint32_t s, uint32_t reader)
{
    if (s_graph_add (&self->graph, w, s, reader))
        return -1;
    int32_t e = (int32_t) self->graph.nedges - 1;
    if ((size_t) e >= self->edge_cap) {
        size_t cap = self->edge_cap? self->edge_cap * 2: 256;
        int32_t *to = realloc (self->next_to, cap * sizeof (int32_t));
        if (to)
            self->next_to = to;
        int32_t *from = realloc (self->next_from, cap * sizeof (int32_t));
        if (from)
            self->next_from = from;
        if (!to || !from)
            return -1;
        self->edge_cap = cap;
    }
    for (uint32_t end = 0; end < 2; end++) {
        uint32_t i = end? w: s;
        if (self->edge_stamp [i] != self->current) {
            self->edge_stamp [i] = self->current;
            self->edge_to [i] = self->edge_from [i] = -1;
        }
    }
    self->next_to [e] = self->edge_to [s];
    self->edge_to [s] = e;
    self->next_from [e] = self->edge_from [w];
    self->edge_from [w] = e;
    s_heap_push (self, s);
    return 0;
}

//  Tell a WriteHBInitRead or a CyclicHB along the forced edges so far.
static void
s_hb_tell (s_check_t *self, int32_t w, size_t r, const s_edge_t *closing)
{
    if (s_graph_index (&self->graph, self->n)) {
        self->result = s_unknown ("out of memory explaining a violation");
        return;
    }
    if (!closing) {
        s_overwritten (self, REGVIEW_INIT, w, r, "WriteHBInitRead",
                       "view (causal memory: it must order that write before its read)");
        return;
    }
    uint32_t *path = NULL;
    size_t n = s_path (&self->graph, self->n, closing->to, closing->from, &path);
    if (n)
        s_cycle (self, path, n, "CyclicHB",
                 "no order of the writes fits the reads of one process (causal memory)");
    free (path);
}

//  One round over p's reads: a WriteHBInitRead is told (returns 1), new
//  forced edges added (*added counts them), -1 out of memory.
static int
s_hb_round (s_check_t *self, size_t chain, bool first, size_t *added)
{
    size_t length;
    const uint32_t *ops = regview_chain (self->view, chain, &length);
    size_t c = self->chains;
    for (size_t k = 0; k < length; k++) {
        size_t r = ops [k];
        const regview_op_t *v = regview_op (self->view, r);
        //  A down-set unchanged from CO's gives the writes round 0 saw
        if (!v->reads || (!first && self->stamp [r] != self->current))
            continue;
        const uint32_t *clock = s_clock (self, r);
        for (size_t j = 0; j < c; j++) {
            if (!first && clock [j] == self->co [r * c + j])
                continue;
            uint32_t end = j == v->chain? v->pos: clock [j];
            int32_t w = end? regview_last (self->view, v->key, (uint32_t) j, end, true): REGVIEW_NONE;
            if (w < 0 || w == v->source)
                continue;
            if (v->source == REGVIEW_INIT) {
                s_hb_tell (self, w, r, NULL);
                return 1;
            }
            const regview_op_t *wv = regview_op (self->view, (size_t) w);
            if (s_clock (self, (size_t) v->source) [wv->chain] > wv->pos)
                continue;       // already before
            if (s_force (self, (uint32_t) w, (uint32_t) v->source, (uint32_t) r))
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
    size_t length;
    const uint32_t *ops = regview_chain (self->view, chain, &length);
    if (!length)
        return 0;
    self->current = (uint32_t) chain + 1;
    self->last = ops [length - 1];
    self->graph.nedges = 0;
    size_t added = 0;
    int rc = s_hb_round (self, chain, true, &added);
    for (int round = 1; rc == 0 && added; round++) {
        if (round > FL_CAUSAL_ROUNDS_MAX)
            return 2;
        while (self->nheap)
            s_grow (self, s_heap_pop (self));
        //  A forced edge w -> s with s already before w closes a cycle
        for (size_t e = 0; e < self->graph.nedges; e++) {
            const s_edge_t *edge = &self->graph.edges [e];
            const regview_op_t *sv = regview_op (self->view, edge->to);
            if (s_clock (self, edge->from) [sv->chain] > sv->pos) {
                s_edge_t closing = *edge;
                s_hb_tell (self, -1, 0, &closing);
                return 1;
            }
        }
        added = 0;
        rc = s_hb_round (self, chain, false, &added);
    }
    return rc;
}

//  CO's successor lists and a topological order of it (CO is acyclic here).
static int
s_co_order (s_check_t *self)
{
    size_t n = self->n;
    self->succ_start = calloc (n + 2, sizeof (uint32_t));
    self->succ = malloc ((2 * n + 1) * sizeof (uint32_t));
    self->topo = malloc ((n + 1) * sizeof (uint32_t));
    uint32_t *indeg = calloc (n + 1, sizeof (uint32_t));
    uint32_t *queue = calloc (n + 1, sizeof (uint32_t));
    int rc = self->succ_start && self->succ && self->topo && indeg && queue? 0: -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const regview_op_t *v = regview_op (self->view, i);
        int32_t preds [2] = { v->po_pred, v->reads? v->source: -1 };
        for (int k = 0; k < 2; k++)
            if (preds [k] >= 0) {
                self->succ_start [preds [k] + 1]++;
                indeg [i]++;
            }
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        self->succ_start [i + 1] += self->succ_start [i];
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const regview_op_t *v = regview_op (self->view, i);
        int32_t preds [2] = { v->po_pred, v->reads? v->source: -1 };
        for (int k = 0; k < 2; k++)
            if (preds [k] >= 0)
                self->succ [self->succ_start [preds [k]] + queue [preds [k]]++] = (uint32_t) i;
    }
    size_t tail = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (indeg [i] == 0)
            queue [tail++] = (uint32_t) i;
    for (size_t head = 0; rc == 0 && head < tail; head++) {
        uint32_t i = queue [head];
        self->topo [i] = (uint32_t) head;
        for (uint32_t k = self->succ_start [i]; k < self->succ_start [i + 1]; k++)
            if (--indeg [self->succ [k]] == 0)
                queue [tail++] = self->succ [k];
    }
    free (indeg);
    free (queue);
    return rc;
}

static void
s_hb (s_check_t *self)
{
    size_t n = self->n;
    self->hb = malloc ((n * self->chains + 1) * sizeof (uint32_t));
    self->stamp = calloc (n + 1, sizeof (uint32_t));
    self->queued = calloc (n + 1, sizeof (uint32_t));
    self->edge_stamp = calloc (n + 1, sizeof (uint32_t));
    self->edge_to = malloc ((n + 1) * sizeof (int32_t));
    self->edge_from = malloc ((n + 1) * sizeof (int32_t));
    self->heap = malloc ((n + 1) * sizeof (uint32_t));
    if (!self->hb || !self->stamp || !self->queued || !self->edge_stamp || !self->edge_to
    ||  !self->edge_from || !self->heap || s_co_order (self)) {
        self->result = s_unknown ("out of memory for happens-before clocks");
        return;
    }
    for (size_t chain = 0; chain < self->chains; chain++) {
        int rc = s_hb_process (self, chain);
        self->nheap = 0;
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
    free (self.stamp);
    free (self.succ_start);
    free (self.succ);
    free (self.topo);
    free (self.heap);
    free (self.queued);
    free (self.edge_stamp);
    free (self.edge_to);
    free (self.edge_from);
    free (self.next_to);
    free (self.next_from);
    free (self.graph.edges);
    free (self.graph.added_start);
    free (self.graph.added);
    regview_destroy (&view);
    return self.result;
}
