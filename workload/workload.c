/*  workload.c -- the table of workloads and what they share: error codes,
    idempotence, the reply schema, Maelstrom's topologies.

    The table is the one place a workload is listed: the scenario reader
    accepts the names in it, ./harness list prints it, and a run asks it
    which check judges the history. Order is the order of the list.
*/
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jsonl.h"
#include "workload.h"
#include "workloads.h"

static const workload_t *s_workloads [] = {
    &echo_workload, &unique_ids_workload, &broadcast_workload, &g_set_workload,
    &g_counter_workload, &pn_counter_workload, &lin_kv_workload, &kafka_workload,
    &txn_list_append_workload, &txn_rw_register_workload,
};
#define S_COUNT (sizeof s_workloads / sizeof s_workloads [0])

const workload_t *
workload_lookup (const char *name)
{
    for (size_t i = 0; name && i < S_COUNT; i++)
        if (strcmp (s_workloads [i]->name, name) == 0)
            return s_workloads [i];
    return NULL;
}

size_t
workload_count (void)
{
    return S_COUNT;
}

const workload_t *
workload_at (size_t index)
{
    return index < S_COUNT? s_workloads [index]: NULL;
}

char *
workload_names (char *buf, size_t size)
{
    assert (buf && size > 0);
    *buf = 0;
    for (size_t i = 0, used = 0; i < S_COUNT && used < size; i++) {
        int n = snprintf (buf + used, size - used, "%s%s", i? ", ": "", s_workloads [i]->name);
        used += n > 0? (size_t) n: 0;
    }
    return buf;
}

bool
workload_error_definite (int code)
{
    switch (code) {
        case 1: case 10: case 11: case 12: case 14: case 20: case 21: case 22: case 30:
            return true;
        default:
            return false;
    }
}

//  Is WORD one of the space-separated words of LIST?
static bool
s_word_in (const char *list, const char *word)
{
    size_t len = strlen (word);
    for (const char *at = list; at && *at; ) {
        while (*at == ' ')
            at++;
        size_t n = strcspn (at, " ");
        if (n == len && n > 0 && strncmp (at, word, n) == 0)
            return true;
        at += n;
    }
    return false;
}

bool
workload_idempotent (const workload_t *self, const char *f)
{
    assert (self);
    return f && s_word_in (self->idempotent, f);
}

const workload_rpc_t *
workload_rpc (const workload_t *self, const char *f)
{
    assert (self);
    for (const workload_rpc_t *rpc = self->rpcs; f && rpc->f; rpc++)
        if (strcmp (rpc->f, f) == 0)
            return rpc;
    return NULL;
}

void *
workload_gen_new (const workload_t *self, const workload_ctx_t *ctx)
{
    assert (self && ctx);
    return self->klass->gen_new (self, ctx);
}

void
workload_gen_destroy (const workload_t *self, void **gen_p)
{
    assert (self && gen_p);
    if (*gen_p)
        self->klass->gen_destroy (*gen_p);
    *gen_p = NULL;
}

json_t *
workload_next (const workload_t *self, void *gen)
{
    assert (self);
    return self->klass->next (gen);
}

json_t *
workload_final (const workload_t *self, void *gen, int n)
{
    assert (self);
    if (!self->final_reads)
        return NULL;
    if (self->klass->final)
        return self->klass->final (gen, n);
    //  A read for every n: the client stops once each node had its read.
    (void) n;
    return json_pack ("{s:s, s:n}", "f", "read", "value");
}

//  The name of the RPC's first field ("value:any" -> "value"), or "".
static void
s_first_field (const workload_rpc_t *rpc, char *name, size_t size)
{
    const char *fields = rpc && rpc->fields? rpc->fields: "";
    size_t n = strcspn (fields, ":");
    snprintf (name, size, "%.*s", (int) n, fields);
}

json_t *
workload_request (const workload_t *self, void *gen, const json_t *op, int64_t msg_id)
{
    assert (self && op);
    json_t *body;
    if (self->klass->request)
        body = self->klass->request (gen, op);
    else {
        const char *f = json_string_value (json_object_get (op, "f"));
        body = json_pack ("{s:s}", "type", f? f: "?");
    }
    assert (body);
    json_object_set_new (body, "msg_id", json_integer (msg_id));
    return body;
}

const char *
workload_type_name (const json_t *value)
{
    switch (json_typeof (value)) {
        case JSON_OBJECT: return "an object";
        case JSON_ARRAY: return "an array";
        case JSON_STRING: return "a string";
        case JSON_INTEGER: return "an integer";
        case JSON_REAL: return "a real";
        case JSON_TRUE: case JSON_FALSE: return "a boolean";
        default: return "null";
    }
}

bool
workload_malformed (const workload_outcome_t *outcome)
{
    assert (outcome);
    return strncmp (outcome->why, WORKLOAD_MALFORMED, strlen (WORKLOAD_MALFORMED)) == 0;
}

