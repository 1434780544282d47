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
#include "op.h"

typedef enum {
    OPHISTORY_JSONL,
    OPHISTORY_EDN,
    OPHISTORY_JEPSEN_LOG
} ophistory_format_t;

typedef struct _ophistory_t ophistory_t;

//  Read a file. format < 0 guesses it from the name and first bytes.
//  Returns NULL with *error (malloc'd "path:line: problem") on bad input.
ophistory_t *ophistory_load (const char *path, int format, char **error);

//  Read from a buffer (tests). name is used in error messages.
ophistory_t *ophistory_parse (const char *name, const char *buf, size_t len,
                          int format, char **error);

//  As ophistory_parse, with at most ops_max (<= FL_HISTORY_OPS_MAX) ops:
//  the op that passes it is an error naming its line and the bound. Tests
//  reach the bound this way without ten million ops in memory.
ophistory_t *ophistory_parse_max (const char *name, const char *buf, size_t len,
                                  int format, size_t ops_max, char **error);

void ophistory_destroy (ophistory_t **self_p);

ophistory_format_t ophistory_format (const ophistory_t *self);
size_t ophistory_size (const ophistory_t *self);
op_t *ophistory_op (const ophistory_t *self, size_t index);
int64_t ophistory_events (const ophistory_t *self);

//  The name of a process given by name in the file ("n1"), NULL for a
//  numbered one. Names get negative ids, op->process = -(i + 1) for the
//  i-th name; numbers are never negative (the reader refuses them), so a
//  name and a number never share an id.
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
