/*  g_set.c -- Maelstrom's g-set workload: add {"element": N} (unique,
    increasing per client) and read, 50/50; read_ok carries the set as
    "value" (Maelstrom's doc says "elements"; the wire says value). After
    the load a final read on every node; checked by "set-full". Every
    error reply is info, whatever its code: Maelstrom's g-set client maps
    no errors (MAELSTROM.md section 3).
*/
#include "workloads.h"

#define S_STREAM 0x6d0000ULL

static void *
s_new (const workload_t *workload, const workload_ctx_t *ctx)
{
    (void) workload;
    return workload_basic_new (ctx, S_STREAM);
}

static json_t *
s_next (void *gen)
{
    return workload_basic_read_or_add (gen, "add");
}

static json_t *
s_request (void *gen, const json_t *op)
{
    (void) gen;
    return workload_body (op, "element");
}

static const workload_class_t s_class = {
    .gen_new = s_new, .gen_destroy = workload_basic_destroy, .next = s_next,
    .request = s_request,
};

static const workload_rpc_t s_rpcs [] = {
    { "add", "add_ok", "" }, { "read", "read_ok", "value:array" }, { NULL, NULL, NULL }
};

const workload_t g_set_workload = {
    .name = "g-set", .summary = "a grow-only set: add and read; every read must hold every add",
    .check = "set-full", .idempotent = "", .errors_indefinite = true,
    .final_reads = true,
    .rpcs = s_rpcs, .klass = &s_class,
};
