/*  pqueue.c -- shared-structure FIFO queues for the queue model.

    A queue copied at every step costs O(n) memory per state: 50,000
    enqueues then 50,000 dequeues, with no concurrency at all, took 4.3 GB.
    Here a queue is (back, head): back a node in a trie of enqueued
    sequences (child (parent, value) is hash-consed, so a node is made once),
    head how many values from the root are already dequeued. Enqueue makes
    one node at most; dequeue only moves head. The front value is the
    ancestor of back at depth head + 1, found in O(log n) with Myers's skew
    jump pointers (each node keeps its parent and one jump: the jump of the
    jump of its parent when the two last jumps were as long, else its
    parent).

    Queues are interned so that equal contents have one id: a node keeps a
    polynomial hash of its sequence from the root, P = sum h(v_i) B^i, and
    B^-depth, so the contents hash of (back, head) is (P(back) - P(a)) *
    B^-depth(a), a the ancestor at depth head (arithmetic mod 2^64, B odd
    so it has an inverse). Equal hashes are then compared value by value
    from the back, stopping early when both walks meet at one node.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "pqueue.h"

#define S_BASE 0x9e3779b97f4a7c15ULL   // odd: invertible mod 2^64

typedef struct {
    uint32_t parent, jump, depth, value;
    uint64_t prefix;        // sum over the sequence of h (v_i) * B^i, i from 1
    uint64_t ipow;          // B^-depth
} s_node_t;

typedef struct {
    uint32_t back, head;
    uint64_t hash;          // of the contents (values head+1 .. depth of back)
} s_queue_t;

struct _pqueue_t {
    s_node_t *nodes;
    size_t nnodes, nodes_cap;
    uint32_t *children;     // (parent, value) -> node + 1, open addressing
    size_t children_cap;
    s_queue_t *queues;
    size_t nqueues, queues_cap;
    uint32_t *index;        // contents hash -> queue + 1, open addressing
    size_t index_cap;
    uint64_t ibase;         // B^-1
    size_t memory_max;
};

static bool
s_room (const pqueue_t *self, size_t more)
{
    return !self->memory_max || pqueue_memory (self) + more <= self->memory_max;
}

//  Grow an array of items of size bytes to hold one more than n. 0 or -1.
static int
s_reserve (pqueue_t *self, void **array, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t more = *cap? *cap: 64;
    void *bigger = s_room (self, more * size)? realloc (*array, (*cap + more) * size): NULL;
    if (!bigger)
        return -1;
    *array = bigger;
    *cap += more;
    return 0;
}

//  A fresh open-addressing table of twice the capacity, filled with ids
//  first .. n - 1 by rehash.
static int
s_rehash (pqueue_t *self, uint32_t **table, size_t *cap, uint32_t first, size_t n,
          uint64_t (*hash) (const pqueue_t *, uint32_t))
{
    size_t bigger = *cap? *cap * 2: 256;
    uint32_t *fresh = s_room (self, (bigger - *cap) * sizeof (uint32_t))?
                      calloc (bigger, sizeof (uint32_t)): NULL;
    if (!fresh)
        return -1;
    for (uint32_t id = first; id < n; id++) {
        size_t i = hash (self, id) & (bigger - 1);
        while (fresh [i])
            i = (i + 1) & (bigger - 1);
        fresh [i] = id + 1;
    }
    free (*table);
    *table = fresh;
    *cap = bigger;
    return 0;
}

static uint64_t
s_child_hash (const pqueue_t *self, uint32_t node)
{
    return hash_mix64 (((uint64_t) self->nodes [node].parent << 32) ^ self->nodes [node].value);
}

static uint64_t
s_queue_hash (const pqueue_t *self, uint32_t q)
{
    return hash_mix64 (self->queues [q].hash);
}

static uint32_t
s_ancestor (const pqueue_t *self, uint32_t x, uint32_t depth)
{
    while (self->nodes [x].depth > depth) {
        uint32_t j = self->nodes [x].jump;
        x = self->nodes [j].depth >= depth? j: self->nodes [x].parent;
    }
    return x;
}

//  The node for parent's sequence plus value, made if new. 0 or -1.
static int
s_child (pqueue_t *self, uint32_t parent, uint32_t value, uint32_t *node)
{
    if (2 * (self->nnodes + 1) > self->children_cap
    &&  s_rehash (self, &self->children, &self->children_cap, 1, self->nnodes, s_child_hash))
        return -1;
    size_t mask = self->children_cap - 1;
    size_t i = hash_mix64 (((uint64_t) parent << 32) ^ value) & mask;
    for (; self->children [i]; i = (i + 1) & mask) {
        const s_node_t *c = &self->nodes [self->children [i] - 1];
        if (c->parent == parent && c->value == value) {
            *node = self->children [i] - 1;
            return 0;
        }
    }
    if (s_reserve (self, (void **) &self->nodes, &self->nodes_cap, self->nnodes, sizeof (s_node_t)))
        return -1;
    const s_node_t *p = &self->nodes [parent];
    const s_node_t *j = &self->nodes [p->jump];
    uint32_t jump = p->depth - j->depth == j->depth - self->nodes [j->jump].depth? j->jump: parent;
    uint64_t ipow = p->ipow * self->ibase;
    //  B^(depth) is the inverse of ipow: the term of the new value
    uint64_t pow = 1, b = S_BASE;
    for (uint32_t e = p->depth + 1; e; e >>= 1, b *= b)
        if (e & 1)
            pow *= b;
    self->nodes [self->nnodes] = (s_node_t) {
        .parent = parent, .jump = jump, .depth = p->depth + 1, .value = value,
        .prefix = p->prefix + hash_mix64 ((uint64_t) value + 1) * pow, .ipow = ipow };
    self->children [i] = (uint32_t) self->nnodes + 1;
    *node = (uint32_t) self->nnodes++;
    return 0;
}

static bool
s_equal (const pqueue_t *self, const s_queue_t *a, const s_queue_t *b)
{
    uint32_t x = a->back, y = b->back;
    size_t n = self->nodes [x].depth - a->head;
    if (n != self->nodes [y].depth - b->head)
        return false;
    for (; n > 0 && x != y; n--) {
        if (self->nodes [x].value != self->nodes [y].value)
            return false;
        x = self->nodes [x].parent;
        y = self->nodes [y].parent;
    }
    return true;
}

//  The id of the queue (back, head), made if new. 0 or -1.
static int
s_intern (pqueue_t *self, uint32_t back, uint32_t head, uint32_t *id)
{
    const s_node_t *a = &self->nodes [s_ancestor (self, back, head)];
    s_queue_t q = { back, head, (self->nodes [back].prefix - a->prefix) * a->ipow };
    if (2 * (self->nqueues + 1) > self->index_cap
    &&  s_rehash (self, &self->index, &self->index_cap, 0, self->nqueues, s_queue_hash))
        return -1;
    size_t mask = self->index_cap - 1;
    size_t i = hash_mix64 (q.hash) & mask;
    for (; self->index [i]; i = (i + 1) & mask) {
        const s_queue_t *other = &self->queues [self->index [i] - 1];
        if (other->hash == q.hash && s_equal (self, other, &q)) {
            *id = self->index [i] - 1;
            return 0;
        }
    }
    if (s_reserve (self, (void **) &self->queues, &self->queues_cap, self->nqueues,
                   sizeof (s_queue_t)))
        return -1;
    self->queues [self->nqueues] = q;
    self->index [i] = (uint32_t) self->nqueues + 1;
    *id = (uint32_t) self->nqueues++;
    return 0;
}

pqueue_t *
pqueue_new (void)
{
    pqueue_t *self = calloc (1, sizeof (pqueue_t));
    if (!self)
        return NULL;
    //  B^-1 by Newton's iteration: each step doubles the correct low bits
    uint64_t inv = S_BASE;
    for (int i = 0; i < 6; i++)
        inv *= 2 - S_BASE * inv;
    assert (inv * S_BASE == 1);
    self->ibase = inv;
    uint32_t empty;
    if (s_reserve (self, (void **) &self->nodes, &self->nodes_cap, 0, sizeof (s_node_t))
    ||  s_rehash (self, &self->children, &self->children_cap, 1, 0, s_child_hash)) {
        pqueue_destroy (&self);
        return NULL;
    }
    self->nodes [0] = (s_node_t) { .ipow = 1 };     // the root: the empty sequence
    self->nnodes = 1;
    if (s_intern (self, 0, 0, &empty))          // id 0: the empty queue
        pqueue_destroy (&self);
    return self;
}

void
pqueue_destroy (pqueue_t **self_p)
{
    assert (self_p);
    pqueue_t *self = *self_p;
    if (!self)
        return;
    free (self->nodes);
    free (self->children);
    free (self->queues);
    free (self->index);
    free (self);
    *self_p = NULL;
}

int
pqueue_push (pqueue_t *self, uint32_t q, uint32_t v, uint32_t *next)
{
    assert (self && q < self->nqueues);
    uint32_t head = self->queues [q].head, back;
    if (s_child (self, self->queues [q].back, v, &back))
        return -1;
    return s_intern (self, back, head, next);
}

size_t
pqueue_size (const pqueue_t *self, uint32_t q)
{
    assert (self && q < self->nqueues);
    return self->nodes [self->queues [q].back].depth - self->queues [q].head;
}

uint32_t
pqueue_front (const pqueue_t *self, uint32_t q)
{
    assert (pqueue_size (self, q) > 0);
    return self->nodes [s_ancestor (self, self->queues [q].back, self->queues [q].head + 1)].value;
}

int
pqueue_pop (pqueue_t *self, uint32_t q, uint32_t *next)
{
    assert (pqueue_size (self, q) > 0);
    return s_intern (self, self->queues [q].back, self->queues [q].head + 1, next);
}

void
pqueue_values (const pqueue_t *self, uint32_t q, uint32_t *values)
{
    size_t n = pqueue_size (self, q);
    uint32_t x = self->queues [q].back;
    while (n > 0) {
        values [--n] = self->nodes [x].value;
        x = self->nodes [x].parent;
    }
}

size_t
pqueue_memory (const pqueue_t *self)
{
    assert (self);
    return self->nodes_cap * sizeof (s_node_t) + self->children_cap * sizeof (uint32_t)
         + self->queues_cap * sizeof (s_queue_t) + self->index_cap * sizeof (uint32_t);
}

void
pqueue_memory_max (pqueue_t *self, size_t bytes)
{
    assert (self);
    self->memory_max = bytes;
}
