/*  model.h -- the sequential specifications the checker knows, and a
    history compiled into partitions of model ops for the search.

    A model state is one uint64: a register's value, a counter's sum, or the
    id of an interned blob (a set, a queue, an appended string, the values of
    a multi-register) in the partition's blob table. Equal states have equal
    ids, so the search compares and hashes states as integers. Values from the
    history are interned up front; only steps that build new values (append,
    add to a set, enqueue...) intern during the search, in the partition's
    own table, so partitions can be searched on different threads.

    Each op has a flag saying what the checker may assume about it:
    unknown outcome (info, never returned, timed-out read): the step accepts
    from any state, applying the op if it can; cas-failed: the cas ran and
    saw a value other than `from`.
*/
#ifndef FL_MODEL_H_INCLUDED
#define FL_MODEL_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <jansson.h>
#include "ophistory.h"

typedef enum {
    MODEL_REGISTER, MODEL_CAS_REGISTER, MODEL_KV, MODEL_MULTI_REGISTER,
    MODEL_MUTEX, MODEL_SET, MODEL_COUNTER, MODEL_QUEUE, MODEL_COUNT
} model_kind_t;

#define MODEL_F_UNKNOWN    1    // outcome unknown: accept, apply if it can
#define MODEL_F_CAS_FAILED 2    // cas ran and did not match
#define MODEL_F_PURE       4    // never changes the state (a read, a failed cas):
                                // the search may linearize it greedily

typedef struct {
    int64_t call, ret;      // positions in the history; ret may be OP_RET_NEVER
    uint32_t hist;          // index of the op in the history
    uint8_t kind;           // model-specific operation code
    uint8_t flags;          // MODEL_F_*
    uint64_t a, b, out;     // prepared arguments and result
} model_op_t;

typedef struct _model_part_t model_part_t;

//  Model name -> kind, -1 if unknown; and back.
int model_parse (const char *name);
const char *model_name (model_kind_t kind);

//  What --init a model takes, when INIT (parsed; NULL or nil: the model's
//  empty state) is not of that kind, else NULL: a counter an integer, a
//  set or queue a vector, list or set of elements, a mutex true (held) or
//  false, a multi-register a map of names to values. Registers and kv take
//  any value (kv: a map of keys to values, or one value for every key).
const char *model_init_unfit (model_kind_t kind, json_t *init);

//  The model of a history when none is given: kv when the first op has a
//  key or every op is a read, write or cas on [k v] tuples, else
//  cas-register.
model_kind_t model_guess (const ophistory_t *history);

//  Compile a history for a model: one partition per key for kv, else one.
//  init is the initial value (NULL means nil). Returns an array of nparts
//  partitions (caller frees with model_parts_destroy), or NULL with *error
//  ("file:line: unknown f 'x' for model 'y'").
model_part_t **model_partition (const ophistory_t *history, model_kind_t kind,
                                json_t *init, const char *file,
                                size_t *nparts, char **error);
void model_parts_destroy (model_part_t ***parts_p, size_t nparts);

//  Step: may op run from state? Sets *next when it may.
bool model_step (model_part_t *self, uint64_t state, const model_op_t *op, uint64_t *next);

//  Accessors for the search and the explanations.
size_t model_part_size (const model_part_t *self);
model_op_t *model_part_ops (model_part_t *self);
uint64_t model_part_init (const model_part_t *self);
json_t *model_part_key (const model_part_t *self);  // kv key or NULL (borrowed)
size_t model_part_memory (const model_part_t *self);

//  The partition's own memory (its value table: sets, queues, strings the
//  steps build) may not grow past bytes (0: no limit). Past it, or when an
//  allocation fails, model_part_oom () turns true: the ids made since are
//  not to be trusted, the search must stop (unknown, "memory"). A partition
//  may also come out of model_partition already oom.
void model_part_memory_max (model_part_t *self, size_t bytes);
bool model_part_oom (const model_part_t *self);

//  A register op's values (register, cas-register, kv): *needs when it
//  can only run with the register holding *need (a read, a cas, each of
//  known outcome), *sets when it may set it to *set (a write, a cas that
//  did not fail, known or not). Returns false for an op whose value is
//  built by the search (append): nothing can be said of it.
bool model_register_effect (const model_op_t *op, bool *needs, uint64_t *need,
                            bool *sets, uint64_t *set);
//  What a register op does, for checkers that reason about values rather
//  than search (unique.c): OTHER for any op of another model, or an append.
typedef enum {
    MODEL_OP_READ, MODEL_OP_WRITE, MODEL_OP_CAS, MODEL_OP_OTHER
} model_op_class_t;
model_op_class_t model_op_class (const model_part_t *self, const model_op_t *op);

//  The state as JSON (new reference), for explanations.
json_t *model_state_json (const model_part_t *self, uint64_t state);

#endif
