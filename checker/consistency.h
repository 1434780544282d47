/*  consistency.h -- the consistency spectrum for register and kv histories
    (issue 10): which models a history satisfies, between linearizable and
    nothing. Internal to checker/: outside code reaches it through check.h
    (check_opts_t's consistency / spectrum, check_result_json's "spectrum").

    Models, strongest first (each implies the ones below it that it is
    drawn above; the session guarantees are per process and independent of
    one another):

        linearizable        today's search (wgl.c): real-time order kept
        sequential          one total order of all ops, every process's
                            order kept, real time not; over the whole
                            history, not per key (not compositional)
        causal              causal memory: causal order = process order +
                            reads-from, transitively; Bouajjani, Enea,
                            Guerraoui, Hamza, POPL 2017 (bad patterns)
        read-your-writes    Terry et al. 1994, per process
        monotonic-reads
        monotonic-writes
        writes-follow-reads

    The registers' view (what every check but linearizable works on): each
    op is a read of a value, a write of a value, or a cas (a read of `from`
    that wrote `to` when it succeeded); per key, a value is written at most
    once (our generator's values are unique; a history where a value is
    written twice is "unknown" for causal, said in the reason). Reads of
    nil / a missing key read the initial value. fail ops did not happen
    (ophistory_op_outcome), info/pending ops may or may not have.

    A check returns a verdict and, when invalid, a violation: a JSON object
    {"model": NAME, "pattern": "...", "ops": [OP...], "chain": "p1 wrote
    x=1, then y=1; p2 read y=1, then x=0, the value x=1 overwrote in p2's
    causal past"}, OP as check_result_json's ops ({index, process, f, key,
    value, result, type, line}). When unknown, "reason" says why.
*/
#ifndef FL_CONSISTENCY_H_INCLUDED
#define FL_CONSISTENCY_H_INCLUDED

#include <stdbool.h>
#include <jansson.h>
#include "check.h"
#include "ophistory.h"

typedef enum {
    CONSISTENCY_LINEARIZABLE = 0,
    CONSISTENCY_SEQUENTIAL,
    CONSISTENCY_CAUSAL,
    CONSISTENCY_READ_YOUR_WRITES,
    CONSISTENCY_MONOTONIC_READS,
    CONSISTENCY_MONOTONIC_WRITES,
    CONSISTENCY_WRITES_FOLLOW_READS,
    CONSISTENCY_COUNT
} consistency_t;

//  "linearizable", "sequential", "causal", "read-your-writes",
//  "monotonic-reads", "monotonic-writes", "writes-follow-reads".
const char *consistency_name (consistency_t model);
//  The model of a name, or -1.
int consistency_parse (const char *name);

//  One check's outcome. violation (new reference or NULL) when invalid;
//  reason (static or malloc'd per reason_owned) when unknown.
typedef struct {
    check_verdict_t verdict;
    json_t *violation;
    char *reason;
    bool reason_owned;      // reason is malloc'd: release frees it
} consistency_result_t;

void consistency_result_release (consistency_result_t *self);

//  Sequential consistency over the whole history (checker/sequential.c):
//  a Wing-Gong search with a cache of (linearized set, state of every
//  key), without real-time order, bounded by timeout_s and memory_mb
//  (exhausted: unknown).
consistency_result_t sequential_check (const ophistory_t *history, const char *init,
                                       double timeout_s, size_t memory_mb);

//  Causal consistency and the four session guarantees (checker/causal.c,
//  checker/session.c): polynomial; model is one of CONSISTENCY_CAUSAL ..
//  CONSISTENCY_WRITES_FOLLOW_READS.
consistency_result_t causal_check (const ophistory_t *history, const char *init);
consistency_result_t session_check (const ophistory_t *history, const char *init,
                                    consistency_t model);

#endif
