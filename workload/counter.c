/*  counter.c -- Maelstrom's g-counter and pn-counter workloads: add
    {"delta": D} and read, read_ok {"value": int}. pn-counter draws D in
    -5..4 with adds and reads 50/50; g-counter draws the same and drops the
    negative adds, so about a third of its ops are adds (as Maelstrom
    does). After the load a final read on every node, which the "counter"
    check holds to the sum of the acknowledged adds plus some of the
    uncertain ones. Every error reply is info, whatever its code:
    Maelstrom's counter clients map no errors (MAELSTROM.md section 3).
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "workloads.h"

#define S_STREAM 0x6f0000ULL

typedef struct {
    workload_basic_t basic;
    bool grow_only;
} s_counter_t;

static void *
s_new (const workload_t *workload, const workload_ctx_t *ctx)
{
    s_counter_t *self = calloc (1, sizeof *self);
    assert (self);
    workload_basic_t *basic = workload_basic_new (ctx, S_STREAM);
    self->basic = *basic;
    workload_basic_destroy (basic);
    self->grow_only = strcmp (workload->name, "g-counter") == 0;
    return self;
}

static json_t *
s_next (void *gen)
{
    s_counter_t *self = gen;
    while (true) {
        if (rng_below (&self->basic.rng, 2) == 0)
            return workload_op ("read", NULL);
        int delta = (int) rng_below (&self->basic.rng, 10) - 5;
        if (!self->grow_only || delta >= 0)
            return workload_op ("add", json_integer (delta));
    }
}

static json_t *
s_request (void *gen, const json_t *op)
{
    (void) gen;
    json_t *body = workload_body (op, "delta");
    //  A delta of 0 is still sent: workload_body leaves out only null.
    return body;
}

static const workload_class_t s_class = {
    .gen_new = s_new, .gen_destroy = workload_basic_destroy, .next = s_next,
    .request = s_request,
};

static const workload_rpc_t s_rpcs [] = {
    { "add", "add_ok", "" }, { "read", "read_ok", "value:int" }, { NULL, NULL, NULL }
};

const workload_t g_counter_workload = {
    .name = "g-counter", .summary = "a grow-only counter: add and read; final reads must sum the adds",
    .check = "counter", .idempotent = "", .errors_indefinite = true,
    .final_reads = true,
    .rpcs = s_rpcs, .klass = &s_class,
};

const workload_t pn_counter_workload = {
    .name = "pn-counter", .summary = "a counter that adds and subtracts; final reads must sum the adds",
    .check = "counter", .idempotent = "", .errors_indefinite = true,
    .final_reads = true,
    .rpcs = s_rpcs, .klass = &s_class,
};
