/*  tour.h -- a scripted tour (scenario/tour_step.h: cap-tour, cap-proof,
    cart-conflict) run against one lab: its steps one at a time, by one
    client party "c1" on the proxy's net endpoint, each op with the
    scenario's timeout (workload/timeout_ms) and never retried.

    Every op is recorded in history.jsonl (invoke, then ok, fail or info:
    ./harness check reads it like any run's), every fault goes through the
    nemesis (faults.jsonl). After the last step (and a final heal of what
    is still in force, when the scenario's final/heal says so) every
    replica is read directly (lab_replicas).

    The tour's record, merged into results.json:
        "steps": [{"step": N, "node": "n3", "f": "read", "key": K,
                   "type": "ok|fail|info|fault", "value": V, "error": CODE,
                   "text": "...", "ms": LATENCY}, ...]
        "replicas": {"n1": [[KEY, VALUE], ...] or null, ...}
    Story steps (ops and faults) are numbered 1, 2, ...; a `wait` or
    `settle` is told on the step it prepares ("waited_ms", "settle_ms"
    with "settled" true or false), so that the numbers are the story's.
*/
#ifndef FL_TOUR_H_INCLUDED
#define FL_TOUR_H_INCLUDED

#include <stdint.h>
#include <signal.h>
#include <jansson.h>
#include "scenario/scenario.h"
#include "checker/check.h"
#include "lab.h"
#include "nemesis.h"
#include "history.h"

typedef struct {
    const scenario_t *scenario;
    const char *system;         // crdt: cart-add is the OR-set's add
    lab_t *lab;
    nemesis_t *nemesis;
    history_t *history;
    int64_t t0_ns;              // run start (CLOCK_MONOTONIC), history times count from it
    uint64_t seed;              // resolves faults such as "partition halves"
    double duration_s;          // the tour stops there: later steps are not run
    volatile sig_atomic_t *interrupted;
} tour_opts_t;

//  Run the tour. Returns the tour's record (new reference: steps,
//  replicas) and 0, or -1 with *error (malloc'd) when the lab failed or
//  the run was interrupted; the record then holds the steps run so far.
int tour_run (const tour_opts_t *opts, json_t **record, char **error);

//  The tour's checks, as results.json's "checks": linearizable (the kv
//  model) on RUN_DIR/history.jsonl when every op is a read, write or cas,
//  and "lost": every acknowledged write (the last one per key) and every
//  acknowledged cart item is on some replica after the tour (not for a
//  --node program, whose replicas the lab cannot read). *verdict is
//  the worst of them (invalid, then unknown, then valid).
json_t *tour_checks (const json_t *record, const char *run_dir, check_verdict_t *verdict);

#endif
