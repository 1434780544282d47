/*  wgl.c -- Wing & Gong's linearizability search with Lowe's just-in-time
    linearization and a (linearized set, state) cache.

    The history is a doubly linked list of call and return entries in real
    time order. Walking from the head, a call whose op the model accepts is
    linearized: it and its return are lifted out of the list, the old state is
    pushed, and the walk restarts from the head. Reaching a return entry
    means its op could not be placed before it: pop the last linearized op,
    unlift it and try the next entry after its call. The cache remembers each
    (set of linearized ops, state) reached, so no configuration is explored
    twice. Ops whose outcome is unknown and never returned have their return
    at +infinity: the search may place them anywhere after their call, and
    once every op with a finite return is linearized the rest can follow (an
    unknown op is accepted from any state), which covers "never happened".

    Beyond Porcupine, prunings, each argued where it is done (and tested
    against brute force and against the plain search, budget.plain):
    - a pure op (a read, a failed cas) is linearized greedily, never as one
      choice among others;
    - ops that never returned are tried only when no other op can go (a
      second pass), grouped by effect with only a group's earliest
      unlinearized op tried, and cached by how many of each group are
      linearized: a configuration that used fewer of them can do all that
      one using more can, since they may also never happen. Info reads are
      left out altogether;
    - of two candidates that returned with the same effect, only the one
      that returns first is tried (s_dominated);
    - an op that never returned is not tried while one that returned, with
      the same effect from the same state, is a candidate (s_mark_mirrors).
      Single key, 60 clients, values 0..4, 10% info (checker_gen 2000 1
      SEED 0.1 60, --threads 1, 10 s): seed 1 from unknown to 7.0 s, seed 4
      from 4.0 s to 1.9 s, seed 6 from 0.88 s to 0.57 s.
    On Porcupine's etcd_002.log this takes the search from 1.36M steps to
    112.
    A register's search runs first in the order of the ops' midpoints,
    capped, for a valid verdict only, then in the list's order with pauses
    for orders drawn at random in the ops' intervals, each capped small
    (wgl_check, witness first). The list's order gives every invalid
    verdict and its explanation.

    The set is a bitset; its hash is kept incrementally as the xor of one
    random word per op (Zobrist hashing), and the cache stores only its
    window (the words between the first op not linearized and the last one
    linearized), so a step costs O(1) plus the window's copy when a new
    configuration is cached, and memory grows with the history's
    concurrency rather than its length squared. The never-returned counts
    are packed into bit fields (s_fields), entries are 32 bytes: about 42
    bytes a configuration at 60 clients. The loop is iterative:
    the stack of linearized ops is an array of at most n entries.
*/
#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "hash.h"
#include "rng.h"
#include "wgl.h"

//  The cache. An entry is 32 bytes: the hash and state, and 32-bit offsets
//  into one arena of words. A key (window of the linearized set, state) has
//  a list of the counts of never-returned ops it was reached with; each
//  count vector is packed into bit fields as wide as its group needs, so a
//  configuration at 60 clients costs about 40 bytes where 64-bit counts cost
//  over 250. Keys are kept whole (no fingerprints): a false "seen" would cut
//  off a branch and could make an invalid history valid.
typedef struct {
    uint64_t hash;
    uint64_t state;
    uint32_t bits;          // offset of the linearized set's window in the
                            // arena, in words
    uint32_t subsets;       // head of its list of never-returned subsets
                            // (UINT32_MAX: none, when there are no groups)
    uint32_t lo, len;       // the window: words lo .. lo + len - 1;
                            // lo == UINT32_MAX marks an empty slot
} s_entry_t;

typedef struct {
    uint32_t next;          // next in the list, UINT32_MAX ends it
    uint32_t bits;          // offset of the packed counts in the arena
} s_subset_t;

#define S_NONE UINT32_MAX

typedef struct {
    s_entry_t *table;       // open addressing on (linearized set, state)
    size_t cap, used;
    uint64_t *arena;        // windows and packed counts
    size_t arena_len, arena_cap;
    s_subset_t *subsets;
    size_t nsubsets, subsets_cap;
    bool exact;             // compare never-returned sets for equality only
    size_t words;           // words of a linearized set (ops that returned)
    size_t iwords;          // groups of ops that never returned (one count each)
    uint32_t *field_off;    // group -> bit offset of its count when packed
    uint64_t *field_mask;   // group -> mask of its field (as wide as its size)
    uint64_t *pack;         // the counts being added, packed
    size_t pwords;          // words of a packed count vector
    size_t memory_max;      // may not grow past this (0: no limit)
    bool oom;               // it would have: the search stops, unknown
    atomic_size_t *shared;  // bytes held by the whole check (NULL: none)
    size_t total;           // the cap on *shared
    size_t held;            // bytes this search holds in *shared
} s_cache_t;

typedef struct {
    uint32_t op;
    uint32_t phase;         // the pass that linearized it
    uint64_t state;         // the state before it
    uint32_t lo, hi;        // the window before it
} s_frame_t;

static size_t
s_cache_memory (const s_cache_t *c)
{
    return c->cap * sizeof (s_entry_t) + c->arena_cap * sizeof (uint64_t)
         + c->subsets_cap * sizeof (s_subset_t);
}

//  Take more bytes from the check's shared budget, or fail (nothing taken).
static bool
s_take (s_cache_t *c, size_t more)
{
    if (!c->shared)
        return true;
    size_t before = atomic_fetch_add (c->shared, more);
    if (before + more > c->total || before + more < before) {
        atomic_fetch_sub (c->shared, more);
        return false;
    }
    c->held += more;
    return true;
}

static void
s_give (s_cache_t *c, size_t bytes)
{
    if (!c->shared)
        return;
    assert (bytes <= c->held);
    atomic_fetch_sub (c->shared, bytes);
    c->held -= bytes;
}

//  Room for more bytes? If not, the cache is out of memory for good. With a
//  shared budget the bytes are taken from it (give them back with s_give
//  when freed): a block that is grown is taken whole, since the old one
//  lives on until it is copied.
static bool
s_cache_room (s_cache_t *c, size_t more)
{
    if (c->memory_max && s_cache_memory (c) + more > c->memory_max)
        c->oom = true;
    if (!c->oom && !s_take (c, more))
        c->oom = true;
    return !c->oom;
}

static int
s_cache_grow (s_cache_t *c)
{
    size_t cap = c->cap? c->cap * 2: 1024;
    if (cap > UINT32_MAX)
        return (c->oom = true), -1;
    s_entry_t *table = s_cache_room (c, cap * sizeof (s_entry_t))?
                       malloc (cap * sizeof (s_entry_t)): NULL;
    if (!table) {
        if (!c->oom)
            s_give (c, cap * sizeof (s_entry_t));
        return (c->oom = true), -1;
    }
    s_entry_t *old = c->table;
    size_t old_cap = c->cap;
    c->cap = cap;
    c->table = table;
    for (size_t i = 0; i < c->cap; i++)
        c->table [i].lo = S_NONE;
    size_t mask = c->cap - 1;
    for (size_t i = 0; i < old_cap; i++) {
        if (old [i].lo == S_NONE)
            continue;
        size_t j = old [i].hash & mask;
        while (c->table [j].lo != S_NONE)
            j = (j + 1) & mask;
        c->table [j] = old [i];
    }
    free (old);
    s_give (c, old_cap * sizeof (s_entry_t));
    return 0;
}

