/*  unique.h -- a register key whose written values are all different,
    decided in O(n log n) without a search (Gibbons & Korach 1997, extended
    to cas chains, failed cas and ops of unknown outcome).

    When every write (and every successful cas's new value) is unique and
    differs from the initial value, a read names the write it saw, so each
    write and its reads form a cluster whose value must be current through
    the cluster's ops. Deciding the history is then ordering clusters, not
    interleaving ops: docs/checker.md ("Unique values") gives the rule.
*/
#ifndef FL_UNIQUE_H_INCLUDED
#define FL_UNIQUE_H_INCLUDED

#include "model.h"
#include "wgl.h"

typedef enum {
    UNIQUE_VALID,       // linearizable
    UNIQUE_INVALID,     // not: result says which op could not be linearized
    UNIQUE_UNFIT        // the key does not qualify, or a failed cas could
                        // not be placed in the order found: search it
} unique_verdict_t;

//  Decide one register, cas-register or kv partition. On valid and invalid
//  fills *result as wgl_check would (verdict; on invalid blocked, a
//  linearizable prefix and the state after it); on unfit leaves *result
//  alone and sets *why to a static string saying what stood in the way.
unique_verdict_t unique_check (model_part_t *part, wgl_result_t *result, const char **why);

#endif
