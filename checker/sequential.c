/*  sequential.c -- sequential consistency over the whole history: is there
    one order of all its ops, keeping each process's own order (not real
    time), in which every read sees the last write of its key?

    The history is compiled as for the kv model (model_partition: one
    partition per key, values interned, fail/info applied as the source
    says); the state is one register per key (the partition's value id).
    Since each process's ops are in a line, the set of placed ops is one
    cursor per process. The search is a depth-first walk over "the next op
    of some process", Wing & Gong's with the real-time order left out, and
    a cache of (cursors, registers) already reached, so that no
    configuration is explored twice.

    Prunings, each sound:
    - a pure op at a process's head (a read that matches, a failed cas
      whose `from` differs) is placed at once, never as a choice: any order
      placing it later can move it back here, its process's order kept and
      nothing changed in between;
    - an op of unknown outcome (info, never completed) that is pure is left
      out (it changes nothing); one that writes is a process of its own,
      placed any time after its process's earlier ops (it may take effect
      after its invoke, as the linearizability check has it) or never.
    - a configuration where a value some op still needs (a read, a cas) is
      gone from its key and no unplaced op may write it again is dead: no
      order from it works (counts per key and value, updated per move).
    Choices are tried earliest invoke first, which follows real time.

    Before any of this: when every key is linearizable (wgl.c, per key), so
    is the whole history (linearizability is compositional) and it is
    sequential, without the search. The search is for histories that are
    not linearizable, where its cost is what the history makes it.

    Sequential consistency is not compositional (a history can be
    sequential on every key alone and not as a whole): one search over all
    keys at once, not one per key. Deciding it is NP-complete; the budget
    (timeout, memory of the cache) turns an exhausted search into unknown.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "limits.h"
#include "edn.h"
#include "hash.h"
#include "rng.h"
#include "model.h"
#include "wgl.h"
#include "consistency.h"
#include "opjson.h"

typedef struct {
    uint32_t part;          // its key's partition
    uint32_t op;            // its index there
    uint32_t proc;          // dense process index
    int64_t call, ret;
    int64_t need, set;      // its slots (key, value) in s_seq_t's counts, -1 none
    int64_t owner;          // an unknown op (a process of its own): its
    uint32_t gate;          //   process, and how many of that one's ops go first
} s_ref_t;

typedef struct {
    uint32_t proc;
    uint32_t old;           // the key's value before (== the value: unchanged)
    bool skip;              // an unknown op passed over, not placed
} s_move_t;

typedef struct {
    size_t mark;            // trail length before the choice that made it
    size_t off, count, next;    // its candidates: cands [off .. off + count)
} s_level_t;

typedef struct {
    const ophistory_t *history;
    model_part_t **parts;
    size_t nparts;
    s_ref_t *refs;          // by process, each process's ops in call order
    size_t nrefs;
    size_t nprocs;
    size_t *start;          // process p: refs [start [p] .. start [p + 1])
    size_t *need;           // its ops from need [p] on are all unknown
    uint32_t *cur;          // cursors, then registers: one cache key
    uint32_t *state;        //   (state == cur + nprocs)
    size_t width;           // nprocs + nparts words
    size_t behind;          // processes with cur < need
    uint64_t *zob;          // per ref: its bit of the placed set's hash
    uint64_t hash;
    s_move_t *trail;
    size_t ntrail;
    s_level_t *levels;
    size_t nlevels;
    uint32_t *cands;        // candidate stack: proc * 2 + skip
    size_t ncands, cands_cap;
    //  Cache: open addressing of offsets into the arena (SIZE_MAX empty)
    size_t *table;
    uint64_t *hashes;
    size_t cap, used;
    uint32_t *arena;
    size_t arena_len, arena_cap;
    size_t memory_max;
    bool oom;
    //  The deepest point: the refs placed there, in order
    uint32_t *best;
    size_t nbest, dirty;
    size_t known_done, best_done;
    uint64_t steps;
    //  Per slot (a key and a value): unplaced ops that need the key to hold
    //  the value (known reads and cas), and that may set it to the value
    size_t *vbase;          // key k's slots: vbase [k] + value id, SIZE_MAX: an
    size_t *vlen;           //   untracked key (it has appends); vlen [k] of them
    uint32_t *needs, *sets;
    size_t nslots;
} s_seq_t;

static int
s_by_proc (const void *a, const void *b)
{
    const s_ref_t *x = a, *y = b;
    if (x->proc != y->proc)
        return x->proc < y->proc? -1: 1;
    return x->call < y->call? -1: x->call > y->call;
}

static inline model_op_t *
s_op (const s_seq_t *s, size_t ref)
{
    return &model_part_ops (s->parts [s->refs [ref].part]) [s->refs [ref].op];
}

static inline uint64_t
s_value_hash (size_t key, uint32_t value)
{
    return hash_mix64 (((uint64_t) key << 32 | value) ^ 0x5e9c0ffeeULL);
}

static size_t
s_memory (const s_seq_t *s)
{
    size_t model = 0;
    for (size_t i = 0; i < s->nparts; i++)
        model += model_part_memory (s->parts [i]);
    return s->cap * (sizeof (size_t) + sizeof (uint64_t))
         + s->arena_cap * sizeof (uint32_t) + model;
}

//  The slots of every key whose ops all say their values (no append),
//  and each op's need and set slots; counts as no op is placed yet.
static int
s_slots (s_seq_t *s)
{
    s->vbase = malloc ((s->nparts + 1) * sizeof (size_t));
    s->vlen = calloc (s->nparts + 1, sizeof (size_t));
    if (!s->vbase || !s->vlen)
        return -1;
    for (size_t k = 0; k < s->nparts; k++)
        s->vlen [k] = model_part_init (s->parts [k]) + 1;
    bool *untracked = calloc (s->nparts + 1, sizeof (bool));
    if (!untracked)
        return -1;
    for (size_t i = 0; i < s->nrefs; i++) {
        bool needs, sets;
        uint64_t need, set;
        uint32_t k = s->refs [i].part;
        if (!model_register_effect (s_op (s, i), &needs, &need, &sets, &set))
            untracked [k] = true;
        if (needs && need + 1 > s->vlen [k])
            s->vlen [k] = need + 1;
        if (sets && set + 1 > s->vlen [k])
            s->vlen [k] = set + 1;
    }
    for (size_t k = 0; k < s->nparts; k++) {
        s->vbase [k] = untracked [k]? SIZE_MAX: s->nslots;
        s->nslots += untracked [k]? 0: s->vlen [k];
    }
    free (untracked);
    s->needs = calloc (s->nslots + 1, sizeof (uint32_t));
    s->sets = calloc (s->nslots + 1, sizeof (uint32_t));
    if (!s->needs || !s->sets)
        return -1;
    for (size_t i = 0; i < s->nrefs; i++) {
        bool needs, sets;
        uint64_t need, set;
        s_ref_t *r = &s->refs [i];
        r->need = r->set = -1;
        if (s->vbase [r->part] == SIZE_MAX)
            continue;
        model_register_effect (s_op (s, i), &needs, &need, &sets, &set);
        if (needs)
            s->needs [r->need = (int64_t) (s->vbase [r->part] + need)]++;
        if (sets)
            s->sets [r->set = (int64_t) (s->vbase [r->part] + set)]++;
    }
    return 0;
}

//  A process's dense id (a new one the first time it is seen).
static uint32_t
s_proc_id (s_seq_t *s, json_t *procs, int64_t process)
{
    char name [32];
    snprintf (name, sizeof name, "%lld", (long long) process);
    json_t *id = json_object_get (procs, name);
    if (!id)
        json_object_set_new (procs, name, id = json_integer ((json_int_t) s->nprocs++));
    return (uint32_t) json_integer_value (id);
}

//  An op of unknown outcome is a process of its own: it may take effect
//  any time after its invoke (as the linearizability check has it), so
//  after its process's earlier ops, and before or after its later ones,
//  or never. Its gate: how many of its owner's ops must be placed first.
static void
s_gates (s_seq_t *s)
{
    for (size_t i = 0; i < s->nrefs; i++) {
        s_ref_t *r = &s->refs [i];
        if (r->owner < 0)
            continue;
        size_t lo = s->start [r->owner], hi = s->start [r->owner + 1];
        while (lo < hi) {               // first of the owner's ops invoked after it
            size_t mid = (lo + hi) / 2;
            if (s->refs [mid].call < r->call)
                lo = mid + 1;
            else
                hi = mid;
        }
        r->gate = (uint32_t) (lo - s->start [r->owner]);
    }
}

//  Processes made dense, each one's ops in call order; the registers
//  start at their initial values. Returns -1 out of memory.
static int
s_build (s_seq_t *s)
{
    for (size_t p = 0; p < s->nparts; p++)
        s->nrefs += model_part_size (s->parts [p]);
    s->refs = malloc ((s->nrefs + 1) * sizeof (s_ref_t));
    if (!s->refs)
        return -1;
    json_t *procs = json_object ();
    size_t at = 0;
    for (size_t p = 0; p < s->nparts; p++)
        for (size_t i = 0; i < model_part_size (s->parts [p]); i++) {
            const model_op_t *op = &model_part_ops (s->parts [p]) [i];
            bool unknown = op->flags & MODEL_F_UNKNOWN;
            if (unknown && (op->flags & MODEL_F_PURE))
                continue;               // changes nothing: as if it never ran
            uint32_t owner = s_proc_id (s, procs, ophistory_op (s->history, op->hist)->process);
            s->refs [at++] = (s_ref_t) { (uint32_t) p, (uint32_t) i,
                unknown? (uint32_t) s->nprocs++: owner, op->call, op->ret, -1, -1,
                unknown? (int64_t) owner: -1, 0 };
        }
    s->nrefs = at;
    json_decref (procs);
    qsort (s->refs, s->nrefs, sizeof (s_ref_t), s_by_proc);
    s->width = s->nprocs + s->nparts;
    s->start = calloc (s->nprocs + 2, sizeof (size_t));
    s->need = calloc (s->nprocs + 1, sizeof (size_t));
    s->cur = calloc (s->width + 1, sizeof (uint32_t));
    s->zob = malloc ((s->nrefs + 1) * sizeof (uint64_t));
    s->trail = malloc ((s->nrefs + 1) * sizeof (s_move_t));
    s->levels = malloc ((s->nrefs + 2) * sizeof (s_level_t));
    s->best = malloc ((s->nrefs + 1) * sizeof (uint32_t));
    if (!s->start || !s->need || !s->cur || !s->zob || !s->trail || !s->levels || !s->best)
        return -1;
    s->state = s->cur + s->nprocs;
    rng_t rng;
    rng_init (&rng, 0x5e9 + s->nrefs);
    for (size_t i = 0; i < s->nrefs; i++) {
        s->zob [i] = rng_next (&rng);
        s->start [s->refs [i].proc + 1]++;
    }
    for (size_t p = 0; p < s->nprocs; p++)
        s->start [p + 1] += s->start [p];
    s_gates (s);
    for (size_t p = 0; p < s->nprocs; p++) {
        size_t end = s->start [p + 1], from = s->start [p];
        size_t need = end;
        while (need > from && (s_op (s, need - 1)->flags & MODEL_F_UNKNOWN))
            need--;
        s->need [p] = need - from;
        s->behind += s->need [p] > 0;
    }
    for (size_t k = 0; k < s->nparts; k++) {
        s->state [k] = (uint32_t) model_part_init (s->parts [k]);
        s->hash ^= s_value_hash (k, s->state [k]);
    }
    return s_slots (s);
}

//  Is slot dead: the key does not hold its value, ops still need it, and
//  none left may set it? Then no order from here can work.
static inline bool
s_dead (const s_seq_t *s, int64_t slot, uint32_t key)
{
    return slot >= 0 && s->needs [slot] && !s->sets [slot]
        && (size_t) slot != s->vbase [key] + s->state [key];
}

//  Place (or, skip, pass over) process p's head op. Returns true when the
//  configuration reached is dead (see s_dead): the move left a value some
//  op needs with no way back to it.
static bool
s_move (s_seq_t *s, uint32_t p, bool skip, uint32_t next)
{
    size_t ref = s->start [p] + s->cur [p];
    const s_ref_t *r = &s->refs [ref];
    uint32_t key = r->part;
    uint32_t old = s->state [key];
    if (!skip && next != old) {
        s->hash ^= s_value_hash (key, old) ^ s_value_hash (key, next);
        s->state [key] = next;
    }
    if (r->set >= 0)
        s->sets [r->set]--;
    if (r->need >= 0 && !skip)
        s->needs [r->need]--;
    s->hash ^= s->zob [ref];
    s->trail [s->ntrail++] = (s_move_t) { p, old, skip };
    s->cur [p]++;
    if (s->cur [p] == s->need [p])
        s->behind--;
    if (!(s_op (s, ref)->flags & MODEL_F_UNKNOWN))
        s->known_done++;
    int64_t was = s->vbase [key] < SIZE_MAX? (int64_t) (s->vbase [key] + old): -1;
    return s_dead (s, was, key) || s_dead (s, r->set, key);
}

static void
s_undo (s_seq_t *s, size_t mark)
{
    if (mark < s->dirty)
        s->dirty = mark;
    while (s->ntrail > mark) {
        s_move_t m = s->trail [--s->ntrail];
        if (s->cur [m.proc] == s->need [m.proc])
            s->behind++;
        size_t ref = s->start [m.proc] + --s->cur [m.proc];
        uint32_t key = s->refs [ref].part;
        if (s->refs [ref].set >= 0)
            s->sets [s->refs [ref].set]++;
        if (s->refs [ref].need >= 0 && !m.skip)
            s->needs [s->refs [ref].need]++;
        if (s->state [key] != m.old) {
            s->hash ^= s_value_hash (key, s->state [key]) ^ s_value_hash (key, m.old);
            s->state [key] = m.old;
        }
        s->hash ^= s->zob [ref];
        if (!(s_op (s, ref)->flags & MODEL_F_UNKNOWN))
            s->known_done--;
    }
}

//  Place every pure op that can go now, until none can.
static void
s_closure (s_seq_t *s)
{
    bool moved = true;
    while (moved) {
        moved = false;
        for (uint32_t p = 0; p < s->nprocs; p++)
            while (s->start [p] + s->cur [p] < s->start [p + 1]) {
                size_t ref = s->start [p] + s->cur [p];
                model_op_t *op = s_op (s, ref);
                if (!(op->flags & MODEL_F_PURE))
                    break;
                uint32_t key = s->refs [ref].part;
                uint64_t next;
                bool unknown = op->flags & MODEL_F_UNKNOWN;
                if (!unknown && !model_step (s->parts [key], s->state [key], op, &next))
                    break;
                s_move (s, p, unknown, s->state [key]);
                moved = true;
            }
    }
}

static bool
s_cache_grow (s_seq_t *s)
{
    size_t cap = s->cap? s->cap * 2: 1024;
    size_t more = (cap - s->cap) * (sizeof (size_t) + sizeof (uint64_t));
    if (s->memory_max && s_memory (s) + more > s->memory_max)
        return !(s->oom = true);
    size_t *table = malloc (cap * sizeof (size_t));
    uint64_t *hashes = malloc (cap * sizeof (uint64_t));
    if (!table || !hashes) {
        free (table);
        free (hashes);
        return !(s->oom = true);
    }
    for (size_t i = 0; i < cap; i++)
        table [i] = SIZE_MAX;
    for (size_t i = 0; i < s->cap; i++) {
        if (s->table [i] == SIZE_MAX)
            continue;
        size_t j = s->hashes [i] & (cap - 1);
        while (table [j] != SIZE_MAX)
            j = (j + 1) & (cap - 1);
        table [j] = s->table [i];
        hashes [j] = s->hashes [i];
    }
    free (s->table);
    free (s->hashes);
    s->table = table;
    s->hashes = hashes;
    s->cap = cap;
    return true;
}

//  Remember this configuration. False when it was seen before, or when the
//  cache could not grow (s->oom: the search stops).
static bool
s_cache_add (s_seq_t *s)
{
    if (s->oom || (2 * (s->used + 1) > s->cap && !s_cache_grow (s)))
        return false;
    size_t bytes = s->width * sizeof (uint32_t);
    size_t i = s->hash & (s->cap - 1);
    while (s->table [i] != SIZE_MAX) {
        if (s->hashes [i] == s->hash && memcmp (s->arena + s->table [i], s->cur, bytes) == 0)
            return false;
        i = (i + 1) & (s->cap - 1);
    }
    if (s->arena_len + s->width > s->arena_cap) {
        size_t cap = (s->arena_len + s->width) * 2 + 1024;
        if (s->memory_max && s_memory (s) + (cap - s->arena_cap) * sizeof (uint32_t) > s->memory_max)
            return (s->oom = true), false;
        uint32_t *arena = realloc (s->arena, cap * sizeof (uint32_t));
        if (!arena)
            return (s->oom = true), false;
        s->arena = arena;
        s->arena_cap = cap;
    }
    memcpy (s->arena + s->arena_len, s->cur, bytes);
    s->table [i] = s->arena_len;
    s->hashes [i] = s->hash;
    s->arena_len += s->width;
    s->used++;
    return true;
}

static int
s_by_call (const void *a, const void *b, void *arg)
{
    const s_seq_t *s = arg;
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    int64_t cx = s->refs [s->start [x / 2] + s->cur [x / 2]].call;
    int64_t cy = s->refs [s->start [y / 2] + s->cur [y / 2]].call;
    if (cx != cy)
        return cx < cy? -1: 1;
    return x < y? -1: x > y;
}

//  A new level with the choices from here: every process whose head op
//  writes and can run (a write, a cas whose `from` is the value, an
//  unknown op past its gate). Earliest invoke first. (A choice is proc * 2
//  + skip; nothing is skipped since unknown ops are processes of their
//  own, whose end state is "never happened".)
static void
s_push_level (s_seq_t *s, size_t mark)
{
    size_t off = s->ncands;
    if (s->ncands + 2 * s->nprocs > s->cands_cap) {
        size_t cap = (s->ncands + 2 * s->nprocs) * 2;
        uint32_t *cands = realloc (s->cands, cap * sizeof (uint32_t));
        if (!cands) {       // no choices: the search ends, unknown (memory)
            s->oom = true;
            s->levels [s->nlevels++] = (s_level_t) { mark, off, 0, 0 };
            return;
        }
        s->cands = cands;
        s->cands_cap = cap;
    }
    for (uint32_t p = 0; p < s->nprocs; p++) {
        size_t ref = s->start [p] + s->cur [p];
        if (ref >= s->start [p + 1])
            continue;
        model_op_t *op = s_op (s, ref);
        const s_ref_t *r = &s->refs [ref];
        uint64_t next;
        if (op->flags & MODEL_F_PURE || (r->owner >= 0 && s->cur [r->owner] < r->gate)
        ||  !model_step (s->parts [r->part], s->state [r->part], op, &next))
            continue;
        s->cands [s->ncands++] = p * 2;
    }
    qsort_r (s->cands + off, s->ncands - off, sizeof (uint32_t), s_by_call, s);
    s->levels [s->nlevels++] = (s_level_t) { mark, off, s->ncands - off, 0 };
}

static void
s_snapshot (s_seq_t *s)
{
    for (size_t i = s->dirty; i < s->ntrail; i++)
        s->best [i] = s->trail [i].proc;            // a ref once s_best_refs ran
    s->nbest = s->ntrail;
    s->dirty = s->ntrail;
    s->best_done = s->known_done;
}

//  The best order as s_snapshot keeps it says which process moved; the
//  ref it moved is found by counting that process's moves before it.
static void
s_best_refs (s_seq_t *s)
{
    size_t *count = calloc (s->nprocs + 1, sizeof (size_t));
    assert (count);
    for (size_t i = 0; i < s->nbest; i++) {
        uint32_t p = s->best [i];
        s->best [i] = (uint32_t) (s->start [p] + count [p]++);
    }
    free (count);
}

//  Check the budget: 0 to go on, or -1 with *why set.
static int
s_budget (s_seq_t *s, int64_t deadline_ns, const char **why)
{
    if (deadline_ns && clock_mono_ns () > deadline_ns)
        return (*why = "timeout"), -1;
    for (size_t i = 0; i < s->nparts; i++)
        s->oom |= model_part_oom (s->parts [i]);
    if (s->oom || (s->memory_max && s_memory (s) > s->memory_max))
        return (*why = "memory"), -1;
    return 0;
}

//  The walk. Returns the verdict; on unknown *why says why.
static check_verdict_t
s_search (s_seq_t *s, int64_t deadline_ns, const char **why)
{
    s_closure (s);
    if (s->behind == 0)
        return CHECK_VALID;
    s_snapshot (s);
    for (uint32_t k = 0; k < s->nparts; k++)
        for (size_t v = 0; s->vbase [k] < SIZE_MAX && v < s->vlen [k]; v++)
            if (s_dead (s, (int64_t) (s->vbase [k] + v), k))
                return CHECK_INVALID;       // a value needed that nothing writes
    s_cache_add (s);
    s_snapshot (s);
    s_push_level (s, 0);
    while (s->nlevels > 0) {
        if (((++s->steps & 1023) == 0 || s->oom) && s_budget (s, deadline_ns, why))
            return CHECK_UNKNOWN;
        s_level_t *level = &s->levels [s->nlevels - 1];
        if (level->next == level->count) {
            s_undo (s, level->mark);
            s->ncands = level->off;
            s->nlevels--;
            continue;
        }
        uint32_t c = s->cands [level->off + level->next++];
        uint32_t p = c / 2;
        size_t mark = s->ntrail, ref = s->start [p] + s->cur [p];
        uint32_t key = s->refs [ref].part;
        uint64_t next = s->state [key];
        if (!(c & 1))
            model_step (s->parts [key], s->state [key], s_op (s, ref), &next);
        bool dead = s_move (s, p, c & 1, (uint32_t) next);
        if (!dead)
            s_closure (s);
        if (!dead && s->behind == 0)
            return CHECK_VALID;
        if (dead && s->known_done > s->best_done)
            s_snapshot (s);             // the chain shows where it died
        if (dead || !s_cache_add (s)) {
            s_undo (s, mark);
            if (s->oom)
                return (*why = "memory"), CHECK_UNKNOWN;
            continue;
        }
        if (s->known_done > s->best_done)
            s_snapshot (s);
        s_push_level (s, mark);
    }
    return CHECK_INVALID;
}

static void
s_free (s_seq_t *s)
{
    free (s->refs);
    free (s->start);
    free (s->need);
    free (s->cur);
    free (s->zob);
    free (s->trail);
    free (s->levels);
    free (s->cands);
    free (s->table);
    free (s->hashes);
    free (s->arena);
    free (s->best);
    free (s->vbase);
    free (s->vlen);
    free (s->needs);
    free (s->sets);
    model_parts_destroy (&s->parts, s->nparts);
}

//  --------------------------------------------------------------------------
//  The explanation: the deepest order found, and why no process could go on

//  The ref that last wrote key in the best order (placed, not skipped), or
//  SIZE_MAX: the initial value.
static size_t
s_last_writer (const s_seq_t *s, uint32_t key, size_t upto)
{
    for (size_t i = upto; i-- > 0; ) {
        size_t ref = s->best [i];
        const model_op_t *op = s_op (s, ref);
        if (s->refs [ref].part == key && !(op->flags & MODEL_F_PURE))
            return ref;
    }
    return SIZE_MAX;
}

static void
s_append_text (char **text, const char *more)
{
    char *joined = NULL;
    if (asprintf (&joined, "%s%s", *text? *text: "", more) < 0)
        return;
    free (*text);
    *text = joined;
}

//  Words for one op, appended to the text with sep before them.
static void
s_words (const s_seq_t *s, size_t hist, const char *sep, char **text, json_t *ops)
{
    char *words = opjson_words (s->history, hist);
    s_append_text (text, sep);
    s_append_text (text, words? words: "?");
    free (words);
    if (ops)
        json_array_append_new (ops, opjson_op (s->history, hist));
}

//  One process that could not go on at the end of the best order: its
//  head, and what its key held there (and who wrote that).
static void
s_explain_proc (const s_seq_t *s, uint32_t p, const size_t *placed, json_t *ops, char **chain)
{
    size_t head = s->start [p] + placed [p];
    uint32_t key = s->refs [head].part;
    s_words (s, s_op (s, head)->hist, "; then ", chain, ops);
    json_t *state = model_state_json (s->parts [key], s->state [key]);
    char *value = json_dumps (state, JSON_COMPACT | JSON_ENCODE_ANY), *more = NULL;
    json_decref (state);
    if (asprintf (&more, " cannot go: the key holds %s there", value? value: "?") >= 0)
        s_append_text (chain, more);
    free (more);
    free (value);
    size_t writer = s_last_writer (s, key, s->nbest);
    if (writer != SIZE_MAX)
        s_words (s, s_op (s, writer)->hist, ", from ", chain, ops);
}

//  Take a placed op's counts out (by -1) or put them back (+1).
static void
s_count_placed (s_seq_t *s, size_t ref, int by)
{
    if (s->refs [ref].set >= 0)
        s->sets [s->refs [ref].set] += by;
    if (s->refs [ref].need >= 0)
        s->needs [s->refs [ref].need] += by;
}

//  Is process p's next op a read or cas the key's value stops?
static bool
s_head_stuck (const s_seq_t *s, uint32_t p, const size_t *placed)
{
    size_t head = s->start [p] + placed [p];
    const s_ref_t *r = &s->refs [head];
    return r->need >= 0 && (size_t) r->need != s->vbase [r->part] + s->state [r->part];
}

//  At the end of the best order, an op that can no longer happen: its
//  key's value is gone and nothing left writes it again. Names it and the
//  write that took the value away; returns false when there is none.
static bool
s_explain_dead (s_seq_t *s, const size_t *placed, json_t *ops, char **chain)
{
    for (uint32_t p = 0; p < s->nprocs; p++)
        for (size_t ref = s->start [p] + placed [p]; ref < s->start [p + 1]; ref++) {
            const s_ref_t *r = &s->refs [ref];
            if (!s_dead (s, r->need, r->part))
                continue;
            s_words (s, s_op (s, ref)->hist, "; then ", chain, ops);
            json_t *state = model_state_json (s->parts [r->part], s->state [r->part]);
            char *value = json_dumps (state, JSON_COMPACT | JSON_ENCODE_ANY), *more = NULL;
            json_decref (state);
            if (asprintf (&more, " can no longer happen: the key holds %s", value? value: "?") >= 0)
                s_append_text (chain, more);
            free (more);
            free (value);
            size_t writer = s_last_writer (s, r->part, s->nbest);
            if (writer != SIZE_MAX)
                s_words (s, s_op (s, writer)->hist, ", from ", chain, ops);
            s_append_text (chain, ", and no op left writes the value it needs");
            return true;
        }
    return false;
}

//  Replay the best order to its end state: the chain is its last ops and
//  each process that could not go on after them.
static json_t *
s_violation (s_seq_t *s)
{
    s_best_refs (s);
    size_t *placed = calloc (s->nprocs + 1, sizeof (size_t));
    assert (placed);
    for (size_t k = 0; k < s->nparts; k++)
        s->state [k] = (uint32_t) model_part_init (s->parts [k]);
    for (size_t i = 0; i < s->nbest; i++) {
        size_t ref = s->best [i];
        uint32_t key = s->refs [ref].part;
        uint64_t next = s->state [key];
        if (model_step (s->parts [key], s->state [key], s_op (s, ref), &next))
            s->state [key] = (uint32_t) next;
        placed [s->refs [ref].proc]++;
    }
    for (size_t i = 0; i < s->nbest; i++)        // the counts at the end of it
        s_count_placed (s, s->best [i], -1);
    json_t *ops = json_array ();
    char *chain = NULL;
    size_t from = s->nbest > FL_SEQ_CHAIN_OPS? s->nbest - FL_SEQ_CHAIN_OPS: 0;
    s_append_text (&chain, from? "an order found: ...; ": "an order found: ");
    for (size_t i = from; i < s->nbest; i++)
        s_words (s, s_op (s, s->best [i])->hist, i > from? "; ": "", &chain, ops);
    bool dead = s_explain_dead (s, placed, ops, &chain);
    size_t shown = 0, total = 0;
    for (uint32_t p = 0; p < s->nprocs; p++) {
        total += s->need [p];
        if (!dead && shown < FL_SEQ_CHAIN_BLOCKED && placed [p] < s->need [p]
        &&  s_head_stuck (s, p, placed)) {
            s_explain_proc (s, p, placed, ops, &chain);
            shown++;
        }
    }
    char *text = NULL;
    if (asprintf (&text, "%s. No order of all %zu ops keeps each process's order and gives"
                  " every read its value (the longest found places %zu)", chain? chain: "",
                  total, s->best_done) < 0)
        text = NULL;
    json_t *violation = json_pack ("{s:s, s:s, s:o, s:s, s:I, s:I}", "model", "sequential",
        "pattern", "no-total-order", "ops", ops, "chain", text? text: "",
        "placed", (json_int_t) s->best_done, "steps", (json_int_t) s->steps);
    free (text);
    free (chain);
    free (placed);
    return violation;
}

//  Is every key linearizable (Wing & Gong's search, wgl.c)? Then so is
//  the whole history (linearizability is compositional), and a
//  linearizable history is sequential: no search needed. 1 yes, 0 no or
//  not known within the budget.
static int
s_linearizable (s_seq_t *s, int64_t deadline_ns)
{
    wgl_budget_t budget = { .deadline_ns = deadline_ns, .memory_bytes = s->memory_max };
    int all = 1;
    for (size_t i = 0; all && i < s->nparts; i++) {
        wgl_result_t r;
        wgl_check (s->parts [i], &budget, &r);
        all = r.verdict == WGL_VALID;
        wgl_result_release (&r);
        model_part_memory_max (s->parts [i], 0);
    }
    return all;
}

consistency_result_t
sequential_check (const ophistory_t *history, const char *init, double timeout_s,
                  size_t memory_mb)
{
    assert (history);
    int64_t start_ns = clock_mono_ns ();
    consistency_result_t result = { CHECK_UNKNOWN, NULL, NULL, false };
    json_t *value = init? edn_parse_value (init): NULL;
    if (init && !value)
        return (result.reason = "bad initial value"), result;
    s_seq_t s = { .history = history };
    char *error = NULL;
    s.parts = model_partition (history, model_guess (history), value, "history",
                               &s.nparts, &error);
    json_decref (value);
    if (!s.parts) {
        result.reason = error? error: strdup ("cannot compile the history");
        result.reason_owned = result.reason != NULL;
        return result;
    }
    s.memory_max = memory_mb? memory_mb * 1024 * 1024: 0;
    const char *why = "memory";
    int64_t deadline = timeout_s > 0? start_ns + (int64_t) (timeout_s * 1e9): 0;
    if (s_linearizable (&s, deadline))
        result.verdict = CHECK_VALID;
    else
    if (s_build (&s) == 0) {
        result.verdict = s_search (&s, deadline, &why);
    }
    if (result.verdict == CHECK_INVALID)
        result.violation = s_violation (&s);
    if (result.verdict == CHECK_UNKNOWN)
        result.reason = (char *) why;
    s_free (&s);
    return result;
}
