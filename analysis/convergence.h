/*  convergence.h -- did the replicas end in one state, holding every
    acknowledged update and nothing invented? (DESIGN.md section 7,
    "Convergence"; docs/checker.md, section Convergence, gives the rules.)

    Pure code over a history read with opslog.h and the replicas' final
    states, as lab_replicas (lab/lab.h) returns them:

        {"n1": [[KEY, VALUE], ...] | null, "n2": ..., ...}

    null is a node that did not answer. An item may carry what the node
    applied to KEY, in order: [KEY, VALUE, [V1, V2, ...]], and, when
    older values were trimmed off the list's front, their count:
    [KEY, VALUE, [V, ...], TRIMMED] (the Redis shim's fl:K:applied; a
    lin-kv key judged by these lists loses an ok write or cas whose value
    is in no replica's list, docs/checker.md). KEY is null for a workload without
    keys (g-set, broadcast: VALUE the list of elements; counters: VALUE the
    number). Keys are compared by their text: a string's content, any other
    JSON its compact text, so the history's key "2" (lin-kv writes keys as
    strings) and the node's 2 are one key.

    The result, results.json's "convergence":

        {"workload", "valid": true | false | "unknown", "converged": bool,
         "nodes": N, "answered": K, "unanswered": [node, ...],
         "differing": [{"key", "node", "value", "like", "like_value"}],
         "differing_count",
         "lost": [{"index", "process", "f", "key", "value", "reason", "op"}],
         "lost_count", "lost_unjudged": [same shape], "lost_unjudged_count",
         "applied_keys",
         "invented": [{"node", "key", "value", "reason"}], "invented_count",
         "time_to_converge_ms": ms | null,
         "final": {"n1": {KEY-text: VALUE, ...} | null, ...},
         "final_truncated": bool, "reasons": [text, ...]}

    Lists are capped at FL_CONVERGENCE_LISTED_MAX beside their full count;
    "final" keeps FL_CONVERGENCE_FINAL_ITEMS_MAX keys (or set elements) per
    node. "op" in a lost entry is checks_op_ref's object, which the report
    marks on its timeline.
*/
#ifndef FL_CONVERGENCE_H_INCLUDED
#define FL_CONVERGENCE_H_INCLUDED

#include <stdbool.h>
#include <jansson.h>
#include "opslog.h"

//  Can WORKLOAD be judged at all (g-set, broadcast, g-counter,
//  pn-counter, lin-kv)?
bool convergence_known (const char *workload);

//  The convergence object of a run of WORKLOAD whose ops are LOG and whose
//  replicas ended as REPLICAS (borrowed; the shape above). time_ms is the
//  time from the final heal to the first agreement, or negative for null.
//  Always returns a new object; a workload it cannot judge, or no replica
//  at all, gives "valid": "unknown" with the reason.
json_t *convergence_compute (const opslog_t *log, const char *workload,
                             json_t *replicas, double time_ms);

//  The entry of results.json's "checks" array for a convergence object
//  (borrowed): {"name": "convergence", "valid", "details": {"converged",
//  "lost_count", "invented_count", "time_to_converge_ms", "reasons",
//  "reason"}}, "reason" (when not valid) one line for the console:
//  "3 lost writes (first: write 18 to key 2 by process 4; n1 holds 17,
//  n2 holds 17, all written before it began)". A new object.
json_t *convergence_check (const json_t *convergence);

//  What a --node program's replicas held, from its final reads (the ok
//  "read" ops marked final): a new object in lab_replicas's shape, with
//  [[null, VALUE]] for a node whose final read answered, null otherwise.
//  Which node a final read went to is its invoke's "node" (every run
//  records it); for a history without it, lab/client.c's rule stands in:
//  client c (process % clients) sends its k-th final read to node
//  ((c + k * clients) % nodes) + 1. A later ok read of a node replaces an
//  earlier one.
json_t *convergence_replicas_from_finals (const opslog_t *log, int clients, int nodes);

#endif
