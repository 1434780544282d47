/*  echo.c -- Maelstrom's echo workload: {"type":"echo","echo":"Please
    echo N"} (N in 0..127) answered by echo_ok with the same echo. Nothing
    is idempotent and there is no final phase; the "echo" check wants every
    answer to be the question.
*/
#include <assert.h>
#include <stdio.h>
#include "workloads.h"

#define S_STREAM 0x6a0000ULL

static void *
s_new (const workload_t *workload, const workload_ctx_t *ctx)
{
    (void) workload;
    return workload_basic_new (ctx, S_STREAM);
}

static json_t *
s_next (void *gen)
{
    workload_basic_t *self = gen;
    char text [32];
    snprintf (text, sizeof text, "Please echo %d", (int) rng_below (&self->rng, 128));
    return workload_op ("echo", json_string (text));
}

static json_t *
s_request (void *gen, const json_t *op)
{
    (void) gen;
    return workload_body (op, "echo");
}

static const workload_class_t s_class = {
    .gen_new = s_new, .gen_destroy = workload_basic_destroy, .next = s_next,
    .request = s_request,
};

static const workload_rpc_t s_rpcs [] = {
    { "echo", "echo_ok", "echo:any" }, { NULL, NULL, NULL }
};

const workload_t echo_workload = {
    .name = "echo", .summary = "echo a string back; every answer must be the question",
    .check = "echo", .idempotent = "", .rpcs = s_rpcs, .klass = &s_class,
};
