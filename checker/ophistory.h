/*  ophistory.h -- a history read from a file: operations, each an invoke
    paired with its completion, in the order the file gives them.

    Readers for our JSONL, Jepsen EDN and Jepsen log lines produce the same
    thing. What a `fail` or `info` means depends on the source (DESIGN.md
    section 6); the reader records the raw facts and the source, and
    ophistory_op_outcome () applies the source's rule.
*/
#ifndef FL_OPHISTORY_H_INCLUDED
#define FL_OPHISTORY_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

typedef enum {
    HISTORY_JSONL,
    HISTORY_EDN,
    HISTORY_JEPSEN_LOG
} ophistory_format_t;

typedef enum {
    OP_OK,          // completed with ok
    OP_FAIL,        // completed with fail
    OP_INFO,        // completed with info: outcome unknown
    OP_PENDING      // never completed: outcome unknown
} op_type_t;

//  What the checker must assume about an operation.
typedef enum {
    OUTCOME_OK,         // happened, with this result
    OUTCOME_SKIP,       // did not happen: leave it out
    OUTCOME_CAS_FAILED, // ran, saw a value other than `from`, changed nothing
    OUTCOME_UNKNOWN     // may have happened (result unknown); if ret is
                        // HISTORY_RET_NEVER it may also never happen
} op_outcome_t;

#define HISTORY_RET_NEVER INT64_MAX

typedef struct {
    int64_t process;
    const char *f;          // interned in the history (compare with strcmp)
    json_t *key;            // the `key` field, or NULL
    json_t *in;             // the invoke's value (never NULL: json null)
    json_t *out;            // the completion's value, or NULL
    json_t *error;          // the completion's `error`, or NULL
    op_type_t type;
    int64_t call;           // position of the invoke event (0-based)
    int64_t ret;            // position of the completion, or HISTORY_RET_NEVER
    int64_t index_call;     // the invoke's index as Jepsen numbers events:
                            // its `index` field, else its position among
                            // all events of the file (nemesis ones too)
    int line_call;          // file lines, 1-based
    int line_ret;           // 0 when never completed
    int64_t done;           // position of the completion event (info too), -1
    double time_call;       // the `time` fields if any, else -1
    double time_ret;
} op_t;

typedef struct _ophistory_t ophistory_t;

//  Read a file. format < 0 guesses it from the name and first bytes.
//  Returns NULL with *error (malloc'd "path:line: problem") on bad input.
ophistory_t *ophistory_load (const char *path, int format, char **error);

//  Read from a buffer (tests). name is used in error messages.
ophistory_t *ophistory_parse (const char *name, const char *buf, size_t len,
                          int format, char **error);

void ophistory_destroy (ophistory_t **self_p);

ophistory_format_t ophistory_format (const ophistory_t *self);
size_t ophistory_size (const ophistory_t *self);
op_t *ophistory_op (const ophistory_t *self, size_t index);
int64_t ophistory_events (const ophistory_t *self);

//  The name of a process given by name in the file ("n1"), NULL for a
//  numbered one. Names get negative ids: op->process = -(i + 1).
const char *ophistory_process_name (const ophistory_t *self, int64_t process);

//  The source's rule for fail and info applied to one op.
op_outcome_t ophistory_op_outcome (const ophistory_t *self, const op_t *op);

//  Write the history back as Jepsen EDN, one event map a line in the
//  original order, inside a vector. Returns 0, or -1 on a write error.
int ophistory_write_edn (const ophistory_t *self, FILE *out);

//  Parse a format name ("jsonl", "edn", "jepsen-log"); -1 if unknown.
int ophistory_format_parse (const char *name);
const char *ophistory_format_name (ophistory_format_t format);

#endif