static size_t
s_arena_put (s_cache_t *c, const uint64_t *bits, size_t words)
{
    if (words == 0)
        return c->arena_len <= S_NONE - 1? c->arena_len: 0;   // an empty window or no groups
    if (c->arena_len + words >= S_NONE)
        return (c->oom = true), SIZE_MAX;       // offsets are 32-bit
    if (c->arena_len + words > c->arena_cap) {
        //  realloc of a large block moves its pages (mremap) rather than
        //  copying: only the growth is taken. When doubling does not fit the
        //  budget, an eighth more is tried, so the cap is reached, not halved
        size_t need = c->arena_len + words;
        size_t cap = need * 2 + 64 < S_NONE? need * 2 + 64: S_NONE;
        if (c->shared && !c->oom && !s_take (c, (cap - c->arena_cap) * sizeof (uint64_t))) {
            cap = need + need / 8 + 64;
            if (!s_take (c, (cap - c->arena_cap) * sizeof (uint64_t)))
                c->oom = true;
        }
        else
        if (!c->shared && !s_cache_room (c, (cap - c->arena_cap) * sizeof (uint64_t)))
            c->oom = true;
        uint64_t *arena = c->oom? NULL: realloc (c->arena, cap * sizeof (uint64_t));
        if (!arena) {
            if (!c->oom)
                s_give (c, (cap - c->arena_cap) * sizeof (uint64_t));
            return (c->oom = true), SIZE_MAX;
        }
        c->arena = arena;
        c->arena_cap = cap;
    }
    memcpy (c->arena + c->arena_len, bits, words * sizeof (uint64_t));
    c->arena_len += words;
    return c->arena_len - words;
}

//  Pack the counts of never-returned ops into c->pack.
static void
s_pack (s_cache_t *c, const uint64_t *ibits)
{
    memset (c->pack, 0, c->pwords * sizeof (uint64_t));
    for (size_t g = 0; g < c->iwords; g++)
        c->pack [c->field_off [g] / 64] |= ibits [g] << (c->field_off [g] % 64);
}

//  Is a cached count vector (packed) at most ibits in every group (equal
//  to it, when exact)?
static bool
s_covers (const s_cache_t *c, const uint64_t *old, const uint64_t *ibits)
{
    if (c->exact)
        return memcmp (old, c->pack, c->pwords * sizeof (uint64_t)) == 0;
    for (size_t g = 0; g < c->iwords; g++) {
        uint32_t off = c->field_off [g];
        if (((old [off / 64] >> (off % 64)) & c->field_mask [g]) > ibits [g])
            return false;
    }
    return true;
}

static uint32_t
s_subset_put (s_cache_t *c, uint32_t next)
{
    if (c->nsubsets == c->subsets_cap) {
        //  doubled, or grown by an eighth when doubling does not fit the
        //  budget (as the arena), so that the cap is reached, not halved
        size_t cap = c->subsets_cap? c->subsets_cap * 2: 1024;
        if (cap >= S_NONE)
            return (c->oom = true), S_NONE;
        size_t eighth = c->subsets_cap + c->subsets_cap / 8 + 1024;
        if (c->memory_max && s_cache_memory (c) + (cap - c->subsets_cap) * sizeof (s_subset_t)
                             > c->memory_max)
            cap = eighth;
        else
        if (c->shared && c->subsets_cap && s_take (c, (cap - c->subsets_cap) * sizeof (s_subset_t)))
            s_give (c, (cap - c->subsets_cap) * sizeof (s_subset_t));
        else
        if (c->shared && c->subsets_cap)
            cap = eighth;
        s_subset_t *subsets = s_cache_room (c, (cap - c->subsets_cap) * sizeof (s_subset_t))?
                              realloc (c->subsets, cap * sizeof (s_subset_t)): NULL;
        if (!subsets) {
            if (!c->oom)
                s_give (c, (cap - c->subsets_cap) * sizeof (s_subset_t));
            return (c->oom = true), S_NONE;
        }
        c->subsets = subsets;
        c->subsets_cap = cap;
    }
    size_t bits = s_arena_put (c, c->pack, c->pwords);
    if (bits == SIZE_MAX)
        return S_NONE;
    c->subsets [c->nsubsets] = (s_subset_t) { next, (uint32_t) bits };
    return (uint32_t) c->nsubsets++;
}

//  Remember a configuration: the set of linearized ops that returned
//  (bits), the state, and the set of linearized ops that never returned
//  (counts: how many of each group's ops are linearized, always a prefix of
//  the group). Returns false when it is subsumed by one already cached:
//  same bits and state, and no count above ours. An op that never returned may
//  also never happen, so the configuration that used fewer of them can do
//  everything this one can.
//  Out of memory it returns false as well, with c->oom set: the caller
//  must stop the search.
static bool
s_cache_add (s_cache_t *c, uint64_t hash, uint64_t state, const uint64_t *bits,
             uint32_t lo, uint32_t len, const uint64_t *ibits)
{
    if (c->oom || (4 * (c->used + 1) > 3 * c->cap && s_cache_grow (c)))
        return false;
    size_t mask = c->cap - 1;
    size_t i = hash & mask;
    size_t bytes = len * sizeof (uint64_t);
    if (c->iwords)
        s_pack (c, ibits);
    while (c->table [i].lo != S_NONE) {
        s_entry_t *e = &c->table [i];
        if (e->hash == hash && e->state == state && e->lo == lo && e->len == len
        &&  memcmp (c->arena + e->bits, bits + lo, bytes) == 0) {
            if (c->iwords == 0)
                return false;       // no counts: the key is the configuration
            for (uint32_t k = e->subsets; k != S_NONE; k = c->subsets [k].next)
                if (s_covers (c, c->arena + c->subsets [k].bits, ibits))
                    return false;
            uint32_t head = s_subset_put (c, e->subsets);
            if (head == S_NONE)
                return false;
            c->table [i].subsets = head;    // e may have moved: index again
            return true;
        }
        i = (i + 1) & mask;
    }
    size_t at = s_arena_put (c, bits + lo, len);
    if (at == SIZE_MAX)
        return false;
    uint32_t head = c->iwords? s_subset_put (c, S_NONE): S_NONE;
    if (c->iwords && head == S_NONE)
        return false;
    c->table [i] = (s_entry_t) { hash, state, (uint32_t) at, head, lo, len };
    c->used++;
    return true;
}