//  An integer past 64 bits, as jsonl_loads_wide keeps it: a string of
//  digits (a '-' first) that strtoll cannot hold. Maelstrom's s/Int takes
//  such a bigint; a node sending it as a JSON string is taken as well.
bool
workload_wide_integer (const json_t *value)
{
    return jsonl_wide_digits (json_string_value (value));
}

static bool
s_type_ok (const char *type, size_t len, json_t *value)
{
    if (len == 3 && strncmp (type, "any", 3) == 0)
        return true;
    if (len == 3 && strncmp (type, "int", 3) == 0)
        return json_is_integer (value) || workload_wide_integer (value);
    if (len == 5 && strncmp (type, "array", 5) == 0)
        return json_is_array (value);
    if (len == 6 && strncmp (type, "object", 6) == 0)
        return json_is_object (value);
    if (len == 6 && strncmp (type, "string", 6) == 0)
        return json_is_string (value);
    return false;
}

//  Is KEY one of the RPC's fields?
static bool
s_is_field (const workload_rpc_t *rpc, const char *key)
{
    size_t len = strlen (key);
    for (const char *at = rpc->fields? rpc->fields: ""; *at; ) {
        while (*at == ' ')
            at++;
        size_t n = strcspn (at, ":");
        if (n == len && strncmp (at, key, n) == 0)
            return true;
        at += strcspn (at, " ");
    }
    return false;
}

int
workload_schema_check (const workload_rpc_t *rpc, json_t *body, char *why, size_t size)
{
    assert (rpc && why);
    const char *key;
    json_t *value;
    json_object_foreach (body, key, value) {
        if (strcmp (key, "type") == 0)
            continue;
        if (strcmp (key, "in_reply_to") == 0 || strcmp (key, "msg_id") == 0) {
            if (!json_is_integer (value)) {
                snprintf (why, size, "malformed RPC response: '%s' is %s, expected an integer",
                          key, workload_type_name (value));
                return -1;
            }
            continue;
        }
        if (!s_is_field (rpc, key)) {
            snprintf (why, size, "malformed RPC response: %s has an unexpected key '%.64s'",
                      rpc->reply, key);
            return -1;
        }
    }
    for (const char *at = rpc->fields? rpc->fields: ""; *at; ) {
        while (*at == ' ')
            at++;
        if (!*at)
            break;
        size_t n = strcspn (at, ":");
        const char *type = at + n + (at [n] == ':');
        size_t type_len = strcspn (type, " ");
        char name [64];
        snprintf (name, sizeof name, "%.*s", (int) n, at);
        json_t *field = json_object_get (body, name);
        if (!field) {
            snprintf (why, size, "malformed RPC response: %s has no '%s'", rpc->reply, name);
            return -1;
        }
        if (!s_type_ok (type, type_len, field)) {
            snprintf (why, size, "malformed RPC response: %s's '%s' is %s, expected %s%.*s",
                      rpc->reply, name, workload_type_name (field),
                      strncmp (type, "int", 3) == 0 || strncmp (type, "array", 5) == 0
                      || strncmp (type, "object", 6) == 0? "an ": "a ", (int) type_len, type);
            return -1;
        }
        at = type + type_len;
    }
    return 0;
}

//  An outcome with a reason (fail or info).
static workload_outcome_t
s_outcome (workload_result_t result, int code, const char *why)
{
    workload_outcome_t outcome = { .result = result, .code = code };
    if (why)
        snprintf (outcome.why, sizeof outcome.why, "%s", why);
    return outcome;
}

//  An error reply: definite codes and idempotent ops fail, the rest info.
static workload_outcome_t
s_error (const workload_t *self, const char *f, json_t *body)
{
    json_t *code = json_object_get (body, "code");
    bool idempotent = workload_idempotent (self, f);
    if (!json_is_integer (code) || json_integer_value (code) < 0
    ||  json_integer_value (code) > INT32_MAX)
        return s_outcome (idempotent? WORKLOAD_FAIL: WORKLOAD_INFO, -1,
                          "error reply without a valid integer code");
    int value = (int) json_integer_value (code);
    bool fail = !self->errors_indefinite && (workload_error_definite (value) || idempotent);
    return s_outcome (fail? WORKLOAD_FAIL: WORKLOAD_INFO, value, NULL);
}

workload_outcome_t
workload_reply (const workload_t *self, void *gen, const json_t *op, json_t *body)
{
    assert (self && op);
    const char *f = json_string_value (json_object_get (op, "f"));
    const char *type = json_string_value (json_object_get (body, "type"));
    const workload_rpc_t *rpc = workload_rpc (self, f);
    workload_outcome_t outcome;
    char why [FL_WHY_BYTES_MAX];
    if (type && strcmp (type, "error") == 0)
        outcome = s_error (self, f, body);
    else
    if (!rpc || !type || strcmp (type, rpc->reply) != 0) {
        snprintf (why, sizeof why, "unexpected reply type '%.*s' to %s (expected %s)",
                  FL_ID_BYTES_MAX, type? type: "(none)", f? f: "?", rpc? rpc->reply: "?");
        outcome = s_outcome (WORKLOAD_INFO, -1, why);
    }
    else
    if (workload_schema_check (rpc, body, why, sizeof why))
        outcome = s_outcome (WORKLOAD_INFO, -1, why);
    else {
        outcome = s_outcome (WORKLOAD_OK, -1, NULL);
        if (self->klass->ok_value)
            outcome.value = self->klass->ok_value (gen, op, body);
        else {
            char name [64];
            s_first_field (rpc, name, sizeof name);
            json_t *field = *name? json_object_get (body, name): NULL;
            outcome.value = field? json_incref (field): NULL;
        }
    }
    if (self->klass->observe)
        self->klass->observe (gen, op, body, &outcome);
    return outcome;
}

