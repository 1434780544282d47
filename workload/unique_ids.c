/*  unique_ids.c -- Maelstrom's unique-ids workload: generate answered by
    generate_ok {"id": anything}; the "unique-ids" check wants no id twice.
    The ids are recorded as the node wrote them (1, 1.0 and "1" differ).
*/
#include "workloads.h"

#define S_STREAM 0x6b0000ULL

static void *
s_new (const workload_t *workload, const workload_ctx_t *ctx)
{
    (void) workload;
    return workload_basic_new (ctx, S_STREAM);
}

static json_t *
s_next (void *gen)
{
    (void) gen;
    return workload_op ("generate", NULL);
}

static const workload_class_t s_class = {
    .gen_new = s_new, .gen_destroy = workload_basic_destroy, .next = s_next,
};

static const workload_rpc_t s_rpcs [] = {
    { "generate", "generate_ok", "id:any" }, { NULL, NULL, NULL }
};

const workload_t unique_ids_workload = {
    .name = "unique-ids", .summary = "generate ids; no id may be handed out twice",
    .check = "unique-ids", .idempotent = "", .rpcs = s_rpcs, .klass = &s_class,
};
