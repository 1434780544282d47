/*  workloads.h -- the workloads workload.c's table lists, one per file
    (workload.h says what a workload is), and the small helpers their
    files share. Private to workload/.
*/
#ifndef FL_WORKLOADS_H_INCLUDED
#define FL_WORKLOADS_H_INCLUDED

#include "workload.h"
#include "rng.h"

extern const workload_t echo_workload;
extern const workload_t unique_ids_workload;
extern const workload_t broadcast_workload;
extern const workload_t g_set_workload;
extern const workload_t g_counter_workload;
extern const workload_t pn_counter_workload;
extern const workload_t lin_kv_workload;
extern const workload_t kafka_workload;
extern const workload_t txn_list_append_workload;
extern const workload_t txn_rw_register_workload;

//  The state most generators need: their own random stream and a count
//  of unique values drawn (client c of K draws c-1, c-1+K, c-1+2K, ...).
typedef struct {
    rng_t rng;
    workload_ctx_t ctx;
    int64_t drawn;
} workload_basic_t;

//  A basic generator on stream BASE + client (workload_basic_t, freed
//  with workload_basic_destroy).
void *workload_basic_new (const workload_ctx_t *ctx, uint64_t base);
void workload_basic_destroy (void *gen);

//  The next value unique across the run's clients.
int64_t workload_basic_unique (workload_basic_t *self);

//  Broadcast's and g-set's mix: read, or ADD_F of the next unique value,
//  50/50.
json_t *workload_basic_read_or_add (workload_basic_t *self, const char *add_f);

//  An op {"f": f, "value": value} (takes value; NULL is null).
json_t *workload_op (const char *f, json_t *value);

//  The body {"type": op's f} with op's value as FIELD (when FIELD is
//  not NULL and the op has a non-null value).
json_t *workload_body (const json_t *op, const char *field);

//  VALUE's JSON type as a reply's reason says it: "an object", "an
//  array", "a string", "an integer", "a real", "a boolean", "null".
const char *workload_type_name (const json_t *value);

#endif