typedef struct {
    model_part_t *part;
    model_op_t *ops;
    size_t n;
    int32_t *next, *prev;   // entries 2i (call of op i), 2i+1 (return), head 2n, tail 2n+1
    uint64_t *zobrist;
    uint64_t *bits;
    uint64_t *ibits;        // per group, how many of its ops are linearized
    int32_t *never;         // op -> its index among the ops that never
                            // returned, or -1 for an op that returned
    int32_t *twin;          // op that returned -> the previous op (by return)
                            // with the same effect, -1 none (s_twins)
    int64_t wend;           // position of the first unlinearized return,
    bool wend_ok;           //   valid while wend_ok (s_wend)
    int32_t *group_of;      // never-returned op -> its group, or -1 if left out
    uint32_t *group_ops;    // the groups' ops, each group in call order
    size_t *group_start;    // group g is group_ops [group_start [g] ..
    size_t *group_cursor;   //   group_start [g + 1]) (cursor: while building)
    size_t ngroups;         //   its first ibits [g] ops are linearized
    int32_t *mirror;        // op that returned -> the group of ops that never
                            // did with its effect, or -1 (s_mirrors)
    uint32_t *gmark;        // group -> stamp when one of its mirrors can go
    uint32_t stamp;         //   now (s_mark_mirrors), so it is not tried
    s_frame_t *stack;
    size_t depth;
    s_cache_t cache;
    size_t dirty;           // lowest stack slot changed since the last snapshot
    uint64_t state;         // model state after the linearized ops
    uint64_t zob;           // Zobrist hash of the linearized ops
    size_t finite;          // ops with a finite return not yet linearized
    uint32_t phase;         // 0: trying ops that returned; 1: the others
    bool plain;             // no pruning beyond Porcupine's (tests)
    uint32_t lo;            // first word of bits not all ones
    uint32_t hi;            // last word with a linearized op that returned,
                            // or UINT32_MAX when there is none
    int64_t *key;           // op -> its place in the order candidates are
                            // tried in (s_after), NULL: the list's, by call;
                            // the caller's (wgl_check)
    size_t configs_max;     // stop at this many configurations (0: none),
                            // why_unknown "witness" (wgl_check, witness first)
    size_t pause_at;        // pause at this many (0: never), S_PAUSED: the
                            // search goes on where it was when called again
    bool started;           // s_search ran: the loop's place is below
    int32_t entry;          //   phase 0: a list entry; phase 1: a group
    int64_t window;         //   phase 1: ops invoked before this may be tried
    bool have_best;         //   a prefix was taken (s_snapshot)
    size_t model0;          // the model's bytes when the search began
    size_t model_held;      // its growth since, taken from the shared budget
} s_search_t;

static int
s_by_ret (const void *a, const void *b, void *arg)
{
    const model_op_t *ops = arg;
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    if (ops [x].ret != ops [y].ret)
        return ops [x].ret < ops [y].ret? -1: 1;
    return x < y? -1: x > y;
}

//  Build the list of the ops that returned: calls in call order merged with
//  returns in return order, between head (2n) and tail (2n+1). Ops that
//  never returned are not in it (they would sit before every later return
//  and each restart from the head would walk past all of them): they are
//  in groups, see s_groups.
static void
s_build_list (s_search_t *s)
{
    size_t n = s->n;
    uint32_t *by_ret = malloc ((n + 1) * sizeof (uint32_t));
    assert (by_ret);
    size_t nfinite = 0;
    for (size_t i = 0; i < n; i++)
        if (s->never [i] < 0)
            by_ret [nfinite++] = (uint32_t) i;
    qsort_r (by_ret, nfinite, sizeof (uint32_t), s_by_ret, s->ops);
    int32_t last = (int32_t) (2 * n);
    size_t ci = 0, ri = 0;
    while (ci < n || ri < nfinite) {
        if (ci < n && s->never [ci] >= 0) {
            ci++;
            continue;
        }
        int32_t e;
        if (ci < n && (ri == nfinite || s->ops [ci].call < s->ops [by_ret [ri]].ret))
            e = (int32_t) (2 * ci++);
        else
            e = (int32_t) (2 * by_ret [ri++] + 1);
        s->next [last] = e;
        s->prev [e] = last;
        last = e;
    }
    s->next [last] = (int32_t) (2 * n + 1);
    s->prev [2 * n + 1] = last;
    free (by_ret);
}

//  Add op to the linearized sets, or take it out.
static inline void
s_set (s_search_t *s, uint32_t op)
{
    if (s->never [op] < 0)
        s->bits [op / 64] |= 1ULL << (op % 64);
    else
        s->ibits [s->group_of [op]]++;
}

static inline void
s_clear (s_search_t *s, uint32_t op)
{
    if (s->never [op] < 0)
        s->bits [op / 64] &= ~(1ULL << (op % 64));
    else
        s->ibits [s->group_of [op]]--;
}

//  Take op's entries out of the list (dancing links: they keep their own
//  pointers, so s_unlift puts them back in reverse order). An op that never
//  returned is not in the list.
static void
s_lift (s_search_t *s, uint32_t op)
{
    if (s->never [op] >= 0)
        return;             // s_set moved its group's count past it
    int32_t c = (int32_t) (2 * op), r = c + 1;
    s->next [s->prev [c]] = s->next [c];
    s->prev [s->next [c]] = s->prev [c];
    s->next [s->prev [r]] = s->next [r];
    s->prev [s->next [r]] = s->prev [r];
}

static void
s_unlift (s_search_t *s, uint32_t op)
{
    if (s->never [op] >= 0)
        return;
    int32_t c = (int32_t) (2 * op), r = c + 1;
    s->next [s->prev [r]] = r;
    s->prev [s->next [r]] = r;
    s->next [s->prev [c]] = c;
    s->prev [s->next [c]] = c;
}

static void
s_snapshot (s_search_t *s, wgl_result_t *result, uint64_t state, int64_t blocked)
{
    for (size_t i = s->dirty; i < s->depth; i++)
        result->prefix [i] = s->stack [i].op;
    result->nprefix = s->depth;
    result->prefix_state = state;
    result->blocked = blocked;
    s->dirty = s->depth;
}

//  Out of memory: the cache or the model's value table could not grow.
static bool
s_oom (const s_search_t *s)
{
    return s->cache.oom || model_part_oom (s->part);
}

//  The shared budget: the cache takes its bytes as it grows (s_cache_room);
//  the model's value table grows inside model.c, so its growth since the last
//  look is taken here, and it may grow until the next look by what the whole
//  check has left now.
static int
s_budget_shared (s_search_t *s, wgl_result_t *result)
{
    size_t model = model_part_memory (s->part);
    size_t grown = model > s->model0? model - s->model0: 0;
    if (grown > s->model_held) {
        if (!s_take (&s->cache, grown - s->model_held))
            s->cache.oom = true;
        else
            s->model_held = grown;
    }
    if (s_oom (s)) {
        result->why_unknown = "memory";
        return WGL_UNKNOWN;
    }
    size_t used = atomic_load (s->cache.shared);
    model_part_memory_max (s->part, model + (used < s->cache.total? s->cache.total - used: 0));
    return -1;
}

//  Check the budget; returns a verdict to stop with, or -1 to go on. The
//  memory budget is shared by the cache and the model's value table (sets
//  and queues the steps build): each may grow into what the other leaves.
#define S_PAUSED 99         // s_search's, not a verdict: call it again

