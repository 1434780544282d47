/*  held.c -- min-heap and pool of held messages (see held.h).

    Binary heap on an array; every entry knows its index so a reordered
    message can leave early (when a later message on its link is delivered)
    in O(log n). Invariant: items[i] is never later than its children, and
    items[i]->heap_index == i.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "held.h"

#define HELD_POOL_KEEP 4096     // freed entries kept for reuse

void
held_heap_init (held_heap_t *self)
{
    assert (self);
    memset (self, 0, sizeof (held_heap_t));
}

void
held_heap_release (held_heap_t *self)
{
    assert (self);
    for (size_t i = 0; i < self->size; i++) {
        zmq_msg_close (&self->items [i]->body);
        json_decref (self->items [i]->envelope);
        free (self->items [i]);
    }
    free (self->items);
    while (self->free) {
        held_t *next = self->free->next;
        free (self->free);
        self->free = next;
    }
    memset (self, 0, sizeof (held_heap_t));
}

held_t *
held_heap_alloc (held_heap_t *self)
{
    assert (self);
    held_t *held = self->free;
    if (held) {
        self->free = held->next;
        self->free_count--;
    }
    else
        held = (held_t *) malloc (sizeof (held_t));
    assert (held);
    memset (held, 0, sizeof (held_t));
    zmq_msg_init (&held->body);
    return held;
}

void
held_heap_free (held_heap_t *self, held_t *held)
{
    assert (self);
    assert (held);
    zmq_msg_close (&held->body);
    json_decref (held->envelope);
    held->envelope = NULL;
    if (self->free_count < HELD_POOL_KEEP) {
        held->next = self->free;
        self->free = held;
        self->free_count++;
    }
    else
        free (held);
}

static bool
s_before (const held_t *a, const held_t *b)
{
    return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void
s_place (held_heap_t *self, size_t i, held_t *held)
{
    self->items [i] = held;
    held->heap_index = i;
}

static void
s_sift_up (held_heap_t *self, size_t i)
{
    held_t *held = self->items [i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!s_before (held, self->items [parent]))
            break;
        s_place (self, i, self->items [parent]);
        i = parent;
    }
    s_place (self, i, held);
}

static void
s_sift_down (held_heap_t *self, size_t i)
{
    held_t *held = self->items [i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= self->size)
            break;
        if (child + 1 < self->size && s_before (self->items [child + 1], self->items [child]))
            child++;
        if (!s_before (self->items [child], held))
            break;
        s_place (self, i, self->items [child]);
        i = child;
    }
    s_place (self, i, held);
}

void
held_heap_push (held_heap_t *self, held_t *held)
{
    assert (self);
    assert (held);
    if (self->size == self->capacity) {
        self->capacity = self->capacity? self->capacity * 2: 1024;
        self->items = (held_t **) realloc (self->items, self->capacity * sizeof (held_t *));
        assert (self->items);
    }
    s_place (self, self->size++, held);
    s_sift_up (self, self->size - 1);
}

held_t *
held_heap_peek (held_heap_t *self)
{
    assert (self);
    return self->size? self->items [0]: NULL;
}

void
held_heap_remove (held_heap_t *self, held_t *held)
{
    assert (self);
    size_t i = held->heap_index;
    assert (i < self->size && self->items [i] == held);
    held_t *last = self->items [--self->size];
    if (i == self->size)
        return;
    s_place (self, i, last);
    if (i > 0 && s_before (last, self->items [(i - 1) / 2]))
        s_sift_up (self, i);
    else
        s_sift_down (self, i);
}

long
held_heap_wait_ms (held_heap_t *self, int64_t now_ns)
{
    assert (self);
    held_t *next = held_heap_peek (self);
    if (!next)
        return FL_PROXY_POLL_MS_MAX;
    int64_t wait_ns = next->due_ns - now_ns;
    if (wait_ns <= 0)
        return 0;
    int64_t wait_ms = (wait_ns + 999999) / 1000000;
    return wait_ms < FL_PROXY_POLL_MS_MAX? (long) wait_ms: FL_PROXY_POLL_MS_MAX;
}
