/*  op.h -- one operation of a history: an invoke paired with its
    completion, as ophistory reads it and the models compile it.

    An op_t is a plain value owned by the history that read it (its json_t
    fields are the history's references); nothing here allocates. What a
    completion type means for the search depends on the file's format, so
    the outcome (op_outcome_t) is decided by ophistory_op_outcome, not here.
*/
#ifndef FL_OP_H_INCLUDED
#define FL_OP_H_INCLUDED

#include <stdint.h>
#include <jansson.h>

typedef enum {
    OP_OK,          // completed with ok
    OP_FAIL,        // completed with fail
    OP_INFO,        // completed with info: outcome unknown
    OP_PENDING      // never completed: outcome unknown
} op_type_t;

//  What the checker must assume about an operation.
typedef enum {
    OP_OUTCOME_OK,          // happened, with this result
    OP_OUTCOME_SKIP,        // did not happen: leave it out
    OP_OUTCOME_CAS_FAILED,  // ran, saw a value other than `from`, changed nothing
    OP_OUTCOME_UNKNOWN      // may have happened (result unknown); if ret is
                            // OP_RET_NEVER it may also never happen
} op_outcome_t;

//  The ret of an op that never returns (info or pending): it may take effect
//  at any later point, so it sorts after every real position.
#define OP_RET_NEVER INT64_MAX

typedef struct {
    int64_t process;
    const char *f;          // interned in the history (compare with strcmp)
    json_t *key;            // the `key` field, or NULL
    json_t *in;             // the invoke's value (never NULL: json null)
    json_t *out;            // the completion's value, or NULL
    json_t *error;          // the completion's `error`, or NULL
    op_type_t type;
    int64_t call;           // position of the invoke event (0-based)
    int64_t ret;            // position of the completion, or OP_RET_NEVER
    int64_t index_call;     // the invoke's index as Jepsen numbers events:
                            // its `index` field, else its position among
                            // all events of the file (nemesis ones too)
    int64_t index_ret;      // the completion's, likewise (-1: none)
    int line_call;          // file lines, 1-based
    int line_ret;           // 0 when never completed
    int64_t done;           // position of the completion event (info too), -1
    double time_call;       // the `time` fields if any, else -1
    double time_ret;
} op_t;

//  The completion type as Jepsen writes it: "ok", "fail", "info", or
//  "pending" for an op that never completed. A static string.
const char *op_type_name (op_type_t type);

#endif