static int
s_budget (s_search_t *s, const wgl_budget_t *budget, wgl_result_t *result)
{
    if (budget->stop && atomic_load (budget->stop))
        return WGL_STOPPED;
    if (budget->deadline_ns && clock_mono_ns () > budget->deadline_ns) {
        result->why_unknown = "timeout";
        return WGL_UNKNOWN;
    }
    if (s->cache.shared)
        return s_budget_shared (s, result);
    size_t cache = s_cache_memory (&s->cache), model = model_part_memory (s->part);
    if (s_oom (s) || (budget->memory_bytes && cache + model > budget->memory_bytes)) {
        result->why_unknown = "memory";
        return WGL_UNKNOWN;
    }
    if (budget->memory_bytes) {
        model_part_memory_max (s->part, budget->memory_bytes - cache);
        s->cache.memory_max = budget->memory_bytes - model;
    }
    return -1;
}

//  The window of a linearized set: every word below lo is all ones, every
//  word above hi holds only the ops that never returned (preset to one, as
//  they are not part of this set). The cache stores words lo..hi only, so
//  an entry costs the history's concurrency, not its length.
static void
s_window (const s_search_t *s, uint32_t op, uint32_t *lo, uint32_t *hi)
{
    uint32_t w = op / 64;
    *lo = s->lo;
    *hi = s->hi == UINT32_MAX || w > s->hi? w: s->hi;
    while (*lo < s->cache.words && s->bits [*lo] == UINT64_MAX)
        (*lo)++;
}

//  Try to linearize op now. Returns true when it was (a new configuration).
static bool
s_try (s_search_t *s, uint32_t op)
{
    uint64_t next_state;
    if (!model_step (s->part, s->state, &s->ops [op], &next_state) || model_part_oom (s->part))
        return false;
    s_set (s, op);
    uint32_t lo = s->lo, hi = s->hi;
    if (s->never [op] < 0)
        s_window (s, op, &lo, &hi);
    uint32_t len = hi != UINT32_MAX && hi >= lo? hi - lo + 1: 0;
    uint64_t zob = s->zob ^ s->zobrist [op];
    if (!s_cache_add (&s->cache, zob ^ hash_mix64 (next_state), next_state, s->bits, lo, len,
                      s->ibits)) {
        s_clear (s, op);
        return false;
    }
    if (s->depth < s->dirty)
        s->dirty = s->depth;
    s->stack [s->depth++] = (s_frame_t) { op, s->phase, s->state, s->lo, s->hi };
    s->phase = 0;
    s->state = next_state;
    s->zob = zob;
    s->lo = lo;
    s->hi = hi;
    s_lift (s, op);
    s->finite -= s->ops [op].ret != OP_RET_NEVER;
    s->wend_ok = false;
    return true;
}

//  Undo linearized ops until one whose alternatives are worth trying.
//  Returns the entry to continue from: a group in phase 1, -2 - op in
//  phase 0 (the candidate after op, s_following); -1 when nothing is left
//  to undo.
//  A pure op (one that never changes the state) linearized as soon as it
//  could be loses nothing: any linearization placing it later can move it
//  back to that point. So when one is undone, the other choices at its
//  level are not worth trying: keep undoing.
static int32_t
s_backtrack (s_search_t *s)
{
    s_frame_t top;
    do {
        if (s->depth == 0)
            return -1;
        top = s->stack [--s->depth];
        if (s->depth < s->dirty)
            s->dirty = s->depth;
        s->state = top.state;
        s->lo = top.lo;
        s->hi = top.hi;
        s->zob ^= s->zobrist [top.op];
        s_clear (s, top.op);
        s_unlift (s, top.op);
        s->finite += s->ops [top.op].ret != OP_RET_NEVER;
    } while (!s->plain && (s->ops [top.op].flags & MODEL_F_PURE));
    s->wend_ok = false;
    s->phase = top.phase;
    if (s->never [top.op] >= 0)
        return s->group_of [top.op] + 1;     // phase 1: the next group
    return -2 - (int32_t) top.op;
}

static uint64_t
s_effect_hash (const model_op_t *op)
{
    return hash_mix64 (op->kind ^ ((uint64_t) op->flags << 8) ^ hash_mix64 (op->a ^ hash_mix64 (op->b ^ hash_mix64 (op->out))));
}

static bool
s_same_effect (const model_op_t *x, const model_op_t *y)
{
    return x->kind == y->kind && x->flags == y->flags && x->a == y->a && x->b == y->b
        && x->out == y->out;
}

//  Group the ops that never returned by effect (kind, flags, arguments).
//  Within a group only the earliest unlinearized op (the head) is ever
//  tried: any linearization using a later one can use the head in its
//  place (it was invoked earlier, and windows only grow as ops are
//  linearized). So a group's linearized ops are always a prefix of it,
//  and a pass over the ops that never returned costs the number of
//  distinct effects, not of ops. A pure one (an info read) is left out:
//  it changes nothing, so "never happened" does as well as any place.
//  The plain search puts each op in a group of its own and leaves out none.
static int
s_groups (s_search_t *s, size_t nnever)
{
    size_t cap = 16;
    while (cap < 2 * nnever)
        cap *= 2;
    int32_t *table = malloc (cap * sizeof (int32_t));      // effect -> group
    size_t *count = calloc (nnever + 1, sizeof (size_t));
    if (!table || !count) {
        free (table);
        free (count);
        return -1;
    }
    for (size_t i = 0; i < cap; i++)
        table [i] = -1;
    for (size_t i = 0; i < s->n; i++) {
        s->group_of [i] = -1;
        if (s->never [i] < 0 || (!s->plain && (s->ops [i].flags & MODEL_F_PURE)))
            continue;
        int32_t g = -1;
        size_t j = s_effect_hash (&s->ops [i]) & (cap - 1);
        while (!s->plain && table [j] >= 0) {
            uint32_t first = s->group_ops [table [j]];     // its first op, see below
            if (s_same_effect (&s->ops [first], &s->ops [i])) {
                g = table [j];
                break;
            }
            j = (j + 1) & (cap - 1);
        }
        if (g < 0) {
            g = (int32_t) s->ngroups++;
            s->group_ops [g] = (uint32_t) i;              // first op, until laid out
            if (!s->plain)
                table [j] = g;
        }
        s->group_of [i] = g;
        count [g]++;
    }
    //  Lay the groups out one after the other, each in call order
    size_t at = 0;
    for (size_t g = 0; g < s->ngroups; g++) {
        s->group_start [g] = s->group_cursor [g] = at;
        at += count [g];
    }
    s->group_start [s->ngroups] = at;
    for (size_t i = 0; i < s->n; i++)
        if (s->group_of [i] >= 0)
            s->group_ops [s->group_cursor [s->group_of [i]]++] = (uint32_t) i;
    free (table);
    free (count);
    return 0;
}

static uint64_t
s_effect_known_hash (const model_op_t *op)
{
    model_op_t known = *op;
    known.flags &= ~MODEL_F_UNKNOWN;
    return s_effect_hash (&known);
}

