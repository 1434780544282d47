/*  schedule.h -- a run's fault schedule, computed before the run from the
    scenario and the seed: explicit steps plus the seeded random generator,
    merged in time order, with every random choice (which node, which
    halves) already made. The same scenario and seed give the same schedule;
    only isolate-leader is resolved during the run (it depends on who leads).
*/
#ifndef FL_SCHEDULE_H_INCLUDED
#define FL_SCHEDULE_H_INCLUDED

#include <stdint.h>
#include <stddef.h>
#include "rng.h"
#include "action.h"
#include "scenario.h"

typedef struct {
    int64_t at_ms;          // milliseconds after the load starts
    action_t spec;       // node and groups resolved
} schedule_step_t;

typedef struct _schedule_t schedule_t;

//  How many steps the scenario's random generator makes in DURATION_MS (0
//  when it has none): a fault, and its heal when that falls in time.
size_t schedule_random_count (const scenario_t *scenario, int64_t duration_ms);

//  Build the schedule for a scenario, its steps within duration_ms (which
//  may be shorter than the scenario's, for --time-limit, never longer: the
//  scenario was checked to make at most FL_SCENARIO_STEPS_MAX steps).
schedule_t *schedule_new (const scenario_t *scenario, uint64_t seed, int64_t duration_ms);

//  Destroy. Accepts NULL; nulls the pointer.
void schedule_destroy (schedule_t **self_p);

//  Number of steps, and step i (borrowed).
size_t schedule_size (const schedule_t *self);
const schedule_step_t *schedule_step (const schedule_t *self, size_t index);

//  Resolve "random" nodes and compute the groups of a partition shape
//  (all but isolate-leader) in place, drawing from rng. A one-way
//  partition's groups become "FROM|TO" node lists ("random" and "rest"
//  resolved).
void schedule_resolve (action_t *spec, int nodes, rng_t *rng);

//  Compute groups text ("n1,n2|n3,n4,n5") for a shape over nodes n1..nN.
//  node names the isolated node for ACTION_SHAPE_ISOLATE. Ids within a group are
//  in ascending order.
void schedule_partition_groups (action_shape_t shape, const char *node, int nodes,
                                rng_t *rng, char *out, size_t size);

#endif
