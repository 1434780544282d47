/*  history.h -- the run's records as they happen: history.jsonl (DESIGN.md
    section 6, one op event per line) and faults.jsonl (one line per fault
    start or end), each line written and flushed at once so that a crash or
    Ctrl-C leaves a readable prefix.

    Times are nanoseconds since the run began (monotonic), the same axis as
    the proxy's trace (it gets the same t0).
*/
#ifndef FL_HISTORY_H_INCLUDED
#define FL_HISTORY_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include <jansson.h>
#include "workload/workload.h"

typedef struct _history_t history_t;

//  Open DIR/history.jsonl and DIR/faults.jsonl for writing. NULL with
//  *error set (malloc'd) if either cannot be created.
history_t *history_new (const char *dir, char **error);

//  Close both files. Accepts NULL; nulls the pointer.
void history_destroy (history_t **self_p);

//  An invoke of OP (a workload op: f, key, value; workload.h). time_ns
//  is since the run began; FINAL marks an op of the final-read phase.
//  NODE is the node it was sent to (1 for "n1", written "node":"n1"), or
//  0 for none (the line then has no "node").
void history_invoke (history_t *self, int64_t time_ns, int process, const json_t *op,
                     bool final, int node);

//  The completion of OP: ok with outcome's value (or the op's), fail or
//  info with outcome's code, or its reason when it has one ("error").
//  An info without a code is a timeout: no "error".
void history_complete (history_t *self, int64_t time_ns, int process, const json_t *op,
                       bool final, const workload_outcome_t *outcome);

//  A fault event: phase "start" or "end"; target "n3" or "".
void history_period (history_t *self, int64_t time_ns, const char *phase,
                    const char *fault, const char *target, const char *detail);

//  Completions recorded so far.
int64_t history_ok_count (const history_t *self);
int64_t history_fail_count (const history_t *self);
int64_t history_info_count (const history_t *self);
int64_t history_invoke_count (const history_t *self);

#endif
