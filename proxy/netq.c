/*  netq.c -- bin/netqueue's holding decisions (see netq.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>
#include "limits.h"
#include "number.h"
#include "netq.h"

void
netq_init (netq_t *self, uint64_t seed)
{
    assert (self);
    memset (self, 0, sizeof *self);
    held_heap_init (&self->heap);
    rng_init (&self->rng, seed);
}

void
netq_release (netq_t *self)
{
    assert (self);
    held_heap_release (&self->heap);
}

int
netq_config_parse (netq_config_t *config, const char *line, char **error)
{
    assert (config && line && error);
    int delay, jitter, used = 0;
    char p_text [64];
    double p;
    if (sscanf (line, "set %d %d %63s %n", &delay, &jitter, p_text, &used) != 3
    ||  line [used] != 0) {
        if (asprintf (error, "netqueue: want 'set DELAY_MS JITTER_MS REORDER_P', not '%.80s'",
                      line) < 0)
            *error = NULL;
        return -1;
    }
    if (number_parse (p_text, 0, 1, &p)
    ||  delay < 0 || jitter < 0 || delay > FL_DELAY_MS_MAX || jitter > FL_DELAY_MS_MAX) {
        if (asprintf (error, "netqueue: delay and jitter in 0..%d ms, reorder p in [0,1]:"
                      " '%.80s'", FL_DELAY_MS_MAX, line) < 0)
            *error = NULL;
        return -1;
    }
    *config = (netq_config_t) { .delay_ms = delay, .jitter_ms = jitter, .reorder_p = p };
    return 0;
}

void
netq_set (netq_t *self, const netq_config_t *config, int64_t now_ns)
{
    assert (self && config);
    self->config = *config;
    if (config->delay_ms || config->jitter_ms || config->reorder_p > 0)
        return;
    //  Heal: everything held is due now, in arrival order.
    held_t *held;
    held_heap_t due;
    held_heap_init (&due);
    while ((held = held_heap_peek (&self->heap))) {
        held_heap_remove (&self->heap, held);
        held->due_ns = now_ns;
        held_heap_push (&due, held);
    }
    held_heap_release (&self->heap);
    self->heap = due;
}

bool
netq_arrive (netq_t *self, uint32_t id, int64_t now_ns)
{
    assert (self);
    const netq_config_t *c = &self->config;
    int64_t hold_ms = 0;
    if (c->delay_ms || c->jitter_ms) {
        hold_ms = c->delay_ms;
        if (c->jitter_ms)
            hold_ms += rng_range (&self->rng, -c->jitter_ms, c->jitter_ms);
    }
    if (c->reorder_p > 0 && rng_chance (&self->rng, c->reorder_p))
        hold_ms += FL_NETQ_REORDER_MS;
    if (hold_ms <= 0)
        return true;
    if (self->heap.size >= FL_NETQ_HELD_MAX) {
        self->over++;
        return true;
    }
    held_t *held = held_heap_alloc (&self->heap);
    held->kind = HELD_DELAY;
    held->sent_ns = now_ns;
    held->due_ns = now_ns + hold_ms * 1000000;
    held->seq = id;
    held_heap_push (&self->heap, held);
    self->held_total++;
    return false;
}

bool
netq_due (netq_t *self, int64_t now_ns, uint32_t *id)
{
    assert (self && id);
    held_t *held = held_heap_peek (&self->heap);
    if (!held || held->due_ns > now_ns)
        return false;
    held_heap_remove (&self->heap, held);
    *id = (uint32_t) held->seq;
    held_heap_free (&self->heap, held);
    return true;
}

long
netq_wait_ms (netq_t *self, int64_t now_ns)
{
    return held_heap_wait_ms (&self->heap, now_ns);
}

size_t
netq_held (netq_t *self)
{
    return self->heap.size;
}