//  Link each op that returned (and may change the state) to the group of
//  ops that never returned with its effect but for the unknown outcome
//  (s_mark_mirrors).
static int
s_mirrors (s_search_t *s)
{
    s->mirror = malloc ((s->n + 1) * sizeof (int32_t));
    s->gmark = calloc (s->ngroups + 1, sizeof (uint32_t));
    size_t cap = 16;
    while (cap < 2 * s->ngroups)
        cap *= 2;
    int32_t *table = malloc (cap * sizeof (int32_t));      // effect -> group
    if (!s->mirror || !s->gmark || !table) {
        free (table);
        return -1;
    }
    s->stamp = 1;           // no group is marked yet (gmark is zero)
    for (size_t i = 0; i < cap; i++)
        table [i] = -1;
    for (size_t g = 0; g < s->ngroups; g++) {
        const model_op_t *first = &s->ops [s->group_ops [s->group_start [g]]];
        size_t j = s_effect_known_hash (first) & (cap - 1);
        while (table [j] >= 0)
            j = (j + 1) & (cap - 1);
        table [j] = (int32_t) g;
    }
    for (size_t i = 0; i < s->n; i++) {
        s->mirror [i] = -1;
        if (s->plain || s->never [i] >= 0 || (s->ops [i].flags & MODEL_F_PURE)
        ||  (s->ops [i].flags & MODEL_F_UNKNOWN) || s->ngroups == 0)
            continue;
        size_t j = s_effect_known_hash (&s->ops [i]) & (cap - 1);
        for (; table [j] >= 0; j = (j + 1) & (cap - 1)) {
            model_op_t known = s->ops [s->group_ops [s->group_start [table [j]]]];
            known.flags &= ~MODEL_F_UNKNOWN;
            if (s_same_effect (&known, &s->ops [i])) {
                s->mirror [i] = table [j];
                break;
            }
        }
    }
    free (table);
    return 0;
}

//  Position of the first return in the main list: the end of the window
//  of ops that may be linearized next.
static int64_t
s_window_end (const s_search_t *s)
{
    int32_t e = s->next [2 * s->n];
    while ((e & 1) == 0)
        e = s->next [e];
    return s->ops [e / 2].ret;
}

//  Link each op that returned to the previous one, in return order, with
//  the same effect (s_twins' table maps an effect to its latest op so far).
static int
s_twins (s_search_t *s)
{
    size_t cap = 16;
    while (cap < 2 * s->n)
        cap *= 2;
    int32_t *table = malloc (cap * sizeof (int32_t));       // effect -> latest op
    uint32_t *by_ret = malloc ((s->n + 1) * sizeof (uint32_t));
    if (!table || !by_ret) {
        free (table);
        free (by_ret);
        return -1;
    }
    for (size_t i = 0; i < cap; i++)
        table [i] = -1;
    size_t nfinite = 0;
    for (size_t i = 0; i < s->n; i++) {
        s->twin [i] = -1;
        if (s->never [i] < 0)
            by_ret [nfinite++] = (uint32_t) i;
    }
    qsort_r (by_ret, nfinite, sizeof (uint32_t), s_by_ret, s->ops);
    for (size_t k = 0; k < nfinite && !s->plain; k++) {
        uint32_t i = by_ret [k];
        size_t j = s_effect_hash (&s->ops [i]) & (cap - 1);
        while (table [j] >= 0 && !s_same_effect (&s->ops [table [j]], &s->ops [i]))
            j = (j + 1) & (cap - 1);
        s->twin [i] = table [j];
        table [j] = (int32_t) i;
    }
    free (table);
    free (by_ret);
    return 0;
}

//  Position of the first unlinearized return, computed once per
//  configuration (s_try and s_backtrack clear wend_ok).
static int64_t
s_wend (s_search_t *s)
{
    if (!s->wend_ok) {
        s->wend = s_window_end (s);
        s->wend_ok = true;
    }
    return s->wend;
}

//  Symmetry: is op, a candidate now, dominated by a twin (same effect) that
//  is a candidate too and returned earlier? Then only the twin is tried.
//  Any linearization from here that puts op next and its twin y later can
//  swap them: the states are the same (same effect); y may go now (it is
//  a candidate: invoked before every unlinearized op returned); and op
//  may go where y was, since every op placed before that point was invoked
//  before y returned, so before op did. The twins still unlinearized all
//  return after the window's end, so the walk down the chain stops there.
static bool
s_dominated (s_search_t *s, uint32_t op)
{
    int32_t y = s->twin [op];
    if (y < 0)
        return false;
    int64_t end = s_wend (s);
    for (; y >= 0 && s->ops [y].ret >= end; y = s->twin [y])
        if (s->ops [y].call < end && !(s->bits [y / 64] & (1ULL << (y % 64))))
            return true;
    return false;
}

//  The candidate after op (-1: the first) in the order of key: an entry
//  of the list, a call before its first return, or that return when none
//  is left. Any order is as exhaustive as the list's: the loop still
//  tries every candidate of a configuration before it backtracks, and no
//  pruning depends on the order (s_dominated compares returns, a pure op
//  undone is one that could go at its level whatever went before it).
//  The scan costs the window (the ops invoked before the first return).
static int32_t
s_after (const s_search_t *s, int64_t op)
{
    int32_t e = s->next [2 * s->n], best = -1;
    int64_t k0 = op >= 0? s->key [op]: INT64_MIN;
    for (; (e & 1) == 0; e = s->next [e]) {
        int32_t i = e / 2;
        int64_t k = s->key [i];
        if ((k > k0 || (k == k0 && i > op))
        &&  (best < 0 || k < s->key [best] || (k == s->key [best] && i < best)))
            best = i;
    }
    return best >= 0? 2 * best: e;
}

static int32_t
s_first (const s_search_t *s)
{
    return s->key? s_after (s, -1): s->next [2 * s->n];
}

static int32_t
s_following (const s_search_t *s, int32_t entry)
{
    return s->key? s_after (s, entry / 2): s->next [entry];
}

//  Before a pass over the ops that never returned: mark each group one of
//  whose mirrors (an op that returned, with the same effect) is a
//  candidate now, and would take the state where the group's head would.
//  The head is not worth trying: any linearization placing it now and the
//  mirror m later can swap them, since m may go now (a candidate) and the
//  head anywhere later (it never returned); the states are the same. And
//  placing m now was tried in the pass before (or a configuration as good:
//  a twin, the cache).
static void
s_mark_mirrors (s_search_t *s, int64_t window)
{
    if (s->plain || s->ngroups == 0)
        return;
    if (++s->stamp == 0) {
        memset (s->gmark, 0, s->ngroups * sizeof (uint32_t));
        s->stamp = 1;
    }
    for (int32_t e = s->next [2 * s->n]; (e & 1) == 0; e = s->next [e]) {
        int32_t g = s->mirror [e / 2];
        if (g < 0 || s->gmark [g] == s->stamp)
            continue;
        size_t at = s->group_start [g] + s->ibits [g];
        if (at >= s->group_start [g + 1] || s->ops [s->group_ops [at]].call >= window)
            continue;
        uint64_t mine, its;
        if (model_step (s->part, s->state, &s->ops [e / 2], &mine)
        &&  model_step (s->part, s->state, &s->ops [s->group_ops [at]], &its) && mine == its)
            s->gmark [g] = s->stamp;
    }
}

