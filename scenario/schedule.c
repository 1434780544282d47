/*  schedule.c -- build a run's fault schedule (see schedule.h).

    Determinism is the point: the schedule draws only from its own stream
    of the run's seed, in one fixed order (random steps in time order, and
    within a step: the kind, then the node, then the shape), so a seed
    replays the same faults on every machine. Explicit steps keep their
    written order; random steps are merged in after any explicit step at
    the same time.

    Partition shapes, over nodes n1..nN shuffled by the seed:
      halves    first floor(N/2) | the rest
      majority  a random majority (floor(N/2)+1) | the rest
      minority  a random minority of 1..floor((N-1)/2) nodes | the rest
      isolate X X | the rest
      bridge    two halves sharing one node: a,b,c | c,d,e
      ring      each node with its two neighbours: a,b | b,c | ... | e,a
      one-way   FROM|TO as written, "random" drawn (one node), then "rest"
                made the nodes not on the other side, in ascending order
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>
#include "schedule.h"

//  Streams of the run seed (see rng_init_stream): one per consumer.
#define SCHEDULE_STREAM 0x5c4ed01eULL

struct _schedule_t {
    schedule_step_t *steps;
    size_t count;
    size_t allocated;
};

static void
s_push (schedule_t *self, int64_t at_ms, const action_t *spec)
{
    if (self->count == self->allocated) {
        self->allocated = self->allocated? self->allocated * 2: 16;
        self->steps = realloc (self->steps, self->allocated * sizeof (schedule_step_t));
        assert (self->steps);
    }
    self->steps [self->count].at_ms = at_ms;
    self->steps [self->count].spec = *spec;
    self->count++;
}

static void
s_shuffle (int *ids, int count, rng_t *rng)
{
    for (int i = count - 1; i > 0; i--) {
        int j = (int) rng_below (rng, (uint64_t) i + 1);
        int swap = ids [i];
        ids [i] = ids [j];
        ids [j] = swap;
    }
}

static int
s_compare_int (const void *a, const void *b)
{
    return *(const int *) a - *(const int *) b;
}

//  Append group ids [from, to) of perm, sorted, as "n1,n3".
static void
s_append_group (char *out, size_t size, const int *perm, int from, int to)
{
    int sorted [FL_NODES_MAX];
    int count = 0;
    for (int i = from; i < to; i++)
        sorted [count++] = perm [i];
    qsort (sorted, count, sizeof (int), s_compare_int);
    size_t used = strlen (out);
    if (used && used < size - 1)
        out [used++] = '|', out [used] = 0;
    for (int i = 0; i < count && used < size; i++) {
        int n = snprintf (out + used, size - used, "%sn%d", i? ",": "", sorted [i]);
        if (n < 0)
            break;
        used += n;
    }
}

void
schedule_partition_groups (action_shape_t shape, const char *node, int nodes,
                           rng_t *rng, char *out, size_t size)
{
    assert (nodes > 0 && nodes <= FL_NODES_MAX);
    int perm [FL_NODES_MAX * 2];
    for (int i = 0; i < nodes; i++)
        perm [i] = i + 1;
    *out = 0;
    if (shape == ACTION_SHAPE_ISOLATE && action_is_service (node)) {
        snprintf (out, size, "%s", node);
        s_append_group (out, size, perm, 0, nodes);
        return;
    }
    if (shape == ACTION_SHAPE_ISOLATE) {
        int isolated = atoi (node + 1);
        int rest = 0;
        for (int i = 0; i < nodes; i++)
            if (i + 1 != isolated)
                perm [rest++] = i + 1;
        perm [rest] = isolated;
        s_append_group (out, size, perm, rest, rest + 1);
        s_append_group (out, size, perm, 0, rest);
        return;
    }
    s_shuffle (perm, nodes, rng);
    int cut = nodes / 2;
    if (shape == ACTION_SHAPE_MAJORITY)
        cut = nodes / 2 + 1;
    else
    if (shape == ACTION_SHAPE_MINORITY)
        cut = (nodes - 1) / 2 >= 1? (int) rng_range (rng, 1, (nodes - 1) / 2): 1;
    if (shape == ACTION_SHAPE_BRIDGE) {
        s_append_group (out, size, perm, 0, cut + 1);
        s_append_group (out, size, perm, cut, nodes);
    }
    else
    if (shape == ACTION_SHAPE_RING) {
        for (int i = 0; i < nodes; i++)
            perm [nodes + i] = perm [i];
        for (int i = 0; i < nodes && nodes > 2; i++)
            s_append_group (out, size, perm, i, i + 2);
        if (nodes <= 2)
            s_append_group (out, size, perm, 0, nodes);
    }
    else {
        s_append_group (out, size, perm, 0, cut);
        s_append_group (out, size, perm, cut, nodes);
    }
}

//  A one-way partition's "random" and "rest" sides made node lists. The
//  parser allowed "random" only against "rest", and "rest" only where it
//  is not empty, so each side comes out non-empty and the two disjoint.
static void
s_resolve_one_way (action_t *spec, int nodes, rng_t *rng)
{
    char sides [2][FL_FAULT_TEXT_BYTES_MAX];
    const char *bar = strchr (spec->groups, '|');
    assert (bar);
    snprintf (sides [0], sizeof sides [0], "%.*s", (int) (bar - spec->groups), spec->groups);
    snprintf (sides [1], sizeof sides [1], "%s", bar + 1);
    for (int i = 0; i < 2; i++)
        if (strcmp (sides [i], "random") == 0)
            snprintf (sides [i], sizeof sides [i], "n%d", (int) rng_range (rng, 1, nodes));
    for (int i = 0; i < 2; i++) {
        if (strcmp (sides [i], "rest"))
            continue;
        bool named [FL_NODES_MAX + 1] = { false };
        for (const char *id = sides [1 - i]; id; id = strchr (id, ',')) {
            id += *id == ',';
            named [atoi (id + 1)] = true;
        }
        int perm [FL_NODES_MAX], count = 0;
        for (int n = 1; n <= nodes; n++)
            if (!named [n])
                perm [count++] = n;
        assert (count > 0);
        sides [i][0] = 0;
        s_append_group (sides [i], sizeof sides [i], perm, 0, count);
    }
    int n = snprintf (spec->groups, sizeof spec->groups, "%s|%s", sides [0], sides [1]);
    assert (n > 0 && (size_t) n < sizeof spec->groups);
}

void
schedule_resolve (action_t *spec, int nodes, rng_t *rng)
{
    assert (spec);
    if (strcmp (spec->node, "random") == 0)
        snprintf (spec->node, sizeof spec->node, "n%d",
                  (int) rng_range (rng, 1, nodes));
    if (spec->kind == ACTION_PARTITION && spec->shape == ACTION_SHAPE_ONE_WAY)
        s_resolve_one_way (spec, nodes, rng);
    else
    if (spec->kind == ACTION_PARTITION && spec->shape != ACTION_SHAPE_GROUPS
    &&  spec->shape != ACTION_SHAPE_ISOLATE_LEADER)
        schedule_partition_groups (spec->shape, spec->node, nodes, rng,
                                   spec->groups, sizeof spec->groups);
}

size_t
schedule_random_count (const scenario_t *scenario, int64_t duration_ms)
{
    assert (scenario);
    int64_t at_ms = (int64_t) (scenario->random_start_s * 1000);
    int64_t fault_ms = (int64_t) (scenario->random_fault_s * 1000);
    int64_t gap_ms = (int64_t) (scenario->random_gap_s * 1000);
    size_t count = 0;
    for (; scenario->random && at_ms < duration_ms; at_ms += fault_ms + gap_ms)
        count += at_ms + fault_ms < duration_ms? 2: 1;
    return count;
}

//  The seeded generator: fault, fault_s, heal (or undo), gap_s, again;
//  schedule_random_count says how many steps it makes.
static void
s_random_steps (schedule_t *self, const scenario_t *scenario, rng_t *rng,
                int64_t duration_ms)
{
    int64_t at_ms = (int64_t) (scenario->random_start_s * 1000);
    int64_t fault_ms = (int64_t) (scenario->random_fault_s * 1000);
    int64_t gap_ms = (int64_t) (scenario->random_gap_s * 1000);
    //  scenario_load refused a scenario whose steps would pass
    //  FL_SCENARIO_STEPS_MAX, and duration_ms is never longer than its
    assert (self->count + schedule_random_count (scenario, duration_ms) <= FL_SCENARIO_STEPS_MAX);
    while (at_ms < duration_ms) {
        size_t kind = rng_below (rng, scenario->kinds_count);
        action_t spec;
        int rc = action_parse (&spec, scenario->kinds [kind], scenario->nodes, NULL);
        assert (rc == 0);       // the scenario validated it
        schedule_resolve (&spec, scenario->nodes, rng);
        s_push (self, at_ms, &spec);
        at_ms += fault_ms;
        if (at_ms < duration_ms) {
            action_t undo = action_undo (&spec);
            s_push (self, at_ms, &undo);
        }
        at_ms += gap_ms;
    }
}

schedule_t *
schedule_new (const scenario_t *scenario, uint64_t seed, int64_t duration_ms)
{
    assert (scenario);
    schedule_t *self = calloc (1, sizeof *self);
    assert (self);
    rng_t rng;
    rng_init_stream (&rng, seed, SCHEDULE_STREAM);
    for (size_t i = 0; i < scenario->steps_count; i++) {
        int64_t at_ms = (int64_t) (scenario->steps [i].at_s * 1000);
        if (at_ms >= duration_ms)
            break;
        action_t spec;
        int rc = action_parse (&spec, scenario->steps [i].text, scenario->nodes, NULL);
        assert (rc == 0);
        schedule_resolve (&spec, scenario->nodes, &rng);
        s_push (self, at_ms, &spec);
    }
    if (scenario->random)
        s_random_steps (self, scenario, &rng, duration_ms);
    schedule_step_t *copy = malloc ((self->count + 1) * sizeof *copy);
    if (self->count)
        memcpy (copy, self->steps, self->count * sizeof *copy);
    //  Insertion sort: steps are few and mostly ordered already; stable.
    for (size_t i = 1; i < self->count; i++) {
        schedule_step_t step = copy [i];
        size_t j = i;
        while (j > 0 && copy [j - 1].at_ms > step.at_ms) {
            copy [j] = copy [j - 1];
            j--;
        }
        copy [j] = step;
    }
    free (self->steps);
    self->steps = copy;
    self->allocated = self->count + 1;
    return self;
}

void
schedule_destroy (schedule_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        free ((*self_p)->steps);
        free (*self_p);
        *self_p = NULL;
    }
}

size_t
schedule_size (const schedule_t *self)
{
    assert (self);
    return self->count;
}

const schedule_step_t *
schedule_step (const schedule_t *self, size_t index)
{
    assert (self);
    assert (index < self->count);
    return &self->steps [index];
}