workload_outcome_t
workload_timeout (const workload_t *self, void *gen, const json_t *op)
{
    assert (self && op);
    const char *f = json_string_value (json_object_get (op, "f"));
    workload_outcome_t outcome = workload_idempotent (self, f)?
        s_outcome (WORKLOAD_FAIL, 0, NULL): s_outcome (WORKLOAD_INFO, -1, NULL);
    if (self->klass->observe)
        self->klass->observe (gen, op, NULL, &outcome);
    return outcome;
}

//  Topologies (Maelstrom's broadcast workload).

static void
s_link (json_t *map, int from, int to)
{
    char a [16], b [16];
    snprintf (a, sizeof a, "n%d", from + 1);
    snprintf (b, sizeof b, "n%d", to + 1);
    json_t *list = json_object_get (map, a);
    json_array_append_new (list, json_string (b));
}

json_t *
workload_topology (const char *name, int nodes)
{
    assert (nodes >= 1);
    const char *names [] = { "grid", "line", "tree", "tree2", "tree3", "tree4", "total" };
    int which = -1;
    for (int i = 0; name && i < 7; i++)
        if (strcmp (name, names [i]) == 0)
            which = i;
    if (which < 0)
        return NULL;
    json_t *map = json_object ();
    for (int i = 0; i < nodes; i++) {
        char id [16];
        snprintf (id, sizeof id, "n%d", i + 1);
        json_object_set_new (map, id, json_array ());
    }
    if (which == 0) {           // grid: row-major, ceil(sqrt N) wide
        int width = (int) ceil (sqrt ((double) nodes));
        for (int i = 0; i < nodes; i++) {
            int row = i / width, col = i % width;
            if (i + width < nodes)              s_link (map, i, i + width);    // down
            if (row > 0)                        s_link (map, i, i - width);    // up
            if (col + 1 < width && i + 1 < nodes) s_link (map, i, i + 1);      // right
            if (col > 0)                        s_link (map, i, i - 1);        // left
        }
    }
    else
    if (which == 1) {           // line: left, right
        for (int i = 0; i < nodes; i++) {
            if (i > 0)          s_link (map, i, i - 1);
            if (i + 1 < nodes)  s_link (map, i, i + 1);
        }
    }
    else
    if (which <= 5) {           // b-ary tree, tier by tier: parent, children
        int b = which <= 3? 2: which - 1;      // tree and tree2 are binary
        for (int i = 0; i < nodes; i++) {
            if (i > 0)
                s_link (map, i, (i - 1) / b);
            for (int c = 1; c <= b && i * b + c < nodes; c++)
                s_link (map, i, i * b + c);
        }
    }
    else
        for (int i = 0; i < nodes; i++)
            for (int j = 0; j < nodes; j++)
                if (i != j)
                    s_link (map, i, j);
    return map;
}

const char *
workload_topology_names (void)
{
    return "grid, line, tree, tree2, tree3, tree4, total";
}

//  Helpers the workload files share (workloads.h).

void *
workload_basic_new (const workload_ctx_t *ctx, uint64_t base)
{
    workload_basic_t *self = calloc (1, sizeof *self);
    assert (self);
    self->ctx = *ctx;
    rng_init_stream (&self->rng, ctx->seed, base + (uint64_t) ctx->client);
    return self;
}

void
workload_basic_destroy (void *gen)
{
    free (gen);
}

int64_t
workload_basic_unique (workload_basic_t *self)
{
    return self->drawn++ * self->ctx.clients + (self->ctx.client - 1);
}

json_t *
workload_basic_read_or_add (workload_basic_t *self, const char *add_f)
{
    if (rng_below (&self->rng, 2) == 0)
        return workload_op ("read", NULL);
    return workload_op (add_f, json_integer (workload_basic_unique (self)));
}

json_t *
workload_op (const char *f, json_t *value)
{
    json_t *op = json_pack ("{s:s}", "f", f);
    json_object_set_new (op, "value", value? value: json_null ());
    return op;
}

json_t *
workload_body (const json_t *op, const char *field)
{
    const char *f = json_string_value (json_object_get (op, "f"));
    json_t *body = json_pack ("{s:s}", "type", f? f: "?");
    json_t *value = json_object_get (op, "value");
    if (field && value && !json_is_null (value))
        json_object_set (body, field, value);
    return body;
}