//  The search loop. Two passes over the candidates at each configuration:
//  ops that returned first (phase 0, the main list up to its first return),
//  then the ones that never returned (phase 1, the never list up to that
//  return's position), so that configurations are first reached with as
//  few never-returned ops as possible and the cache's subsumption prunes
//  the later visits.
//  Returns a verdict, or S_PAUSED at s->pause_at configurations: called
//  again, it goes on from where it was.
static int
s_search (s_search_t *s, const wgl_budget_t *budget, wgl_result_t *result)
{
    const int32_t head = (int32_t) (2 * s->n);
    if (!s->started) {
        for (size_t i = 0; i < s->n; i++)
            s->finite += s->ops [i].ret != OP_RET_NEVER;
        s->state = model_part_init (s->part);
        s->entry = s_first (s);
        s->window = 0;
        s->have_best = false;
        s->started = true;
    }
    int32_t entry = s->entry;
    int64_t window = s->window;
    bool have_best = s->have_best;
    while (s->finite > 0) {
        if (s_oom (s)) {        // a step or the cache could not allocate
            result->why_unknown = "memory";
            return WGL_UNKNOWN;
        }
        //  the caps, each step: a small one is reached in small histories
        size_t configs = s->cache.iwords? s->cache.nsubsets: s->cache.used;
        if (s->configs_max && configs >= s->configs_max) {
            result->why_unknown = "witness";
            return WGL_UNKNOWN;
        }
        if (s->pause_at && configs >= s->pause_at) {
            s->entry = entry;
            s->window = window;
            s->have_best = have_best;
            s->pause_at = 0;
            return S_PAUSED;
        }
        if ((++result->steps & 1023) == 0) {
            int verdict = s_budget (s, budget, result);
            if (verdict >= 0)
                return verdict;
        }
        if (s->phase == 0 && (entry & 1) == 0) {        // a call: try it now
            uint32_t op = (uint32_t) entry / 2;
            entry = !s_dominated (s, op) && s_try (s, op)? s_first (s): s_following (s, entry);
            continue;
        }
        if (s->phase == 0 && s->ngroups > 0) {          // a return: try the others
            s->phase = 1;
            window = s->ops [entry / 2].ret;
            s_mark_mirrors (s, window);
            entry = 0;
            continue;
        }
        if (s->phase == 1 && (size_t) entry < s->ngroups) {
            size_t at = s->group_start [entry] + s->ibits [entry];
            bool ready = at < s->group_start [entry + 1]
                      && s->ops [s->group_ops [at]].call < window
                      && s->gmark [entry] != s->stamp;
            entry = ready && s_try (s, s->group_ops [at])? s_first (s): entry + 1;
            continue;
        }
        //  Nothing more can go before the first return: undo the last op
        if (!have_best || s->depth > result->nprefix) {
            int32_t first = s->next [head];
            while ((first & 1) == 0)
                first = s->next [first];
            s_snapshot (s, result, s->state, first / 2);
            have_best = true;
        }
        if ((entry = s_backtrack (s)) == -1)
            break;
        if (entry < -1)
            entry = s_following (s, 2 * (-2 - entry));
        if (s->phase == 1) {
            window = s_window_end (s);
            s_mark_mirrors (s, window);
        }
    }
    if (s_oom (s)) {
        result->why_unknown = "memory";
        return WGL_UNKNOWN;
    }
    return s->finite > 0? WGL_INVALID: WGL_VALID;
}

//  An upper bound on the bytes of the search's arrays (s_search_init and
//  s_groups), taken from a shared budget before they are made.
static size_t
s_search_bytes (size_t n)
{
    size_t per_op = 2 * 2 * sizeof (int32_t) + sizeof (uint64_t) + sizeof (s_frame_t)
                  + 3 * sizeof (uint32_t) + sizeof (int32_t) + 2 * sizeof (size_t)
                  + sizeof (uint64_t) + 5 * sizeof (int32_t) + sizeof (size_t)
                  + sizeof (uint32_t) + 2 * sizeof (uint64_t)     // s_fields
                  + 6 * sizeof (uint32_t)      // s_groups', s_twins' tables while they run
                  + sizeof (int64_t)           // key (wgl_check, witness first)
                  + sizeof (int32_t) + 3 * sizeof (uint32_t);   // s_mirrors
    return (n + 4) * per_op + ((n + 63) / 64 + 1) * sizeof (uint64_t);
}

//  The packed layout of the counts: each group's field as wide as its size
//  needs, no field across two words.
static int
s_fields (s_search_t *s)
{
    s_cache_t *c = &s->cache;
    c->field_off = malloc ((s->ngroups + 1) * sizeof (uint32_t));
    c->field_mask = malloc ((s->ngroups + 1) * sizeof (uint64_t));
    c->pack = calloc (s->ngroups + 1, sizeof (uint64_t));
    if (!c->field_off || !c->field_mask || !c->pack)
        return -1;
    size_t off = 0;
    for (size_t g = 0; g < s->ngroups; g++) {
        size_t size = s->group_start [g + 1] - s->group_start [g];
        unsigned width = 1;
        while (width < 63 && (1ULL << width) <= size)
            width++;
        if (off / 64 != (off + width - 1) / 64)
            off = (off / 64 + 1) * 64;
        c->field_off [g] = (uint32_t) off;
        c->field_mask [g] = (1ULL << width) - 1;
        off += width;
    }
    c->pwords = (off + 63) / 64;
    return 0;
}

//  The search's arrays, all sized by the partition. Returns -1 when one
//  could not be had (out of memory: the verdict is unknown).
static int
s_search_init (s_search_t *s, wgl_result_t *result)
{
    size_t n = s->n;
    s->next = malloc ((2 * n + 2) * sizeof (int32_t));
    s->prev = malloc ((2 * n + 2) * sizeof (int32_t));
    s->zobrist = malloc ((n + 1) * sizeof (uint64_t));
    s->cache.words = (n + 63) / 64 + 1;
    s->bits = calloc (s->cache.words, sizeof (uint64_t));
    s->stack = malloc ((n + 1) * sizeof (s_frame_t));
    result->prefix = malloc ((n + 1) * sizeof (uint32_t));
    s->never = malloc ((n + 1) * sizeof (int32_t));
    if (!s->next || !s->prev || !s->zobrist || !s->bits || !s->stack || !result->prefix
    ||  !s->never)
        return -1;
    rng_t rng;
    rng_init (&rng, 0x5ea2c4 + n);
    size_t nnever = 0;
    for (size_t i = 0; i < n; i++) {
        bool never = s->ops [i].ret == OP_RET_NEVER;
        s->zobrist [i] = never? 0: rng_next (&rng);
        s->never [i] = never? (int32_t) nnever++: -1;
    }
    s->twin = malloc ((n + 1) * sizeof (int32_t));
    s->group_of = malloc ((n + 1) * sizeof (int32_t));
    s->group_ops = malloc ((nnever + 1) * sizeof (uint32_t));
    s->group_start = malloc ((nnever + 2) * sizeof (size_t));
    s->group_cursor = malloc ((nnever + 1) * sizeof (size_t));
    if (!s->twin || !s->group_of || !s->group_ops || !s->group_start || !s->group_cursor
    ||  s_groups (s, nnever) || s_twins (s))
        return -1;
    s->cache.iwords = s->ngroups;
    s->ibits = calloc (s->ngroups + 1, sizeof (uint64_t));
    if (!s->ibits || s_fields (s) || s_mirrors (s))
        return -1;
    //  Ops that never returned are not in bits: preset them to one there so
    //  that they do not stop the window's low end from moving up
    for (size_t i = 0; i < n; i++)
        if (s->never [i] >= 0)
            s->bits [i / 64] |= 1ULL << (i % 64);
    s->hi = UINT32_MAX;
    while (s->lo < s->cache.words && s->bits [s->lo] == UINT64_MAX)
        s->lo++;
    s_build_list (s);
    return 0;
}

