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
#include "workload/lin_kv.h"

typedef struct _history_t history_t;

//  Open DIR/history.jsonl and DIR/faults.jsonl for writing. NULL with
//  *error set (malloc'd) if either cannot be created.
history_t *history_new (const char *dir, char **error);

//  Close both files. Accepts NULL; nulls the pointer.
void history_destroy (history_t **self_p);

//  An invoke. time_ns is since the run began.
void history_invoke (history_t *self, int64_t time_ns, int process, const lin_kv_op_t *op);

//  An ok completion. For a read, has_value/value is what was read (no
//  value is nil); other ops echo what they wrote.
void history_ok (history_t *self, int64_t time_ns, int process, const lin_kv_op_t *op,
                 bool has_value, int64_t value);

//  A definite failure with its error code.
void history_fail (history_t *self, int64_t time_ns, int process, const lin_kv_op_t *op,
                   int code);

//  An indefinite outcome: a timeout (code < 0) or an indefinite error code.
void history_info (history_t *self, int64_t time_ns, int process, const lin_kv_op_t *op,
                   int code);

//  An indefinite outcome the node did not name with a code (an answer of
//  an unexpected type, an error without a code): "error" is the text why.
void history_info_why (history_t *self, int64_t time_ns, int process, const lin_kv_op_t *op,
                       const char *why);

//  A fault event: phase "start" or "end"; target "n3" or "".
void history_period (history_t *self, int64_t time_ns, const char *phase,
                    const char *fault, const char *target, const char *detail);

//  Completions recorded so far.
int64_t history_ok_count (const history_t *self);
int64_t history_fail_count (const history_t *self);
int64_t history_info_count (const history_t *self);
int64_t history_invoke_count (const history_t *self);

#endif
