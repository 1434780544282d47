/*  lin_kv.c -- the lin-kv workload: generator, requests, replies (see
    lin_kv.h).

    Every draw comes from the client's own stream, in a fixed order per op
    (the kind, then the key), so the sequence of kinds and keys is a pure
    function of (seed, client). Values are unique by construction, not by
    chance. What the system answered only changes a cas's "from", never the
    draws, so two runs with one seed issue the same kinds on the same keys.
*/
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "lin_kv.h"
#include "workload.h"

//  Stream numbers for clients: far from other consumers' streams.
#define S_STREAM_BASE 0x6e0000ULL

void
lin_kv_init (lin_kv_t *self, uint64_t seed, int client, int clients, int keys)
{
    assert (self);
    assert (client >= 1 && client <= clients);
    assert (keys >= 1 && keys <= FL_SCENARIO_KEYS_MAX);
    *self = (lin_kv_t) { .client = client, .clients = clients, .keys = keys };
    rng_init_stream (&self->rng, seed, S_STREAM_BASE + (uint64_t) client);
}

static int64_t
s_unique (lin_kv_t *self)
{
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
        op.value = s_unique (self);
    }
    else {
        op.f = LIN_KV_CAS;
        op.from = self->last [op.key];
        op.value = s_unique (self);
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
lin_kv_request (const lin_kv_op_t *op, int64_t msg_id)
{
    assert (op);
    json_t *body = json_pack ("{s:s, s:I, s:i}", "type", lin_kv_f_name (op->f),
                              "msg_id", (json_int_t) msg_id, "key", op->key);
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

//  An error reply: its code decides.
static lin_kv_reply_t
s_error (lin_kv_t *self, const lin_kv_op_t *op, json_t *body)
{
    json_t *code_json = json_object_get (body, "code");
    if (!json_is_integer (code_json)) {
        lin_kv_reply_t reply = { .result = LIN_KV_REPLY_INFO };
        snprintf (reply.why, sizeof reply.why, "error reply without an integer code");
        return reply;
    }
    int code = (int) json_integer_value (code_json);
    if (code == 20 && op->f == LIN_KV_READ) {
        lin_kv_observe (self, op->key, false, 0);
        return (lin_kv_reply_t) { .result = LIN_KV_REPLY_OK };
    }
    if (!workload_error_definite (code))
        return (lin_kv_reply_t) { .result = LIN_KV_REPLY_INFO, .code = code };
    if (code == 22 || code == 20)
        lin_kv_observe (self, op->key, false, 0);
    return (lin_kv_reply_t) { .result = LIN_KV_REPLY_FAIL, .code = code };
}

lin_kv_reply_t
lin_kv_reply (lin_kv_t *self, const lin_kv_op_t *op, json_t *body)
{
    assert (self && op);
    const char *type = json_string_value (json_object_get (body, "type"));
    if (type && strcmp (type, "error") == 0)
        return s_error (self, op, body);
    if (op->f == LIN_KV_READ && type && strcmp (type, "read_ok") == 0) {
        json_t *value = json_object_get (body, "value");
        bool has = value && !json_is_null (value);
        lin_kv_observe (self, op->key, has, json_integer_value (value));
        return (lin_kv_reply_t) { .result = LIN_KV_REPLY_OK, .has_value = has,
                                  .value = json_integer_value (value) };
    }
    if ((op->f == LIN_KV_WRITE && type && strcmp (type, "write_ok") == 0)
    ||  (op->f == LIN_KV_CAS && type && strcmp (type, "cas_ok") == 0)) {
        lin_kv_observe (self, op->key, true, op->value);
        return (lin_kv_reply_t) { .result = LIN_KV_REPLY_OK, .has_value = true,
                                  .value = op->value };
    }
    //  An answer we cannot read says nothing about whether it happened,
    //  and the node did not say 13 (crash): say what came instead.
    lin_kv_reply_t reply = { .result = LIN_KV_REPLY_INFO };
    snprintf (reply.why, sizeof reply.why, "unexpected reply type '%.*s'",
              FL_ID_BYTES_MAX, type? type: "(none)");
    return reply;
}