//  The cache's size, and that of the layout it replaced for the same
//  configurations, for the benchmark's bytes per configuration.
static void
s_cache_figures (const s_cache_t *c, wgl_result_t *result)
{
    result->cache_configs = c->iwords? c->nsubsets: c->used;
    result->cache_bytes = s_cache_memory (c);
    size_t windows = c->arena_len - c->nsubsets * c->pwords;
    size_t nodes = c->iwords? c->nsubsets: c->used;     // it had one per key
    size_t table = 0, lists = 0;
    while (c->used && 2 * c->used > table)
        table = table? table * 2: 1024;
    while (nodes > lists)
        lists = lists? lists * 2: 1024;
    result->cache_bytes_wide = table * 48 + lists * 16 + (windows + nodes * c->iwords) * 8;
}

//  A search's start (s_open) and end (s_close): in the list's order (key
//  NULL), or in that of key (op -> its place, s_after; the caller's),
//  stopping at configs_max configurations. s_run is the two with s_search
//  between; wgl_check pauses the list's search between them. A search
//  that could not be opened has its verdict, unknown (memory).
static bool
s_open (s_search_t *s, model_part_t *part, const wgl_budget_t *budget,
        wgl_result_t *result, int64_t *key, size_t configs_max)
{
    memset (result, 0, sizeof (*result));
    result->blocked = -1;
    *s = (s_search_t) { .part = part, .ops = model_part_ops (part), .n = model_part_size (part),
                         .plain = budget->plain, .configs_max = configs_max, .key = key };
    s->cache.exact = budget->plain;
    size_t model = model_part_memory (part);
    s->model0 = model;
    if (budget->used && budget->memory_bytes) {
        //  the partition is held by the caller already; the search's arrays
        //  are taken before they are made
        s->cache.shared = budget->used;
        s->cache.total = budget->memory_bytes;
        size_t used = atomic_load (budget->used);
        model_part_memory_max (part, model + (used < s->cache.total? s->cache.total - used: 0));
    }
    else
    if (budget->memory_bytes) {
        model_part_memory_max (part, budget->memory_bytes);
        s->cache.memory_max = model < budget->memory_bytes? budget->memory_bytes - model: 1;
    }
    result->prefix_state = model_part_init (part);   // the empty prefix's state
    if (model_part_oom (part)
    ||  (!s->cache.shared && budget->memory_bytes && model > budget->memory_bytes)
    ||  !s_take (&s->cache, s_search_bytes (s->n)) || s_search_init (s, result)) {
        result->verdict = WGL_UNKNOWN;
        result->why_unknown = "memory";
        return false;
    }
    return true;
}

static void
s_close (s_search_t *s, wgl_result_t *result)
{
    model_part_t *part = s->part;
    result->cache_entries = s->cache.used;
    s_cache_figures (&s->cache, result);
    result->memory_bytes = s_cache_memory (&s->cache) + model_part_memory (part);
    free (s->next);
    free (s->prev);
    free (s->zobrist);
    free (s->bits);
    free (s->never);
    free (s->twin);
    free (s->group_of);
    free (s->group_ops);
    free (s->group_start);
    free (s->group_cursor);
    free (s->ibits);
    free (s->mirror);
    free (s->gmark);
    free (s->cache.field_off);
    free (s->cache.field_mask);
    free (s->cache.pack);
    free (s->cache.subsets);
    free (s->stack);
    free (s->cache.table);
    free (s->cache.arena);
    s_give (&s->cache, s->cache.held);    // the arrays, the cache, the model's growth
}

static void
s_run (model_part_t *part, const wgl_budget_t *budget, wgl_result_t *result,
       int64_t *key, size_t configs_max)
{
    s_search_t s;
    if (s_open (&s, part, budget, result, key, configs_max))
        result->verdict = (wgl_verdict_t) s_search (&s, budget, result);
    s_close (&s, result);
}

//  Witness first: a register's search (kv, register, cas-register) is
//  first run with candidates in the order of their interval's midpoint,
//  call + return, for at most S_WITNESS_CONFIGS configurations, and only
//  a valid verdict is taken from it: the linearization it found is the
//  proof. Anything else (invalid, out of memory, the cap) and the search
//  runs again in the list's order with a fresh cache, so an invalid
//  verdict and its explanation (the deepest prefix) are the list order's
//  as before. Midpoints, since a valid history's ops took effect at some
//  moment inside their intervals, and the middle is the best guess of it.
//  Measured (checker_gen 2000 1 SEED 0.1 PROCS, --method search):
//  40 clients seed 8 from 30.0M steps (1.02M configurations) to 421K
//  (15K); 60 clients seed 3 from unknown at 256 MiB to 8K steps; but 50
//  clients seed 1 from 2.9M steps to 8.0M (6.4M under the cap below),
//  hence the cap and the fallback.
//  Registers only: their model interns nothing during the search, so the
//  second run has the budget the first had.
//  The cap: 2^17 configurations (about 5 MB). Every witness that decided
//  one of the histories above took under 2^17; where none is found, 2^20
//  doubled the time of a hard valid 40,000-op key (768 ms to 1.6 s), 2^17
//  adds a tenth (839 ms).
//  Then orders drawn at random (s_redraw, s_draws), between rounds of
//  the list's search. Where the midpoints put enough ops wrong in one
//  stretch, depth-first search cannot repair them in any budget (with the
//  generator's own effect order as keys the same histories take 2,000
//  steps), but a draw of those ops' places in their intervals often has
//  that stretch right, and then finds the witness within a few thousand
//  configurations. A draw redraws the ops concurrent with the one the
//  last run could not place (the others keep their places, so the
//  stretches the last run got through stay as they were), and is capped
//  small: S_DRAW_CONFIGS times Luby's sequence (1 1 2 1 1 2 4 ...: one
//  that needs more gets it now and then). The list's search pauses each
//  time its configurations double from S_ROUND_CONFIGS, and the draws get
//  half as much again (each charged its cap and the partition's size, as
//  it starts afresh), so a history the draws cannot help costs at most
//  half again of what the list's order alone costs, and its verdict and
//  explanation are the list order's. A draw that ends invalid (not capped)
//  or out of memory ends the draws.
//  Measured (values 0..4, checker_gen 2000 1 SEED INFO 60, --threads 1,
//  --memory 1024, 10 s), all unknown before: 10% info seed 7 valid in
//  0.66 s, seed 8 in 2.9 s; no info seed 7 in 4.5 s; the 40,000-op key
//  (bench/checker.sh's interleave) 0.95 s, 0.87 before. Draws before the
//  list's search (not between its rounds) were faster on those (0.3 s,
//  0.9 s) but took that key to 3.8 s: a capped draw on a long history
//  never gets back to where it was stuck. Redrawing every op each time
//  decided seeds 7 and 8 only, at the 41st and 146th draw; keeping the
//  keys of the deepest run rather than the last decided fewer. Draws
//  capped at 1,024 configurations never came in 2,000; at 4,096 and at
//  16,384 at the same draw.
#define S_WITNESS_CONFIGS (1u << 17)
#define S_DRAW_CONFIGS (1u << 12)
#define S_ROUND_CONFIGS (1u << 18)

