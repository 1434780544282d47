/*  txn.c -- Maelstrom's txn-list-append and txn-rw-register workloads,
    the request and reply side: transactions over integer keys, sent as
    one RPC each.

        txn {"f":"txn","value":[["r",1,null],["append",1,3]]}
            -> txn {txn:[...]}, txn_ok {txn:[["r",1,[1,2]],["append",1,3]]}
    txn-rw-register writes with ["w",k,v] where list-append appends. The
    history's invoke value is the txn with every read null; the ok value
    is the txn as returned. Beyond the schema (txn: an array), observe
    holds the reply to the request: as many ops, each [f, key, value]
    with the request's f and key, and a write's value unchanged; only a
    read's value may differ (anything: a list or null for list-append,
    any value for rw-register, as the check will judge). Else the op is
    info, "malformed RPC response: ...". Nothing is idempotent; an error
    is fail when its code is definite (30, txn-conflict, among them).

    The generator is Elle's, as Maelstrom runs it (MAELSTROM.md section
    3), one per client: a txn of 1..S_TXN_LENGTH_MAX ops (uniform), each a
    read or a write, 50/50, on the key of one of S_KEY_SLOTS slots drawn
    with an exponential skew of base 2 (slot 0 half the time, slot 1 a
    quarter, ..., slot i with weight 2^(9-i) of 1023). A slot starts with
    key i; after S_WRITES_PER_KEY writes of this client to its key, the
    slot takes a fresh key, the next of 10, 11, 12, ... (from the write
    after on, within the same txn too). Values are unique per key: client
    c of n writes c, c+n, c+2n, ... to each key, so one client alone
    writes 1..16, as Maelstrom.

    Where this differs from Maelstrom: the generator is per client, not
    shared, so each client counts its own writes per key and draws its own
    fresh keys. Clients still share keys (every client starts on 0..9 and
    takes fresh keys in the same order), so they contend as Maelstrom's
    do, and a key may get up to 16 writes from each client, not 16 in all.
    The scenario's keys do not apply: the slots are Elle's 10. There is no
    final phase. The history is judged by the checker's txn models
    (checker/elle.c through check.h: Elle's inference and cycle search,
    against strict-serializable), named "elle" in results.json, and by
    "stats" (every f needs an ok).
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "workloads.h"

#define S_STREAM 0x680000ULL         // apart from every other stream
#define S_TXN_LENGTH_MAX 4          // Maelstrom's --max-txn-length
#define S_KEY_SLOTS 10              // Elle's key-count, Maelstrom's default
#define S_WRITES_PER_KEY 16         // Maelstrom's --max-writes-per-key

typedef struct {
    workload_basic_t basic;
    const char *write_f;                    // "append" or "w"
    int64_t slot_key [S_KEY_SLOTS];
    int slot_writes [S_KEY_SLOTS];          // this client's writes to the key
    int64_t fresh;                          // the next fresh key
} s_gen_t;

static void *
s_new (const workload_t *workload, const workload_ctx_t *ctx)
{
    s_gen_t *self = calloc (1, sizeof *self);
    assert (self);
    workload_basic_t *basic = workload_basic_new (ctx, S_STREAM);
    self->basic = *basic;
    workload_basic_destroy (basic);
    self->write_f = workload == &txn_rw_register_workload? "w": "append";
    for (int i = 0; i < S_KEY_SLOTS; i++)
        self->slot_key [i] = i;
    self->fresh = S_KEY_SLOTS;
    return self;
}

//  A slot, i with weight 2^(S_KEY_SLOTS-1-i): r in 1..2^S-1 has j =
//  floor(log2 r) for 2^j of the values; slot S-1-j.
static int
s_slot (s_gen_t *self)
{
    uint64_t r = rng_below (&self->basic.rng, (1ULL << S_KEY_SLOTS) - 1) + 1;
    int j = 0;
    while (r >>= 1)
        j++;
    return S_KEY_SLOTS - 1 - j;
}

static json_t *
s_next (void *gen)
{
    s_gen_t *self = gen;
    rng_t *rng = &self->basic.rng;
    const workload_ctx_t *ctx = &self->basic.ctx;
    int length = (int) rng_range (rng, 1, S_TXN_LENGTH_MAX);
    json_t *txn = json_array ();
    for (int i = 0; i < length; i++) {
        bool write = rng_below (rng, 2) == 1;
        int slot = s_slot (self);
        json_int_t key = (json_int_t) self->slot_key [slot];
        if (!write) {
            json_array_append_new (txn, json_pack ("[s, I, n]", "r", key));
            continue;
        }
        json_int_t value = (json_int_t) self->slot_writes [slot]++ * ctx->clients + ctx->client;
        json_array_append_new (txn, json_pack ("[s, I, I]", self->write_f, key, value));
        if (self->slot_writes [slot] == S_WRITES_PER_KEY) {
            self->slot_key [slot] = self->fresh++;
            self->slot_writes [slot] = 0;
        }
    }
    return workload_op ("txn", txn);
}

static json_t *
s_request (void *gen, const json_t *op)
{
    (void) gen;
    return workload_body (op, "txn");
}

//  OP (a micro-op) as text for a reason, cut to fit.
static void
s_text (const json_t *op, char *text, size_t size)
{
    char *dump = json_dumps (op, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf (text, size, "%s", dump? dump: "?");
    free (dump);
}

//  Is GOT (txn_ok's txn) the request's SENT with only reads filled in?
//  0, or -1 with why.
static int
s_txn_check (const json_t *sent, json_t *got, char *why, size_t size)
{
    if (json_array_size (got) != json_array_size (sent)) {
        snprintf (why, size, "malformed RPC response: txn_ok's txn has %zu op%s, the request "
                  "had %zu", json_array_size (got), json_array_size (got) == 1? "": "s",
                  json_array_size (sent));
        return -1;
    }
    size_t i;
    json_t *mop;
    json_array_foreach (got, i, mop) {
        json_t *asked = json_array_get (sent, i);
        const char *f = json_string_value (json_array_get (asked, 0));
        bool read = f && strcmp (f, "r") == 0;
        if (!json_is_array (mop) || json_array_size (mop) != 3) {
            snprintf (why, size, "malformed RPC response: txn_ok's txn[%zu] is %s%s, expected "
                      "[f, key, value]", i, workload_type_name (mop),
                      json_is_array (mop)? " not of 3": "");
            return -1;
        }
        if (!json_equal (json_array_get (mop, 0), json_array_get (asked, 0))
        ||  !json_equal (json_array_get (mop, 1), json_array_get (asked, 1))
        ||  (!read && !json_equal (json_array_get (mop, 2), json_array_get (asked, 2)))) {
            char a [64], b [64];
            s_text (mop, a, sizeof a);
            s_text (asked, b, sizeof b);
            snprintf (why, size, "malformed RPC response: txn_ok's txn[%zu] is %s, the request's "
                      "was %s (only a read's value may change)", i, a, b);
            return -1;
        }
    }
    return 0;
}

static json_t *
s_ok_value (void *gen, const json_t *op, json_t *body)
{
    (void) gen;
    (void) op;
    return json_incref (json_object_get (body, "txn"));
}

static void
s_observe (void *gen, const json_t *op, json_t *body, workload_outcome_t *outcome)
{
    (void) gen;
    char why [FL_WHY_BYTES_MAX];
    if (outcome->result == WORKLOAD_OK
    &&  s_txn_check (json_object_get (op, "value"), json_object_get (body, "txn"), why,
                     sizeof why)) {
        json_decref (outcome->value);
        *outcome = (workload_outcome_t) { .result = WORKLOAD_INFO, .code = -1 };
        snprintf (outcome->why, sizeof outcome->why, "%s", why);
    }
}

static const workload_class_t s_class = {
    .gen_new = s_new, .gen_destroy = workload_basic_destroy, .next = s_next,
    .request = s_request, .observe = s_observe, .ok_value = s_ok_value,
};

static const workload_rpc_t s_rpcs [] = {
    { "txn", "txn_ok", "txn:array" }, { NULL, NULL, NULL }
};

const workload_t txn_list_append_workload = {
    .name = "txn-list-append",
    .summary = "transactions of reads and list appends (checked by Elle's list-append inference)",
    .model = "list-append", .check = "elle", .idempotent = "", .rpcs = s_rpcs, .klass = &s_class,
};

const workload_t txn_rw_register_workload = {
    .name = "txn-rw-register",
    .summary = "transactions of reads and register writes (checked by Elle's rw-register inference)",
    .model = "rw-register", .check = "elle", .idempotent = "", .rpcs = s_rpcs, .klass = &s_class,
};
