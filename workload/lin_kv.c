/*  lin_kv.c -- the lin-kv workload: generator, requests, replies (see
    lin_kv.h).

    Every draw comes from the client's own stream, in a fixed order per op
    (the kind, then the key), so the sequence of kinds and keys is a pure
    function of (seed, client). Values are unique by construction, not by
    chance, unless the scenario's workload/values asks for Maelstrom's few
    repeated ones (then drawn third). What the system answered only changes a cas's "from", never the
    draws, so two runs with one seed issue the same kinds on the same keys.
*/
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "lin_kv.h"
#include <stdlib.h>
#include "workloads.h"

//  Stream numbers for clients: far from other consumers' streams.
#define S_STREAM_BASE 0x6e0000ULL

void
lin_kv_init (lin_kv_t *self, uint64_t seed, int client, int clients, int keys,
             int values)
{
    assert (self);
    assert (client >= 1 && client <= clients);
    assert (keys >= 1 && keys <= FL_SCENARIO_KEYS_MAX);
    assert (values >= 0 && values <= FL_SCENARIO_VALUES_MAX);
    *self = (lin_kv_t) { .client = client, .clients = clients, .keys = keys,
                         .values = values };
    rng_init_stream (&self->rng, seed, S_STREAM_BASE + (uint64_t) client);
}

//  The value of the next write or cas: unique (client i's k-th is
//  k * clients + i), or with workload/values drawn from 0..values-1 after
//  the kind and key, as Maelstrom draws 0..4.
static int64_t
s_value (lin_kv_t *self)
{
    if (self->values > 0)
        return (int64_t) rng_below (&self->rng, (uint64_t) self->values);
    return self->written++ * self->clients + self->client;
}

lin_kv_op_t
lin_kv_next (lin_kv_t *self)
{
    assert (self);
    int roll = (int) rng_below (&self->rng, 100);
    lin_kv_op_t op = { .key = (int) rng_below (&self->rng, (uint64_t) self->keys) };
    if (roll < LIN_KV_READ_PERCENT)
        op.f = LIN_KV_READ;
    else
    if (roll < LIN_KV_READ_PERCENT + LIN_KV_WRITE_PERCENT || !self->known [op.key]) {
        op.f = LIN_KV_WRITE;
        op.value = s_value (self);
    }
    else {
        op.f = LIN_KV_CAS;
        op.from = self->last [op.key];
        op.value = s_value (self);
    }
    return op;
}

void
lin_kv_observe (lin_kv_t *self, int key, bool has_value, int64_t value)
{
    assert (self);
    assert (key >= 0 && key < self->keys);
    self->known [key] = has_value;
    self->last [key] = value;
}

const char *
lin_kv_f_name (lin_kv_f_t f)
{
    return f == LIN_KV_READ? "read": f == LIN_KV_WRITE? "write": "cas";
}

json_t *
lin_kv_op_json (const lin_kv_op_t *op)
{
    assert (op);
    char key [16];
    snprintf (key, sizeof key, "%d", op->key);
    json_t *value = op->f == LIN_KV_WRITE? json_integer (op->value):
                    op->f == LIN_KV_CAS? json_pack ("[I, I]", (json_int_t) op->from,
                                                    (json_int_t) op->value): json_null ();
    return json_pack ("{s:s, s:s, s:o}", "f", lin_kv_f_name (op->f), "key", key, "value", value);
}

json_t *
lin_kv_request (const lin_kv_op_t *op)
{
    assert (op);
    json_t *body = json_pack ("{s:s, s:i}", "type", lin_kv_f_name (op->f), "key", op->key);
    assert (body);
    if (op->f == LIN_KV_WRITE)
        json_object_set_new (body, "value", json_integer (op->value));
    else
    if (op->f == LIN_KV_CAS) {
        json_object_set_new (body, "from", json_integer (op->from));
        json_object_set_new (body, "to", json_integer (op->value));
    }
    return body;
}

//  The generic workload (workload.h): the generator and the op in flight,
//  which the reply is read against.
typedef struct {
    lin_kv_t kv;
    lin_kv_op_t op;
} s_gen_t;

static void *
s_new (const workload_t *workload, const workload_ctx_t *ctx)
{
    (void) workload;
    s_gen_t *self = calloc (1, sizeof *self);
    assert (self);
    int keys = ctx->keys < 1? 1: ctx->keys > FL_SCENARIO_KEYS_MAX? FL_SCENARIO_KEYS_MAX: ctx->keys;
    lin_kv_init (&self->kv, ctx->seed, ctx->client, ctx->clients, keys, ctx->values);
    return self;
}

static void
s_destroy (void *gen)
{
    free (gen);
}

static json_t *
s_next (void *gen)
{
    s_gen_t *self = gen;
    self->op = lin_kv_next (&self->kv);
    return lin_kv_op_json (&self->op);
}

static json_t *
s_request (void *gen, const json_t *op)
{
    (void) op;
    return lin_kv_request (&((s_gen_t *) gen)->op);
}

//  Read ok: the value read; write and cas ok: what they wrote (the op's).
static json_t *
s_ok_value (void *gen, const json_t *op, json_t *body)
{
    s_gen_t *self = gen;
    if (self->op.f == LIN_KV_READ)
        return json_incref (json_object_get (body, "value"));
    return json_incref (json_object_get (op, "value"));
}

//  Learn what the key holds, so that a cas starts from it. Error 20 on a
//  read is a read of nil (every key starts at nil); 20 and 22 on a cas
//  say the client's idea of the key is wrong.
static void
s_observe (void *gen, const json_t *op, json_t *body, workload_outcome_t *outcome)
{
    (void) op;
    s_gen_t *self = gen;
    lin_kv_op_t *mine = &self->op;
    if (outcome->result == WORKLOAD_OK) {
        if (mine->f == LIN_KV_READ) {
            json_t *value = json_object_get (body, "value");
            lin_kv_observe (&self->kv, mine->key, json_is_integer (value),
                            json_integer_value (value));
        }
        else
            lin_kv_observe (&self->kv, mine->key, true, mine->value);
    }
    else
    if (outcome->code == 20 && mine->f == LIN_KV_READ && body) {
        *outcome = (workload_outcome_t) { .result = WORKLOAD_OK, .value = json_null (), .code = -1 };
        lin_kv_observe (&self->kv, mine->key, false, 0);
    }
    else
    if (outcome->result == WORKLOAD_FAIL && (outcome->code == 20 || outcome->code == 22))
        lin_kv_observe (&self->kv, mine->key, false, 0);
}

static const workload_class_t s_class = {
    .gen_new = s_new, .gen_destroy = s_destroy, .next = s_next, .request = s_request,
    .ok_value = s_ok_value, .observe = s_observe,
};

static const workload_rpc_t s_rpcs [] = {
    { "read", "read_ok", "value:any" }, { "write", "write_ok", "" }, { "cas", "cas_ok", "" },
    { NULL, NULL, NULL }
};

const workload_t lin_kv_workload = {
    .name = "lin-kv", .summary = "read / write / cas over a few keys, checked with the kv model",
    .model = "kv", .check = "linearizable", .idempotent = "read",
    .rpcs = s_rpcs, .klass = &s_class,
};