//  The witness run's first order: each op that returned at the midpoint of
//  its interval (call + return); the others are tried by group, in phase 1,
//  in no key's order.
static void
s_midpoints (const model_op_t *ops, size_t n, int64_t *key)
{
    for (size_t i = 0; i < n; i++)
        key [i] = ops [i].ret == OP_RET_NEVER? INT64_MAX: ops [i].call + ops [i].ret;
}

//  The next draw: the ops that returned and were concurrent with op stuck
//  (invoked before it returned, returned after it was invoked; every op
//  when stuck is -1) at a point drawn uniformly in their intervals, in the
//  midpoints' units.
static void
s_redraw (const model_op_t *ops, size_t n, int64_t stuck, rng_t *rng, int64_t *key)
{
    for (size_t i = 0; i < n; i++) {
        int64_t call = ops [i].call, ret = ops [i].ret;
        if (ret != OP_RET_NEVER
        &&  (stuck < 0 || (call < ops [stuck].ret && ret > ops [stuck].call)))
            key [i] = 2 * call + (int64_t) rng_below (rng, (uint64_t) (2 * (ret - call)) + 1);
    }
}

//  Luby's sequence, i >= 1: 1 1 2 1 1 2 4 1 1 2 1 1 2 4 8 ...
static size_t
s_luby (uint64_t i)
{
    for (;;) {
        unsigned k = 1;
        while (((1ULL << k) - 1) < i)
            k++;
        if (i == (1ULL << k) - 1)
            return (size_t) 1 << (k - 1);
        i -= (1ULL << (k - 1)) - 1;
    }
}

static bool
s_witness_worth (model_part_t *part, const wgl_budget_t *budget)
{
    if (budget->plain || budget->no_witness)
        return false;
    const model_op_t *ops = model_part_ops (part);
    for (size_t i = 0; i < model_part_size (part); i++)
        if (model_op_class (part, &ops [i]) == MODEL_OP_OTHER)
            return false;
    return true;
}

//  The draws of one round (s_redraw, from the op the last run was stuck
//  at), until they have cost spend configurations (each also its n: a
//  draw starts afresh). Returns S_DRAW_VALID when one found a witness (its
//  result in *result), S_DRAW_ENDED when the check was stopped or ran out
//  of time during one (its verdict and why in *result, no prefix),
//  S_DRAW_NO_MORE when one proved the history invalid or ran out of
//  memory (no draw is worth it then), else 0.
#define S_DRAW_VALID 1
#define S_DRAW_ENDED 2
#define S_DRAW_NO_MORE 3

//  Is result unknown for this reason ("timeout", "witness": its cap)?
static bool
s_unknown_for (const wgl_result_t *result, const char *why)
{
    return result->verdict == WGL_UNKNOWN && result->why_unknown
        && strcmp (result->why_unknown, why) == 0;
}

static int
s_draws (model_part_t *part, const wgl_budget_t *budget, int64_t *key, rng_t *rng,
         uint64_t *draw, int64_t *stuck, size_t spend, uint64_t *steps, wgl_result_t *result)
{
    const model_op_t *ops = model_part_ops (part);
    size_t n = model_part_size (part);
    for (size_t spent = 0; spent < spend; ) {
        size_t cap = (budget->round_configs? budget->round_configs: S_DRAW_CONFIGS)
                   * s_luby (++*draw);
        s_redraw (ops, n, *stuck, rng, key);
        wgl_result_t mine;
        s_run (part, budget, &mine, key, cap);
        *steps += mine.steps;
        if (mine.verdict == WGL_VALID) {
            *result = mine;
            return S_DRAW_VALID;
        }
        *stuck = mine.blocked;
        wgl_result_release (&mine);
        if (mine.verdict == WGL_STOPPED || s_unknown_for (&mine, "timeout")) {
            *result = mine;
            return S_DRAW_ENDED;
        }
        if (!s_unknown_for (&mine, "witness"))
            return S_DRAW_NO_MORE;
        spent += cap + n;
    }
    return 0;
}

void
wgl_check (model_part_t *part, const wgl_budget_t *budget, wgl_result_t *result)
{
    assert (part && budget && result);
    uint64_t steps = 0;
    const model_op_t *ops = model_part_ops (part);
    size_t n = model_part_size (part);
    int64_t *key = s_witness_worth (part, budget)? malloc ((n + 1) * sizeof (int64_t)): NULL;
    int64_t stuck = -1;
    bool draws = key != NULL;
    if (key) {
        s_midpoints (ops, n, key);
        s_run (part, budget, result, key,
               budget->round_configs? budget->round_configs / 2 + 1: S_WITNESS_CONFIGS);
        steps = result->steps;
        if (result->verdict == WGL_VALID || result->verdict == WGL_STOPPED
        ||  s_unknown_for (result, "timeout")) {
            free (key);
            return;
        }
        //  invalid or out of memory: no draw will do better
        draws = s_unknown_for (result, "witness");
        stuck = result->blocked;
        wgl_result_release (result);
    }
    //  The list's order, paused each time its configurations double for
    //  as many configurations' worth of draws
    s_search_t list;
    bool open = s_open (&list, part, budget, result, NULL, 0);
    rng_t rng;
    rng_init (&rng, 0x6b657973 + n);
    uint64_t draw = 0;
    int verdict = WGL_UNKNOWN, drawn = 0;
    wgl_result_t found;
    size_t first = budget->round_configs? budget->round_configs: S_ROUND_CONFIGS;
    for (size_t round = first; open; round *= 2) {
        list.pause_at = draws? round: 0;
        verdict = s_search (&list, budget, result);
        if (verdict != S_PAUSED)
            break;
        drawn = s_draws (part, budget, key, &rng, &draw, &stuck, round / 2, &steps, &found);
        if (drawn == S_DRAW_VALID || drawn == S_DRAW_ENDED)
            break;
        draws = drawn != S_DRAW_NO_MORE;
    }
    s_close (&list, result);
    if (drawn == S_DRAW_VALID) {
        uint64_t listed = result->steps;
        wgl_result_release (result);
        *result = found;
        result->steps = listed;         // the draws' (and the witness's) are in steps
    }
    else
    if (drawn == S_DRAW_ENDED) {
        //  stopped or out of time: what the list's search reached is the
        //  deepest prefix, and its cache the figures
        result->verdict = found.verdict;
        result->why_unknown = found.why_unknown;
    }
    else
    if (open)
        result->verdict = (wgl_verdict_t) verdict;
    result->steps += steps;
    free (key);
}

void
wgl_result_release (wgl_result_t *result)
{
    assert (result);
    free (result->prefix);
    result->prefix = NULL;
}
