/*  opslog.h -- a run's history.jsonl read back as operations: each invoke
    paired with the ok, fail or info that completed it (DESIGN.md section 6).
    The measures (measures.h), the workload checks (checks.h) and the
    report (report.h) read histories through this; the checker has its
    own, fuller reader.

    Strings that ops carry (keys, values as compact JSON, f names) are
    interned: an op holds small integer atoms, and opslog_atom () gives the
    text back. Two equal JSON values (same compact text) get the same atom,
    which is what the stale-read test compares.

    An opslog_t is built once by opslog_load () and then only read.
*/
#ifndef FL_OPSLOG_H_INCLUDED
#define FL_OPSLOG_H_INCLUDED

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef enum {
    OPSLOG_OK = 0,
    OPSLOG_FAIL = 1,
    OPSLOG_INFO = 2,        // completed with info: may or may not have happened
    OPSLOG_PENDING = 3      // invoked, never completed in the history
} opslog_type_t;

typedef enum {
    OPSLOG_F_OTHER = 0,     // any other workload's f ("add", "broadcast", ...)
    OPSLOG_F_READ = 1,
    OPSLOG_F_WRITE = 2,
    OPSLOG_F_CAS = 3
} opslog_f_t;

typedef struct {
    int64_t invoke_ns;      // "time" of the invoke
    int64_t return_ns;      // "time" of the completion; -1 when pending
    int64_t process;
    int64_t invoke_index;   // "index" of the invoke event
    int64_t return_index;   // "index" of the completion; -1 when pending
    int64_t invoke_line;    // line of the invoke in the file, from 1
    int32_t f_atom;         // the f name, interned
    int32_t key;            // atom of the key (compact JSON), -1 if none
    int32_t value;          // read: value returned (ok only); write: value
                            // written; cas: the "to" value; -1 if none
    int32_t from;           // cas: the "from" value; -1 otherwise
    int32_t error;          // "error" code of a fail or info; -1 if none
    int32_t invoke_value;   // the invoke's "value", any f; -1 if none
    int32_t return_value;   // the completion's "value", any f; -1 if none
                            // (or pending)
    uint8_t type;           // opslog_type_t
    uint8_t f;              // opslog_f_t
    bool final;             // "final": true on the invoke or completion
                            // (the final-read phase)
    int16_t node;           // the invoke's "node" "nK" as K (the node the
                            // client sent it to); 0 when absent
} opslog_op_t;

typedef struct _opslog_t opslog_t;

//  Read PATH (a history.jsonl). Returns a new log, or NULL with *error set
//  to a malloc'd "PATH:LINE: problem" message (caller frees). A torn last
//  line (no newline, not JSON: a crashed run) is ignored, as the checker
//  ignores it (jsonl_read_torn); opslog_torn_line says which.
opslog_t *opslog_load (const char *path, char **error);

//  As opslog_load, with at most ops_max (<= FL_HISTORY_OPS_MAX) ops: the
//  invoke past it is an error naming its line and the bound. Tests reach
//  the bound this way without ten million ops in memory.
opslog_t *opslog_load_max (const char *path, size_t ops_max, char **error);

//  The torn last line ignored by the load (from 1), or 0 if none.
size_t opslog_torn_line (const opslog_t *self);

//  Destroy. Accepts NULL; nulls the pointer.
void opslog_destroy (opslog_t **self_p);

//  Number of operations (invokes), in invoke order.
size_t opslog_size (const opslog_t *self);

//  The i-th operation, 0 <= i < opslog_size ().
const opslog_op_t *opslog_op (const opslog_t *self, size_t i);

//  Time of the last event in the history, in ns (0 for an empty history).
int64_t opslog_end_ns (const opslog_t *self);

//  Text of an atom (keys and values are compact JSON, "null" for nil).
const char *opslog_atom (const opslog_t *self, int32_t atom);

//  Atom of a text if it was seen, else -1.
int32_t opslog_atom_find (const opslog_t *self, const char *text);

//  Number of distinct atoms.
size_t opslog_atoms (const opslog_t *self);

//  The op whose invoke or completion has history index INDEX, or -1.
int64_t opslog_find_index (const opslog_t *self, int64_t index);

//  The op invoked on line LINE of the file (from 1), or -1.
int64_t opslog_find_line (const opslog_t *self, int64_t line);

#endif
