/*  broadcast.c -- Maelstrom's broadcast workload: every node first gets
    the topology (workload_topology), then clients send broadcast
    {"message": N} (unique, increasing per client) and read, 50/50; read_ok
    carries "messages". Reads are idempotent. After the load a final read
    on every node; the "set-full" check wants every acknowledged message in
    every read that started after it was known.
*/
#include "workloads.h"

#define S_STREAM 0x6c0000ULL

static void *
s_new (const workload_t *workload, const workload_ctx_t *ctx)
{
    (void) workload;
    return workload_basic_new (ctx, S_STREAM);
}

static json_t *
s_next (void *gen)
{
    return workload_basic_read_or_add (gen, "broadcast");
}

static json_t *
s_request (void *gen, const json_t *op)
{
    (void) gen;
    return workload_body (op, "message");
}

static const workload_class_t s_class = {
    .gen_new = s_new, .gen_destroy = workload_basic_destroy, .next = s_next,
    .request = s_request,
};

static const workload_rpc_t s_rpcs [] = {
    { "broadcast", "broadcast_ok", "" }, { "read", "read_ok", "messages:array" },
    { NULL, NULL, NULL }
};

const workload_t broadcast_workload = {
    .name = "broadcast", .summary = "broadcast messages over a topology; every read must hold them all",
    .check = "set-full", .idempotent = "read", .final_reads = true, .topology = true,
    .rpcs = s_rpcs, .klass = &s_class,
};
